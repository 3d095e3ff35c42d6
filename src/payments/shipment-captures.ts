// Capture policy PER_SHIPMENT: each shipment that ships captures what it carries (its share of each line,
// tax included, from the `shipment.shipped` event), the first one also the shipping charge with its tax
// less the order's discounts; when nothing is left to ship (its last shipment, or the rest cancelled:
// `order.shipped`) the capture takes exactly what the order still owes and what is left of the
// authorizations is released. A customer is never charged for units still waiting, unless the provider can
// capture the authorization once only (a card without multicapture): its first capture then takes all the
// order owes, since later shipments could not be captured from it. One job per event,
// under the order's lock, keyed by the shipment: a replay or retry captures nothing twice; a refusal is
// retried with backoff, and whatever it missed the last capture takes.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { plainStatement } from '../kernel/db/plain-transaction.js';
import type { EventHandler, JobDefinition } from '../kernel/module.js';
import { idField, jobOnEvent } from '../kernel/outbox/event-job.js';
import { Channel, CapturePolicy } from '../channels/channel.entity.js';
import { withOrder } from '../order-core/order-lock.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation, PaymentOperationKind } from './payment-operation.entity.js';
import { PaymentService } from './payment.service.js';
import { coverage } from './payment-coverage.js';

const QUEUE = 'payments';

export interface ShipmentCapture {
  orderId: string;
  /** The shipment that shipped, or null when the order has nothing left to ship (`order.shipped`). */
  shipmentId: string | null;
  /** What the shipment carries, tax included. */
  value: number;
}

/** Captures the shipment's share; the failure reason, or null (captured, or nothing to capture). */
export async function captureShipment(app: AppRuntime, em: Em, c: ShipmentCapture): Promise<string | null> {
  const service = app.service(PaymentService);
  return withOrder(em, c.orderId, async (tx, order) => {
    if (order.status === OrderStatus.CANCELLED) return null;
    const channel = await tx.findOneOrFail(Channel, { id: order.channel.id });
    if (channel.capturePolicy !== CapturePolicy.PER_SHIPMENT) return null;
    const key = `shipment-${c.shipmentId ?? 'last'}`;
    const captures = await tx.find(PaymentOperation, { order: order.id, kind: PaymentOperationKind.CAPTURE });
    if (captures.some((op) => op.idempotencyKey === key)) return null;

    const lines = await tx.find(OrderLine, { order: order.id });
    const last = lines.every((l) => l.quantityShipped >= l.quantity);
    // Money given back while the total stayed (a staff refund, a return) is not owed again.
    const covered = await coverage(tx, order.id);
    const owed = order.total - covered.capturedNet - covered.givenBack;
    const shipping = order.shippingTotal + order.taxTotal - lines.reduce((s, l) => s + l.taxTotal, 0);
    const share = last ? owed : Math.min(owed, c.value + (captures.length ? 0 : shipping - (order.discountTotal ?? 0)));
    const note = c.shipmentId ? `for shipment ${c.shipmentId}` : 'for the rest of the order';

    // Oldest payment first; each gives what its authorization has left.
    const payments = (await tx.find(Payment, { order: order.id }, { orderBy: { id: 'asc' } }))
      .filter((p) => p.status === PaymentStatus.AUTHORIZED || (p.capturesOpen && (p.status === PaymentStatus.PAID || p.status === PaymentStatus.PARTIALLY_REFUNDED)));
    // An authorization the provider can capture once only (a card without multicapture) takes all the
    // order still owes at its first capture rather than leaving later shipments unpaid: `owing` is that.
    let left = Math.max(0, share);
    let owing = Math.max(0, owed);
    for (const p of payments) {
      const take = Math.min(left, p.amount - p.amountCaptured);
      if (take <= 0) continue;
      const out = await service.captureShare(tx, p, order, take, key, last, note, Math.min(owing, p.amount - p.amountCaptured));
      if (out.failure) return out.failure;
      left = Math.max(0, left - out.captured);
      owing = Math.max(0, owing - out.captured);
    }
    if (last) for (const p of payments) await service.closeCaptures(tx, p, order);
    return null;
  });
}

export const shipmentCaptureJobs: Record<string, JobDefinition> = {
  'payments.captureShipment': {
    queue: QUEUE,
    handler: async (d: ShipmentCapture, ctx) => {
      const failure = await captureShipment(ctx.app, ctx.em as Em, d);
      // Thrown after the commit: the refusal stays in the history and the queue retries with backoff.
      if (failure) throw new Error(`capture for order ${d.orderId} failed: ${failure}`);
    },
  },
};

const orderIdOf = idField('orderId');
const shipmentIdOf = idField('shipmentId');
/** One job per event of an order whose channel captures per shipment. */
function captureOn(what: 'shipment' | 'order'): EventHandler {
  return jobOnEvent(QUEUE, 'payments.captureShipment', async (event, ctx) => {
    const orderId = orderIdOf(event);
    if (!orderId) return null;
    // A lone read outside a transaction: it shares a round trip with other handlers' (plainStatement).
    const [row] = await plainStatement(ctx.em as Em, 'SELECT c.capture_policy AS policy FROM orders o JOIN channel c ON c.id = o.channel_id WHERE o.id = ?', [orderId]);
    if (row?.policy !== CapturePolicy.PER_SHIPMENT) return null;
    if (what === 'order') return { orderId, shipmentId: null, value: 0 };
    const value = Number((event.payload as { value?: unknown }).value ?? 0);
    return { orderId, shipmentId: shipmentIdOf(event), value: Number.isSafeInteger(value) ? value : 0 };
  }, (ctx) => ({ attempts: ctx.app.config.captureAttempts, backoffMs: ctx.app.config.captureBackoffMs }));
}

export const shipmentCaptureHandlers: Record<string, EventHandler> = {
  'shipment.shipped': captureOn('shipment'),
  'order.shipped': captureOn('order'),
};
