// Shipments in GraphQL: thin resolvers over ShipmentService; every relation through a per-request loader.
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin, adminIn } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { DocumentService } from '../documents/document.service.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { TrackingEvent } from './tracking-event.entity.js';
import { TrackingEventInput } from './shipment.inputs.js';
import { ShipmentService } from './shipment.service.js';
import { FulfillmentDocuments, packingSlipKey } from './fulfillment-documents.js';
import { ShipmentStatus } from './shipment-status.js';

const shipments = (ctx: OrdoContext) => ctx.app.service(ShipmentService);

@Resolver(() => Shipment)
export class ShipmentResolver {
  @Query(() => Shipment, { nullable: true })
  shipment(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Shipment | null> {
    return shipments(ctx).readable(ctx.em, ctx.principal, id);
  }

  @Mutation(() => Shipment)
  markShipmentPicked(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Shipment> {
    return shipments(ctx).markPicked(can(ctx, adminIn('orders')).em, ctx.principal, id);
  }

  @Mutation(() => Shipment)
  markShipmentPacked(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Shipment> {
    return shipments(ctx).markPacked(can(ctx, adminIn('orders')).em, ctx.principal, id);
  }

  @Mutation(() => Shipment)
  markShipmentShipped(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Shipment> {
    return shipments(ctx).markShipped(can(ctx, adminIn('orders')).em, ctx.principal, id);
  }

  @Mutation(() => Shipment)
  recordTrackingEvent(@Arg('input', () => TrackingEventInput) input: TrackingEventInput, @Ctx() ctx: OrdoContext): Promise<Shipment> {
    return shipments(ctx).recordTracking(can(ctx, adminIn('orders')).em, ctx.principal, input);
  }

  @Query(() => String, { description: 'Admin: a signed link to the pick list (PDF) of a location: every unit waiting to be picked, per SKU, with its orders.' })
  pickList(@Arg('locationCode', () => String) locationCode: string, @Ctx() ctx: OrdoContext): Promise<string> {
    return ctx.app.service(FulfillmentDocuments).pickList(can(ctx, admin('orders')).em, locationCode);
  }

  @FieldResolver(() => Order)
  async order(@Root() s: Shipment, @Ctx() ctx: OrdoContext): Promise<Order> {
    return (await oneBy(ctx, Order).load(s.order.id))!;
  }

  @FieldResolver(() => StockLocation)
  async location(@Root() s: Shipment, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(s.location.id))!;
  }

  @FieldResolver(() => [ShipmentLine])
  lines(@Root() s: Shipment, @Ctx() ctx: OrdoContext): Promise<ShipmentLine[]> {
    return manyBy(ctx, ShipmentLine, 'shipment', (l) => l.shipment.id, { id: 'asc' }).load(s.id);
  }

  @FieldResolver(() => [TrackingEvent])
  events(@Root() s: Shipment, @Ctx() ctx: OrdoContext): Promise<TrackingEvent[]> {
    return manyBy(ctx, TrackingEvent, 'shipment', (e) => e.shipment.id, { at: 'asc', id: 'asc' }).load(s.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'A signed, expiring link to the carrier label (PDF).' })
  labelUrl(@Root() s: Shipment, @Ctx() ctx: OrdoContext): string | null {
    return s.labelKey ? ctx.app.service(DocumentService).signedUrl(s.labelKey) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'A signed, expiring link to the packing slip (PDF), rendered on its first download. Null for a cancelled shipment whose slip was never fetched.' })
  packingSlipUrl(@Root() s: Shipment, @Ctx() ctx: OrdoContext): string | null {
    const key = s.packingSlipKey ?? (s.status === ShipmentStatus.CANCELLED ? null : packingSlipKey(s.id));
    return key ? ctx.app.service(DocumentService).signedUrl(key) : null;
  }
}

@Resolver(() => ShipmentLine)
export class ShipmentLineFields {
  @FieldResolver(() => OrderLine)
  async orderLine(@Root() l: ShipmentLine, @Ctx() ctx: OrdoContext): Promise<OrderLine> {
    return (await oneBy(ctx, OrderLine).load(l.orderLine.id))!;
  }
}

/** Order.shipments: fulfillment extends the order the way a plugin would. */
@Resolver(() => Order)
export class OrderShipmentsField {
  @FieldResolver(() => [Shipment])
  shipments(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<Shipment[]> {
    return manyBy(ctx, Shipment, 'order', (s) => s.order.id, { id: 'asc' }).load(order.id);
  }
}
