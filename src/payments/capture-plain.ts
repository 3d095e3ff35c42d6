// The capture job's common case in plain SQL (issue 16): an order with one payment, AUTHORIZED, whose
// whole capture changes nothing but the payment, its ledger row, the history, the events and the order's
// payment status. Two round trips on PostgreSQL (the order locked with its payment read, BEGIN riding
// along; then the writes with COMMIT), the provider called between them, as captureIn calls it under the
// order's lock; the ORM's path took a dozen statements and a unit of work (its hydration and change sets
// were most of the capture's CPU). It writes what captureIn writes (test/integration/capture-plain.test.ts
// compares the two on both databases). The capture jobs a worker runs at once share those two round trips
// and their transaction (kernel/coalescer.ts): the orders locked in the order of their ids, the providers
// asked side by side, every capture's writes with one COMMIT (a transaction per job, with the invoice's,
// was half of a fulfilled order's transactions). Everything else is left to the ORM's path
// (capture-for-order.ts), decided before the provider is called: several payments, nothing or nothing
// more to capture, an order waiting for its payment or cancelled, a guard on the order's or the payment's
// machine (a plugin's guard gets the entities), and the last attempt, whose refusal holds the order.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { mergeTables, PlainRows } from '../kernel/db/entity-rows.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import { readAll, rowsBy, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { newId } from '../kernel/ids.js';
import { Coalescer } from '../kernel/coalescer.js';
import { currentTraceParent } from '../kernel/tracing.js';
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

/** One capture job's ask: its order, the note for the history, the job's trace for the events. */
interface Ask {
  orderId: string;
  note: string;
  trace: string | null;
}

/** An ask's outcome in its batch: captured or refused, not a plain case (null), or the provider's error. */
type Outcome = PlainCapture | null | { thrown: unknown };

/** How long a capture waits for others (at most), and how many share a transaction. */
const BATCH = { delayMs: 2, max: 32 };

/** An order waiting for its payment (PENDING, or held from it): captureIn confirms it too, so it takes the ORM's path. */
const waiting = (status: string, heldFrom: string | null) => status === OrderStatus.PENDING || (status === OrderStatus.ON_HOLD && heldFrom === OrderStatus.PENDING);

export class PlainCaptures {
  private readonly batches: Coalescer<Ask, Outcome>;

  constructor(private readonly app: AppRuntime) {
    this.batches = new Coalescer((asked) => plainTransaction(app.orm.em as Em, (db) => captureBatch(app, db, asked)), BATCH);
  }

  /**
   * The capture job's work for the common case, or null when it is not one (nothing written, the provider
   * not asked): the caller then takes the ORM's path. `lastAttempt`: a refusal would hold the order.
   */
  async capture(orderId: string, note: string, lastAttempt: boolean): Promise<PlainCapture | null> {
    const app = this.app;
    if (lastAttempt || !app.config.plainSql || app.machines.get(paymentMachine).hasGuards() || app.machines.get(orderMachine).hasGuards()) return null;
    const out = await this.batches.add({ orderId, note, trace: currentTraceParent() });
    if (out && 'thrown' in out) throw out.thrown;
    return out;
  }
}

/**
 * The batch's orders locked (in the order of their ids, as any two batches take them) with their
 * payments, BEGIN riding along; the providers asked for the plain cases side by side; their writes with
 * COMMIT. An order that is not a plain case stays as it is (its job takes the ORM's path after this
 * transaction); a provider that fails (unreachable, say) fails its own job only, the others' captures
 * are written.
 */
