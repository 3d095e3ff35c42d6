// Capture by policy. Each channel says when its authorized payments are captured: ON_PLACEMENT (a job
// fed by `order.confirmed` / `order.backordered`) or ON_FIRST_SHIPMENT (a job fed by `shipment.shipped`).
// The job reads the current state, so a replayed or repeated event captures nothing twice. A refused
// capture is retried with backoff; when it keeps failing, the order goes ON_HOLD (capture-for-order.ts).
import type { Em } from '../kernel/db/orm.js';
import { plainStatement } from '../kernel/db/plain-transaction.js';
import type { EventHandler, JobDefinition } from '../kernel/module.js';
import { CapturePolicy } from '../channels/channel.entity.js';
import { captureForOrder } from './capture-for-order.js';
import { idField, jobOnEvent } from '../kernel/outbox/event-job.js';

export const PAYMENTS_QUEUE = 'payments';

export const paymentJobs: Record<string, JobDefinition> = {
  'payments.capture': {
    queue: PAYMENTS_QUEUE,
    handler: (d: { orderId: string; why: string; attempts: number }, ctx) =>
      captureForOrder(ctx.app, ctx.em as Em, d.orderId, ctx.attempt, d.attempts ?? ctx.app.config.captureAttempts, d.why ?? 'capture job'),
  },
};

const orderIdOf = idField('orderId');

/**
 * The channel's policy as it applies to the order: an order with a preordered line (docs/preorders.md) is
 * captured at shipment whatever the channel says, so ON_PLACEMENT behaves as ON_FIRST_SHIPMENT for it
 * (PER_SHIPMENT stays per shipment). The row has `policy` and `preorder` (PREORDER_SQL).
 */
const policyOf = (row: { policy?: string; preorder?: unknown } | undefined): string | undefined =>
  row?.policy === CapturePolicy.ON_PLACEMENT && Number(row.preorder) === 1 ? CapturePolicy.ON_FIRST_SHIPMENT : row?.policy;
const PREORDER_SQL = "CASE WHEN EXISTS (SELECT 1 FROM order_line pl WHERE pl.order_id = o.id AND pl.preorder = true) THEN 1 ELSE 0 END AS preorder";

function captureWhen(policy: CapturePolicy, why: string): EventHandler {
  return jobOnEvent(PAYMENTS_QUEUE, 'payments.capture', async (event, ctx) => {
    const orderId = orderIdOf(event);
    if (!orderId) return null;
    const [row] = await plainStatement(
      ctx.em as Em,
      `SELECT c.capture_policy AS policy, ${PREORDER_SQL} FROM orders o JOIN channel c ON c.id = o.channel_id WHERE o.id = ? AND EXISTS (SELECT 1 FROM payment p WHERE p.order_id = o.id AND p.status = 'AUTHORIZED')`,
      [orderId],
    );
    return policyOf(row) === policy ? { orderId, why, attempts: ctx.app.config.captureAttempts } : null;
  }, (ctx) => ({ attempts: ctx.app.config.captureAttempts, backoffMs: ctx.app.config.captureBackoffMs }));
}

/**
 * An edit that raised the total authorized the difference as a payment of its own: captured at once when
 * the channel captures on placement, or when it captures at the first shipment and one has shipped.
 */
const captureEdited = jobOnEvent(PAYMENTS_QUEUE, 'payments.capture', async (event, ctx) => {
  const orderId = orderIdOf(event);
  if (!orderId) return null;
  const [row] = await plainStatement(
    ctx.em as Em,
    `SELECT c.capture_policy AS policy, ${PREORDER_SQL}, (SELECT COUNT(*) FROM order_line ol WHERE ol.order_id = o.id AND ol.quantity_shipped > 0) AS shipped
     FROM orders o JOIN channel c ON c.id = o.channel_id WHERE o.id = ? AND EXISTS (SELECT 1 FROM payment p WHERE p.order_id = o.id AND p.status = 'AUTHORIZED')`,
    [orderId],
  );
  if (!row) return null;
  const policy = policyOf(row);
  const now = policy === CapturePolicy.ON_PLACEMENT || (policy === CapturePolicy.ON_FIRST_SHIPMENT && Number(row.shipped) > 0);
  return now ? { orderId, why: 'captured after the order was edited', attempts: ctx.app.config.captureAttempts } : null;
}, (ctx) => ({ attempts: ctx.app.config.captureAttempts, backoffMs: ctx.app.config.captureBackoffMs }));

export const paymentHandlers: Record<string, EventHandler | EventHandler[]> = {
  'order.confirmed': captureWhen(CapturePolicy.ON_PLACEMENT, 'captured on placement'),
  'order.backordered': captureWhen(CapturePolicy.ON_PLACEMENT, 'captured on placement'),
  'shipment.shipped': captureWhen(CapturePolicy.ON_FIRST_SHIPMENT, 'captured when the first shipment shipped'),
  'order.edited': captureEdited,
};
