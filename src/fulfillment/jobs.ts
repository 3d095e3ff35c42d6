// The fulfillment's jobs, one queue per concern, and the event handlers that feed them. Event handlers
// only enqueue (job id derived from the event id, so an outbox replay adds nothing); the jobs read the
// current state and do nothing when their work is done, so a job that runs twice is harmless.
import type { Em } from '../kernel/db/orm.js';
import type { DomainEvent, EventHandler, JobContext, JobDefinition } from '../kernel/module.js';
import { RoutingService } from './routing.js';
import { ShipmentService } from './shipment.service.js';
import { LabelService } from './labels.js';
import { FulfillmentDocuments } from './fulfillment-documents.js';
import { Housekeeping } from './housekeeping.js';
import { stageOf } from './shipment-moves.js';
import { ShipmentStatus } from './shipment-status.js';
import { jobOnEvent } from '../kernel/outbox/event-job.js';

export const QUEUES = { fulfillment: 'fulfillment', documents: 'documents', carrier: 'carrier', housekeeping: 'housekeeping' } as const;

type Data = Record<string, any>;
const em = (ctx: JobContext) => ctx.em as Em;
const job = (queue: string, handler: (data: Data, ctx: JobContext) => Promise<unknown>): JobDefinition => ({ queue, handler });

export const fulfillmentJobs: Record<string, JobDefinition> = {
  'fulfillment.route': job(QUEUES.fulfillment, async (d, ctx) => {
    const created = await ctx.app.service(RoutingService).route(em(ctx), d.orderId);
    if (d.resume) await resumeAutomation(ctx, d.orderId, created, String(d.eventId));
    return created;
  }),
  'fulfillment.allocateBackorders': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(RoutingService).allocateBackorders(em(ctx), d.variantId)),
  'fulfillment.advance': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(ShipmentService).autoAdvance(em(ctx), d.shipmentId)),
  'fulfillment.ship': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(ShipmentService).autoShip(em(ctx), d.shipmentId)),
  'fulfillment.cancelShipments': job(QUEUES.fulfillment, (d, ctx) => ctx.app.service(ShipmentService).cancelOpen(em(ctx), d.orderId)),
  'carrier.label': job(QUEUES.carrier, (d, ctx) => ctx.app.service(LabelService).buyLabel(em(ctx), d.shipmentId)),
  'carrier.cancelLabel': job(QUEUES.carrier, (d, ctx) => ctx.app.service(LabelService).cancelLabelOf(em(ctx), d.shipmentId)),
  'documents.packingSlip': job(QUEUES.documents, (d, ctx) => ctx.app.service(FulfillmentDocuments).packingSlip(em(ctx), d.shipmentId)),
  'housekeeping.cancelUnpaidOrders': job(QUEUES.housekeeping, (_d, ctx) => ctx.app.service(Housekeeping).cancelUnpaidOrders(em(ctx))),
  'housekeeping.flagStuckShipments': job(QUEUES.housekeeping, (_d, ctx) => ctx.app.service(Housekeeping).flagStuckShipments(em(ctx))),
};

/**
 * An order back from a hold: its shipments at autoFulfill locations were left where the hold found them
 * (the jobs do nothing while an order is on hold); each gets the job of its next step again.
 */
async function resumeAutomation(ctx: JobContext, orderId: string, created: string[], tag: string): Promise<void> {
  for (const s of await ctx.app.service(ShipmentService).openAutoShipments(em(ctx).fork(), orderId)) {
    if (created.includes(s.id)) continue;
    const stage = stageOf(s);
    const jobId = (step: string) => `${step}-${s.id}-resume-${tag}`;
    if (stage === ShipmentStatus.PENDING || stage === ShipmentStatus.PICKED) await ctx.app.queue.add(QUEUES.fulfillment, 'fulfillment.advance', { shipmentId: s.id }, { jobId: jobId('advance') });
    else if (stage === ShipmentStatus.PACKED) await ctx.app.queue.add(QUEUES.carrier, 'carrier.label', { shipmentId: s.id }, { jobId: jobId('label') });
    else if (stage === ShipmentStatus.LABELLED) await ctx.app.queue.add(QUEUES.fulfillment, 'fulfillment.ship', { shipmentId: s.id }, { jobId: jobId('ship') });
  }
}

/** An event handler that adds one fulfillment job per event (kernel/outbox/event-job.ts). */
const enqueue = (name: string, data: (e: DomainEvent<Data>) => Data | null): EventHandler => jobOnEvent(fulfillmentJobs[name].queue!, name, data);

const fromHold = (e: DomainEvent<Data>) => e.payload.from === 'ON_HOLD';
const route = enqueue('fulfillment.route', (e) => ({ orderId: e.payload.orderId, eventId: e.id, resume: fromHold(e) }));
/** Later statuses only matter when an order comes back to them from a hold (the workers' own moves need nothing). */
const routeAfterHold = enqueue('fulfillment.route', (e) => (fromHold(e) ? { orderId: e.payload.orderId, eventId: e.id, resume: true } : null));

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
  'stock.changed': enqueue('fulfillment.allocateBackorders', (e) => (Number(e.payload.delta) > 0 && e.payload.variantId ? { variantId: e.payload.variantId } : null)),
  'shipment.created': [
    enqueue('documents.packingSlip', (e) => ({ shipmentId: e.payload.shipmentId })),
    enqueue('fulfillment.advance', (e) => (e.payload.autoFulfill ? { shipmentId: e.payload.shipmentId } : null)),
  ],
  'shipment.packed': enqueue('carrier.label', (e) => ({ shipmentId: e.payload.shipmentId })),
  'shipment.labelled': enqueue('fulfillment.ship', (e) => ({ shipmentId: e.payload.shipmentId })),
  'shipment.cancelled': enqueue('carrier.cancelLabel', (e) => (e.payload.trackingNumber ? { shipmentId: e.payload.shipmentId } : null)),
};
