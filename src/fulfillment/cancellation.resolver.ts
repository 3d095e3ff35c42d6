// Partial cancellation in GraphQL: units of an order's lines, or a shipment before it leaves.
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { Order } from '../order-core/order.entity.js';
import { Shipment } from './shipment.entity.js';
import { CancelOrderLineInput } from './shipment.inputs.js';
import { CancellationService } from './cancellation.service.js';

@Resolver()
export class CancellationResolver {
  @Mutation(() => Order, {
    description: 'Cancels units not yet picked (backordered, reserved, or in a PENDING shipment). Totals and tax follow; captured money above the new total is refunded (with a credit note), an authorization is captured at most up to it. The buyer may cancel while the order is PENDING, CONFIRMED or BACKORDERED; staff until the units are picked. A repeat with the same idempotencyKey answers the first result.',
  })
  cancelOrderLines(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('lines', () => [CancelOrderLineInput]) lines: CancelOrderLineInput[],
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Order> {
    return ctx.app.service(CancellationService).cancelOrderLines(ctx.em, ctx.principal, orderId, lines.map((l) => ({ orderLineId: l.orderLineId, quantity: l.quantity })), reason, idempotencyKey);
  }

  @Mutation(() => Shipment, {
    description: 'Staff: cancels a shipment that has not left. reroute: true reserves its units at other locations and routes them again (those no location has wait as backorders); false cancels its units from the order, as cancelOrderLines does.',
  })
  cancelShipment(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Arg('reroute', () => Boolean, { defaultValue: false }) reroute: boolean,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Shipment> {
    return ctx.app.service(CancellationService).cancelShipment(ctx.em, ctx.principal, id, reason, reroute, idempotencyKey);
  }
}