async function captureBatch(app: AppRuntime, db: SqlRunner, asked: Ask[]): Promise<{ result: Outcome[]; last: Statement[] }> {
  const dialect = dialectOf(db);
  const ids = [...new Set(asked.map((a) => a.orderId))].sort();
  // `= ANY(?)` on PostgreSQL (dialect.anyOf): one text, prepared, whatever the batch's size.
  const byId = dialect.anyOf('id', ids);
  const byOrder = dialect.anyOf('order_id', ids);
  const [orders, payments] = await readAll(db, [
    { sql: `SELECT id, number, status, held_from, payment_status, total FROM orders WHERE ${byId.sql} ORDER BY id${dialect.forUpdate()}`, params: byId.params },
    { sql: `SELECT id, order_id, method, status, amount, currency_code, transaction_id FROM payment WHERE ${byOrder.sql}`, params: byOrder.params },
  ]);
  const orderOf = new Map(orders.map((o: any) => [o.id as string, o]));
  const paymentsOf = rowsBy(payments, 'order_id');
  const at = new Date();
  const records: { orderId: string; history: HistoryRecord[]; events: EventRecord[] }[] = [];
  const last: Statement[] = [];
  const captures: CaptureRow[] = [];
  const seen = new Set<string>();
  const result = await Promise.all(asked.map(async ({ orderId, note, trace }): Promise<Outcome> => {
    // The same order asked twice in one batch (a replayed job): the second leaves it to the ORM's path, which finds it captured.
    if (seen.has(orderId)) return null;
    seen.add(orderId);
    const o = orderOf.get(orderId);
    const ps = paymentsOf.get(orderId) ?? [];
    const p = ps.length === 1 ? ps[0] : null;
    if (!o || !p || p.status !== PaymentStatus.AUTHORIZED || o.status === OrderStatus.CANCELLED || waiting(o.status, o.held_from)) return null;
    // The only payment: nothing else of the order is captured (coverage), so it captures the order's total, at most what it authorized.
    const payment = { id: p.id as string, method: p.method as string, amount: Number(p.amount), currencyCode: p.currency_code as string };
    const amount = Math.min(payment.amount, Number(o.total));
    if (!Number.isSafeInteger(amount) || amount <= 0) return null; // nothing to charge, or to release: captureIn decides
    let res;
    try {
      res = await app.service(PaymentService).provider(payment.method).capture({
        transactionId: p.transaction_id, amount, currencyCode: payment.currencyCode, idempotencyKey: `capture-${payment.id}`,
      });
    } catch (thrown) {
      return { thrown };
    }
    const history: HistoryRecord[] = [];
    const events: EventRecord[] = [];
    // Each order's events carry its own job's trace, whichever job's batch wrote them.
    const event = (type: string, payload: Record<string, unknown>) => events.push({ type, payload, traceParent: trace });
    records.push({ orderId, history, events });
    if (res.outcome === 'failed') {
      history.push({ type: 'PAYMENT_CAPTURE_FAILED', actor: 'system', message: captureFailedMessage(payment, amount, res.reason, note) });
      return { paymentId: payment.id, failure: res.reason };
    }
    const operationId = newId('pop');
    last.push({ sql: 'UPDATE payment SET status = ?, amount_captured = ?, version = version + 1 WHERE id = ?', params: [PaymentStatus.PAID, amount, payment.id] });
    history.push({ type: 'PAYMENT_CAPTURED', actor: 'system', message: capturedMessage(payment, amount, res.transactionId, note) });
    event('payment.captured', { orderId, paymentId: payment.id, operationId, amount });
    // followPayments: the order's payment status is its (only) payment's.
    const to = orderPaymentStatus([{ id: payment.id, status: PaymentStatus.PAID }], o.payment_status);
    if (to !== o.payment_status) {
      event('order.payment_status_changed', { orderId, number: o.number, from: o.payment_status, to });
      last.push({ sql: 'UPDATE orders SET payment_status = ?, updated_at = ?, version = version + 1 WHERE id = ?', params: [to, dialect.date(at), orderId] });
    }
    captures.push({ id: operationId, paymentId: payment.id, orderId, amount, providerTransactionId: res.transactionId ?? null });
    return { paymentId: payment.id };
  }));
  if (records.length) {
    last.push(...dialect.insertStatements(mergeTables([
      CAPTURES.rows(db, dialect, captures, at),
      ...records.flatMap((r) => recordRows(db, dialect, { id: r.orderId, placedAt: at }, r.history, r.events)),
    ])));
  }
  return { result, last };
}
