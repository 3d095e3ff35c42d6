// The fulfillment's jobs, one queue per concern, and the event handlers that feed them. Event handlers
// only enqueue (job id derived from the event id, so an outbox replay adds nothing); the jobs read the
// current state and do nothing when their work is done, so a job that runs twice is harmless.
import type { Em } from '../kernel/db/orm.js';
import { onlyWhen, type DomainEvent, type EventHandler, type JobContext, type JobDefinition } from '../kernel/module.js';
import { RoutingService } from './routing.js';
import { ShipmentService } from './shipment.service.js';
import { LabelService } from './labels.js';
import { FulfillmentDocuments } from './fulfillment-documents.js';
import { Housekeeping } from './housekeeping.js';
import { AutoFulfillment } from './auto-walk.js';
import { PreorderRelease } from './preorder-release.js';
import { jobOnEvent } from '../kernel/outbox/event-job.js';

export const QUEUES = { fulfillment: 'fulfillment', documents: 'documents', carrier: 'carrier', housekeeping: 'housekeeping' } as const;

type Data = Record<string, any>;
const em = (ctx: JobContext) => ctx.em as Em;
const job = (queue: string, handler: (data: Data, ctx: JobContext) => Promise<unknown>): JobDefinition => ({ queue, handler });

export const fulfillmentJobs: Record<string, JobDefinition> = {
  // Routes, then walks the order's automated shipments to SHIPPED (auto-walk.ts); resumes them after a hold.
  'fulfillment.route': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(RoutingService).route(em(ctx), d.orderId)),
  'fulfillment.walk': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(AutoFulfillment).walk(em(ctx), d.shipmentId)),
  'fulfillment.allocateBackorders': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(RoutingService).allocateBackorders(em(ctx), d.variantId)),
  // The steps one by one: staff-packed shipments get their label, the fulfillment sweeper restarts a
  // stalled automated shipment, and jobs queued before the walk existed still run.
  'fulfillment.advance': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(ShipmentService).autoAdvance(em(ctx), d.shipmentId)),
  'fulfillment.ship': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(ShipmentService).autoShip(em(ctx), d.shipmentId)),
  'fulfillment.cancelShipments': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(ShipmentService).cancelOpen(em(ctx), d.orderId)),
  'carrier.label': job(QUEUES.carrier, (d, ctx) => ctx.app.service(LabelService).buyLabel(em(ctx), d.shipmentId)),
  'carrier.cancelLabel': job(QUEUES.carrier, (d, ctx) => ctx.app.service(LabelService).cancelLabelOf(em(ctx), d.shipmentId)),
  // Queued by earlier versions; packing slips are now rendered on first download (fulfillment-documents.ts).
  'documents.packingSlip': job(QUEUES.documents, (d, ctx) => ctx.app.service(FulfillmentDocuments).packingSlip(em(ctx), d.shipmentId)),
  'housekeeping.cancelUnpaidOrders': job(QUEUES.housekeeping, (_d, ctx) => ctx.app.service(Housekeeping).cancelUnpaidOrders(em(ctx))),
  'housekeeping.flagStuckShipments': job(QUEUES.housekeeping, (_d, ctx) => ctx.app.service(Housekeeping).flagStuckShipments(em(ctx))),
  'housekeeping.cancelUncollectedPickups': job(QUEUES.housekeeping, (_d, ctx) => ctx.app.service(Housekeeping).cancelUncollectedPickups(em(ctx))),
  // Preorders whose release date has passed: released and served from stock (preorder-release.ts).
  'housekeeping.releasePreorders': job(QUEUES.housekeeping, (_d, ctx) => ctx.app.service(PreorderRelease).releaseDue(em(ctx))),
};

/** An event handler that adds one fulfillment job per event (kernel/outbox/event-job.ts). */
const enqueue = (name: string, data: (e: DomainEvent<Data>) => Data | null): EventHandler => jobOnEvent(fulfillmentJobs[name].queue!, name, data);

const fromHold = (e: DomainEvent) => (e.payload as Data).from === 'ON_HOLD';
const route = enqueue('fulfillment.route', (e) => ({ orderId: e.payload.orderId }));
/** Later statuses only matter when an order comes back to them from a hold (the workers' own moves need nothing). */
const routeAfterHold = onlyWhen(fromHold, route);
/** A step the automation's walk made (auto-walk.ts) needs no job of its own. */
const notWalked = (e: DomainEvent) => !(e.payload as Data).walked;

export const fulfillmentHandlers: Record<string, EventHandler | EventHandler[]> = {
  // Confirmed (placed and paid, paid later, or back from a hold): reserved units become shipments.
  'order.confirmed': route,
  'order.backordered': route,
  // Back from a hold in the middle of fulfillment: the automation resumes, the status catches up.
  'order.in_fulfillment': routeAfterHold,
  'order.partially_shipped': routeAfterHold,
  'order.shipped': routeAfterHold,
  'order.cancelled': enqueue('fulfillment.cancelShipments', (e) => ({ orderId: e.payload.orderId })),
  // Units arrived (received, counted up, corrected): lines waiting for them get them, oldest order first.
  'stock.changed': onlyWhen((e) => Number((e.payload as Data).delta) > 0 && !!(e.payload as Data).variantId, enqueue('fulfillment.allocateBackorders', (e) => ({ variantId: e.payload.variantId }))),
  // Made by an order edit or a re-route after a cancellation (routing walks its own shipments itself).
  'shipment.created': onlyWhen((e) => !!(e.payload as Data).autoFulfill && notWalked(e), enqueue('fulfillment.walk', (e) => ({ shipmentId: e.payload.shipmentId }))),
  'shipment.packed': onlyWhen(notWalked, enqueue('carrier.label', (e) => ({ shipmentId: e.payload.shipmentId }))),
  'shipment.labelled': onlyWhen(notWalked, enqueue('fulfillment.ship', (e) => ({ shipmentId: e.payload.shipmentId }))),
  'shipment.cancelled': onlyWhen((e) => !!(e.payload as Data).trackingNumber, enqueue('carrier.cancelLabel', (e) => ({ shipmentId: e.payload.shipmentId }))),
};
