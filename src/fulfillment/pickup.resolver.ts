// Click & collect in GraphQL (pickup.service.ts): staff mark a shipment ready and confirm the customer's
// code at the counter; the code itself is a field only the order's own customer (or its access token's
// holder) can read, so it reaches them on their live subscription and nobody else (staff included: the
// code is what proves the person at the counter is the buyer).
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { adminIn, canReadOrder } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { oneBy } from '../kernel/loaders.js';
import { Order } from '../order-core/order.entity.js';
import { Shipment } from './shipment.entity.js';
import { PickupService } from './pickup.service.js';

const pickups = (ctx: OrdoContext) => ctx.app.service(PickupService);

@Resolver(() => Shipment)
export class PickupResolver {
  @Mutation(() => Shipment, { description: 'Staff: the order waits at its store (READY_FOR_PICKUP); the customer gets the pickup code by mail or SMS and live. Give shipmentId or orderId.' })
  markReadyForPickup(
    @Arg('shipmentId', () => ID, { nullable: true }) shipmentId: string | undefined,
    @Arg('orderId', () => ID, { nullable: true }) orderId: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Shipment> {
    return pickups(ctx).markReady(can(ctx, adminIn('orders')).em, ctx.principal, { shipmentId, orderId });
  }

  @Mutation(() => Shipment, { description: "Staff at the store: the customer's pickup code. Wrong: BAD_USER_INPUT on `code`, nothing changes. Right: the shipment is handed over (SHIPPED, stock out) and DELIVERED." })
  confirmPickup(
    @Arg('code', () => String) code: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Shipment> {
    return pickups(ctx).confirm(can(ctx, adminIn('orders')).em, ctx.principal, code, idempotencyKey);
  }

  @FieldResolver(() => String, { nullable: true, description: "Click & collect: the code to show at the store while the shipment is READY_FOR_PICKUP. Only for the order's own customer or access token; null for anyone else." })
  async pickupCode(@Root() s: Shipment, @Ctx() ctx: OrdoContext): Promise<string | null> {
    const p = ctx.principal;
    if ((p.kind !== 'customer' && p.kind !== 'order') || !s.readyForPickupAt) return null;
    const order = await oneBy(ctx, Order).load(s.order.id);
    return order && canReadOrder(p, order) ? pickups(ctx).codeOf(s) : null;
  }
}
