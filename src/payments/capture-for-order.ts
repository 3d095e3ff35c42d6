// The capture job's work (policy ON_PLACEMENT or ON_FIRST_SHIPMENT, capture-jobs.ts): every authorized
// payment of the order captured. Idempotent: a captured (or voided) payment is left alone. A refused
// capture is written to the history and thrown (the queue retries with backoff); on the last attempt the
// order goes ON_HOLD.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError } from '../kernel/errors.js';
import { withOrder } from '../order-core/order-lock.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { addHistory, recordTransition } from '../order-core/order-history.js';
import { Payment } from './payment.entity.js';
import { PaymentService, type CaptureOutcome } from './payment.service.js';
import { PlainCaptures } from './capture-plain.js';

type Captured = CaptureOutcome & { done?: boolean };

/** The number of payments captured now. */
export async function captureForOrder(app: AppRuntime, em: Em, orderId: string, attempt: number, attempts: number, why: string): Promise<number> {
  const note = `${why}; attempt ${attempt} of ${attempts}`;
  // Most orders: one authorized payment, captured in two round trips of plain SQL shared with the other
  // capture jobs of the moment (capture-plain.ts).
  const plain = await app.service(PlainCaptures).capture(orderId, note, attempt >= attempts);
  if (plain?.failure) throw new Error(`capture failed (payment ${plain.paymentId}: ${plain.failure})`);
  if (plain) return 1;
  // The order's authorized payments are read under its lock, in the transaction that captures the first
  // (most orders have one: no read before it, no second lookup of the order); each other one is captured
  // in a transaction of its own, so a capture the provider took is committed before the next is asked for.
  let first: { rest: string[]; out: Captured } | null;
  let locked = false;
  try {
    first = await withOrder(em, orderId, async (tx, order) => {
      locked = true;
      const open = await tx.find(Payment, { order: orderId, status: PaymentStatus.AUTHORIZED }, { orderBy: { id: 'asc' } });
      if (!open.length) return null;
      return { rest: open.slice(1).map((p) => p.id), out: await captureAuthorized(app, tx, open[0], order, attempt, attempts, note) };
    });
  } catch (e) {
    if (!locked && e instanceof OrdoError && e.code === 'NOT_FOUND') return 0; // no such order: nothing to capture
    throw e;
  }
  if (!first) return 0;
  const outs = [first.out];
  const payments = app.service(PaymentService);
  for (const id of first.rest) outs.push(await payments.withPayment(em, id, (tx, payment, order) => captureAuthorized(app, tx, payment, order, attempt, attempts, note)));
  // Every payment is tried on every attempt (one refused does not stop the next), so each has had all
  // the attempts when the last one gives up; a captured one is left alone on the retries.
  const refused = outs.filter((o) => o.failure).map((o) => `payment ${o.payment.id}: ${o.failure}`);
  if (refused.length && attempt < attempts) throw new Error(`capture failed (${refused.join('; ')})`);
  return outs.filter((o) => o.done).length;
}

/** One authorized payment, under its order's lock; on the last attempt a refusal holds the order. */
async function captureAuthorized(app: AppRuntime, tx: Em, payment: Payment, order: Order, attempt: number, attempts: number, note: string): Promise<Captured> {
  if (payment.status !== PaymentStatus.AUTHORIZED || order.status === OrderStatus.CANCELLED) return { payment };
  const r = await app.service(PaymentService).captureIn(tx, payment, order, null, null, 'system', note);
  if (!r.failure) return { ...r, done: true };
  if (attempt >= attempts) {
    if (orderMachine.canMove(order.status, OrderStatus.ON_HOLD)) {
      const from = order.status;
      const move = await app.machines.get(orderMachine).transition(tx, order, OrderStatus.ON_HOLD, 'system');
      if (move.to === OrderStatus.ON_HOLD) order.heldFrom = from;
      recordTransition(tx, order, move, 'system', `Payment capture failed ${attempts} times (${r.failure}): held for review.`);
    } else {
      addHistory(tx, order, { type: 'PAYMENT_CAPTURE_GAVE_UP', actor: 'system', message: `Payment capture failed ${attempts} times (${r.failure}); the order is ${order.status} and cannot be held: needs attention.` });
    }
  }
  return r;
}
