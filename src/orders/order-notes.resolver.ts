// Staff notes and tags: the mutations, and Order.tags / Order.notes (staff only: a buyer reading their
// order sees neither, nor their history entries).
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { isAdmin } from '../kernel/auth.js';
import { manyBy } from '../kernel/loaders.js';
import { Order } from '../order-core/order.entity.js';
import { OrderTag } from '../order-core/order-tag.entity.js';
import { OrderHistoryEntry } from '../order-core/order-history.entity.js';
import { OrderNotesService } from './order-notes.service.js';

const notes = (ctx: OrdoContext) => ctx.app.service(OrderNotesService);

@Resolver(() => Order)
export class OrderNotesResolver {
  @Mutation(() => Order, { description: "A staff note on the order, in its history (type NOTE, naming the staff member); buyers never see notes." })
  addOrderNote(@Arg('orderId', () => ID) orderId: string, @Arg('text') text: string, @Ctx() ctx: OrdoContext): Promise<Order> {
    return notes(ctx).addNote(ctx.em, ctx.principal, orderId, text);
  }

  @Mutation(() => Order, { description: 'Adds tags (trimmed, lower-cased; at most 50 per order); tags it already has change nothing. History: TAGGED.' })
  tagOrder(@Arg('orderId', () => ID) orderId: string, @Arg('tags', () => [String]) tags: string[], @Ctx() ctx: OrdoContext): Promise<Order> {
    return notes(ctx).tag(ctx.em, ctx.principal, orderId, tags);
  }

  @Mutation(() => Order, { description: 'Removes tags; tags it does not have change nothing. History: UNTAGGED.' })
  untagOrder(@Arg('orderId', () => ID) orderId: string, @Arg('tags', () => [String]) tags: string[], @Ctx() ctx: OrdoContext): Promise<Order> {
    return notes(ctx).untag(ctx.em, ctx.principal, orderId, tags);
  }

  @FieldResolver(() => [String], { description: "Staff's tags (sorted); empty for anyone but staff." })
  async tags(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<string[]> {
    if (!isAdmin(ctx.principal)) return [];
    const rows = await manyBy(ctx, OrderTag, 'order', (t) => t.order.id, { tag: 'asc' }).load(order.id);
    return rows.map((r) => r.tag);
  }

  @FieldResolver(() => [OrderHistoryEntry], { description: "Staff's notes, oldest first (the history's NOTE entries); empty for anyone but staff." })
  async staffNotes(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<OrderHistoryEntry[]> {
    if (!isAdmin(ctx.principal)) return [];
    const all = await manyBy(ctx, OrderHistoryEntry, 'order', (h) => h.order.id, { id: 'asc' }).load(order.id);
    return all.filter((h) => h.type === 'NOTE');
  }
}
