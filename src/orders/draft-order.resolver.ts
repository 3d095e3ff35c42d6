import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { connectionOf } from '../kernel/graphql-types.js';
import type { Page } from '../kernel/pagination.js';
import { Customer } from '../customers/customer.entity.js';
import { Order } from '../order-core/order.entity.js';
import { DraftOrder } from './draft-order.entity.js';
import { CreateDraftOrderInput, UpdateDraftOrderInput } from './draft-order.inputs.js';
import { DraftOrderService } from './draft-order.service.js';
import { PaymentInput } from './order.inputs.js';
import { OrderQuote } from './order-quote.types.js';

export const DraftOrderConnection = connectionOf(DraftOrder, 'DraftOrder');

const drafts = (ctx: OrdoContext) => ctx.app.service(DraftOrderService);

@Resolver(() => DraftOrder)
export class DraftOrderResolver {
  @Query(() => DraftOrder, { nullable: true, description: 'A draft order (staff with the orders role).' })
  draftOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<DraftOrder | null> {
    return drafts(ctx).get(ctx.em, ctx.principal, id);
  }

  @Query(() => DraftOrderConnection, { description: 'Draft orders, newest first (staff with the orders role).' })
  draftOrders(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<DraftOrder>> {
    return drafts(ctx).list(ctx.em, ctx.principal, first, after);
  }

  @Mutation(() => DraftOrder, { description: 'Starts a draft order (phone, B2B, in store); it reserves nothing and no customer sees it.' })
  createDraftOrder(@Arg('input', () => CreateDraftOrderInput) input: CreateDraftOrderInput, @Ctx() ctx: OrdoContext): Promise<DraftOrder> {
    return drafts(ctx).create(ctx.em, ctx.principal, input);
  }

  @Mutation(() => DraftOrder, { description: 'Replaces what the input gives (lines as a whole) on an OPEN draft.' })
  updateDraftOrder(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateDraftOrderInput) input: UpdateDraftOrderInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<DraftOrder> {
    return drafts(ctx).update(ctx.em, ctx.principal, id, input);
  }

  @Mutation(() => Boolean, { description: 'Deletes an OPEN draft order.' })
  deleteDraftOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    return drafts(ctx).delete(ctx.em, ctx.principal, id);
  }

  @Mutation(() => DraftOrder, {
    description: 'Places the draft as an order (placeOrder\'s checks, stock and payment) with its price overrides; the draft becomes COMPLETED and points to the order.',
  })
  completeDraftOrder(
    @Arg('id', () => ID) id: string,
    @Arg('payment', () => PaymentInput) payment: PaymentInput,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A retry with the same key (and payment) answers the completed draft and its order instead of INVALID_STATE_TRANSITION.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<DraftOrder> {
    return drafts(ctx).complete(ctx.em, ctx.principal, id, payment, idempotencyKey);
  }

  @FieldResolver(() => OrderQuote, { description: 'The order as placeOrder would price it now, with the price overrides (as quoteOrder answers); nothing is reserved.' })
  quote(@Root() draft: DraftOrder, @Ctx() ctx: OrdoContext): Promise<OrderQuote> {
    return drafts(ctx).quote(ctx.em, ctx.principal, draft);
  }

  @FieldResolver(() => Order, { nullable: true, description: 'The order the draft became, once COMPLETED.' })
  order(@Root() draft: DraftOrder, @Ctx() ctx: OrdoContext): Promise<Order | null> {
    return drafts(ctx).order(ctx.em, draft);
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() draft: DraftOrder, @Ctx() ctx: OrdoContext): Promise<Customer | null> {
    return drafts(ctx).customer(ctx.em, draft);
  }
}
