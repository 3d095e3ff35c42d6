// The capture job's common case in plain SQL (issue 16): an order with one payment, AUTHORIZED, whose
// whole capture changes nothing but the payment, its ledger row, the history, the events and the order's
// payment status. Two round trips on PostgreSQL (the order locked with its payment read, BEGIN riding
// along; then the writes with COMMIT), the provider called between them, as captureIn calls it under the
// order's lock; the ORM's path took a dozen statements and a unit of work (its hydration and change sets
// were most of the capture's CPU). It writes what captureIn writes (test/integration/capture-plain.test.ts
// compares the two on both databases). Everything else is left to the ORM's path (capture-for-order.ts),
// decided before the provider is called: several payments, nothing or nothing more to capture, an order
// waiting for its payment or cancelled, a guard on the order's or the payment's machine (a plugin's guard
// gets the entities), and the last attempt, whose refusal holds the order.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { mergeTables, PlainRows } from '../kernel/db/entity-rows.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import { readAll, type Statement } from '../kernel/db/sql-runner.js';
import { newId } from '../kernel/ids.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import type { EventRecord, HistoryRecord } from '../order-core/order-history.js';
import { recordRows } from '../order-core/order-rows.js';
import { PaymentOperation, PaymentOperationKind, RefundStatus } from './payment-operation.entity.js';
import { captureFailedMessage, capturedMessage, orderPaymentStatus, paymentMachine, PaymentService } from './payment.service.js';

interface CaptureRow {
  id: string;
  paymentId: string;
  orderId: string;
  amount: number;
  providerTransactionId: string | null;
}

const CAPTURES = new PlainRows<CaptureRow, Date>(PaymentOperation.name, {
  id: (c) => c.id, payment: (c) => c.paymentId, order: (c) => c.orderId, kind: () => PaymentOperationKind.CAPTURE, amount: (c) => c.amount,
  status: () => RefundStatus.SUCCEEDED, reason: () => null, providerTransactionId: (c) => c.providerTransactionId, idempotencyKey: () => null,
  settlesChange: () => false, createdAt: (_, at) => at,
});

/** What the plain capture did: captured, or refused by the provider (written to the history). */
export interface PlainCapture {
  paymentId: string;
  failure?: string;
}

/** Not a case for the plain path: rolled back before the provider was asked. */
class NotPlain extends Error {}

/** An order waiting for its payment (PENDING, or held from it): captureIn confirms it too, so it takes the ORM's path. */
const waiting = (status: string, heldFrom: string | null) => status === OrderStatus.PENDING || (status === OrderStatus.ON_HOLD && heldFrom === OrderStatus.PENDING);

/**
 * The capture job's work for the common case, or null when it is not one (nothing written, the provider
 * not asked): the caller then takes the ORM's path. `lastAttempt`: a refusal would hold the order.
 */
export async function capturePlain(app: AppRuntime, em: Em, orderId: string, note: string, lastAttempt: boolean): Promise<PlainCapture | null> {
  if (lastAttempt || !app.config.plainSql || app.machines.get(paymentMachine).hasGuards() || app.machines.get(orderMachine).hasGuards()) return null;
  try {
    return await plainTransaction(em, async (db) => {
      const dialect = dialectOf(db);
      const [orders, payments] = await readAll(db, [
        { sql: `SELECT id, number, status, held_from, payment_status, total FROM orders WHERE id = ?${dialect.forUpdate()}`, params: [orderId] },
        { sql: 'SELECT id, method, status, amount, currency_code, transaction_id FROM payment WHERE order_id = ?', params: [orderId] },
      ]);
      const o = orders[0];
      const p = payments.length === 1 ? payments[0] : null;
      if (!o || !p || p.status !== PaymentStatus.AUTHORIZED || o.status === OrderStatus.CANCELLED || waiting(o.status, o.held_from)) throw new NotPlain();
      // The only payment: nothing else of the order is captured (coverage), so it captures the order's total, at most what it authorized.
      const payment = { id: p.id as string, method: p.method as string, amount: Number(p.amount), currencyCode: p.currency_code as string };
      const amount = Math.min(payment.amount, Number(o.total));
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new NotPlain(); // nothing to charge, or to release: captureIn decides
      const result = await app.service(PaymentService).provider(payment.method).capture({
        transactionId: p.transaction_id, amount, currencyCode: payment.currencyCode, idempotencyKey: `capture-${payment.id}`,
      });
      const at = new Date();
      const history: HistoryRecord[] = [];
      const events: EventRecord[] = [];
      const last: Statement[] = [];
      const captures: CaptureRow[] = [];
      if (result.outcome === 'failed') {
        history.push({ type: 'PAYMENT_CAPTURE_FAILED', actor: 'system', message: captureFailedMessage(payment, amount, result.reason, note) });
      } else {
        const operationId = newId('pop');
        last.push({ sql: 'UPDATE payment SET status = ?, amount_captured = ?, version = version + 1 WHERE id = ?', params: [PaymentStatus.PAID, amount, payment.id] });
        history.push({ type: 'PAYMENT_CAPTURED', actor: 'system', message: capturedMessage(payment, amount, result.transactionId, note) });
        events.push({ type: 'payment.captured', payload: { orderId, paymentId: payment.id, operationId, amount } });
        // followPayments: the order's payment status is its (only) payment's.
        const to = orderPaymentStatus([{ id: payment.id, status: PaymentStatus.PAID }], o.payment_status);
        if (to !== o.payment_status) {
          events.push({ type: 'order.payment_status_changed', payload: { orderId, number: o.number, from: o.payment_status, to } });
          last.push({ sql: 'UPDATE orders SET payment_status = ?, updated_at = ?, version = version + 1 WHERE id = ?', params: [to, dialect.date(at), orderId] });
        }
        captures.push({ id: operationId, paymentId: payment.id, orderId, amount, providerTransactionId: result.transactionId ?? null });
      }
      last.push(...dialect.insertStatements(mergeTables([CAPTURES.rows(db, dialect, captures, at), ...recordRows(db, dialect, { id: orderId, placedAt: at }, history, events)])));
      return { result: { paymentId: payment.id, ...(result.outcome === 'failed' ? { failure: result.reason } : {}) }, last };
    });
  } catch (e) {
    if (e instanceof NotPlain) return null;
    throw e;
  }
}
