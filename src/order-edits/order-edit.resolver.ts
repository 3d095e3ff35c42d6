// Order editing in GraphQL: begin, change, preview, commit or discard; Order.edits and OrderEdit's fields.
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { AddressInput } from '../order-core/address.js';
import { Order } from '../order-core/order.entity.js';
import { PaymentInput } from '../orders/order.inputs.js';
import { OrderEdit, OrderEditLine } from './order-edit.entity.js';
import { OrderEditPreview, toPreview } from './order-edit-preview.js';
import { OrderEditService } from './order-edit.service.js';

const edits = (ctx: OrdoContext) => ctx.app.service(OrderEditService);

@Resolver(() => OrderEdit)
export class OrderEditResolver {
  @Query(() => OrderEdit, { nullable: true, description: 'An order edit (staff, or the buyer of its order).' })
  orderEdit(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<OrderEdit | null> {
    return edits(ctx).get(ctx.em, ctx.principal, id);
  }

  @Query(() => OrderEditPreview, { description: 'What committing the edit would do now: new lines and totals (tax of the new address), the amount due or to refund. Changes nothing.' })
  async orderEditPreview(@Arg('editId', () => ID) editId: string, @Ctx() ctx: OrdoContext): Promise<OrderEditPreview> {
    const { edit, order, plan } = await edits(ctx).preview(ctx.em, ctx.principal, editId);
    return toPreview(edit, order, plan);
  }

  @Mutation(() => OrderEdit, { description: "Begins editing an order that has not fully shipped (answers the order's OPEN edit when there is one). Staff change lines and the shipping method; the buyer may change the shipping address until a shipment is picked." })
  beginOrderEdit(@Arg('orderId', () => ID) orderId: string, @Ctx() ctx: OrdoContext): Promise<OrderEdit> {
    return edits(ctx).begin(ctx.em, ctx.principal, orderId);
  }

  @Mutation(() => OrderEdit, { description: 'Staff: the units a line should have after the edit (0 removes it).' })
  orderEditSetQuantity(
    @Arg('editId', () => ID) editId: string,
    @Arg('orderLineId', () => ID) orderLineId: string,
    @Arg('quantity', () => Int) quantity: number,
    @Ctx() ctx: OrdoContext,
  ): Promise<OrderEdit> {
    return edits(ctx).setQuantity(ctx.em, ctx.principal, editId, orderLineId, quantity);
  }

  @Mutation(() => OrderEdit, { description: 'Staff: adds units of a SKU (to its line when the order has one; else a new line at the catalog price).' })
  orderEditAddLine(
    @Arg('editId', () => ID) editId: string,
    @Arg('sku') sku: string,
    @Arg('quantity', () => Int) quantity: number,
    @Ctx() ctx: OrdoContext,
  ): Promise<OrderEdit> {
    return edits(ctx).addLine(ctx.em, ctx.principal, editId, sku, quantity);
  }

  @Mutation(() => OrderEdit, { description: 'Staff: removes an order line (orderLineId) or a line this edit added (sku).' })
  orderEditRemoveLine(
    @Arg('editId', () => ID) editId: string,
    @Arg('orderLineId', () => ID, { nullable: true }) orderLineId: string | undefined,
    @Arg('sku', () => String, { nullable: true }) sku: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<OrderEdit> {
    return edits(ctx).removeLine(ctx.em, ctx.principal, editId, orderLineId, sku);
  }

  @Mutation(() => OrderEdit, { description: 'The new shipping address (staff or the buyer); the tax follows its country.' })
  orderEditSetShippingAddress(
    @Arg('editId', () => ID) editId: string,
    @Arg('address', () => AddressInput) address: AddressInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<OrderEdit> {
    return edits(ctx).setShippingAddress(ctx.em, ctx.principal, editId, address);
  }

  @Mutation(() => OrderEdit, { description: 'Staff: a new shipping method (its price becomes the shipping charge).' })
  orderEditSetShippingMethod(
    @Arg('editId', () => ID) editId: string,
    @Arg('shippingMethodCode') shippingMethodCode: string,
    @Ctx() ctx: OrdoContext,
  ): Promise<OrderEdit> {
    return edits(ctx).setShippingMethod(ctx.em, ctx.principal, editId, shippingMethodCode);
  }

  @Mutation(() => Order, {
    description: 'Applies the edit: stock reserved and released, prices and tax again, the difference authorized with payment (required when the total goes up beyond what is authorized) or the captured excess refunded, unpicked shipments routed again. Refused when a changed line is picked. A repeat with the same idempotencyKey answers the first result.',
  })
  commitOrderEdit(
    @Arg('editId', () => ID) editId: string,
    @Arg('payment', () => PaymentInput, { nullable: true }) payment: PaymentInput | undefined,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Order> {
    return edits(ctx).commit(ctx.em, ctx.principal, editId, payment ? { method: payment.method, token: payment.token ?? null } : null, reason, idempotencyKey);
  }

  @Mutation(() => OrderEdit, { description: 'Drops an OPEN edit; the order is unchanged.' })
  discardOrderEdit(@Arg('editId', () => ID) editId: string, @Ctx() ctx: OrdoContext): Promise<OrderEdit> {
    return edits(ctx).discard(ctx.em, ctx.principal, editId);
  }

  @FieldResolver(() => [OrderEditLine], { description: 'The lines as the order would have them after the edit (while OPEN), or has them now.' })
  async lines(@Root() edit: OrderEdit, @Ctx() ctx: OrdoContext): Promise<OrderEditLine[]> {
    return edits(ctx).lines(edit, await manyBy(ctx, OrderLine, 'order', (l) => l.order.id, { id: 'asc' }).load(edit.order.id));
  }

  @FieldResolver(() => Order)
  async order(@Root() edit: OrderEdit, @Ctx() ctx: OrdoContext): Promise<Order> {
    return (await oneBy(ctx, Order).load(edit.order.id))!;
  }
}

@Resolver(() => Order)
export class OrderEditsField {
  @FieldResolver(() => [OrderEdit], { description: 'Edits of the order, oldest first.' })
  edits(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<OrderEdit[]> {
    return manyBy(ctx, OrderEdit, 'order', (e) => e.order.id, { createdAt: 'asc', id: 'asc' }).load(order.id);
  }
}
