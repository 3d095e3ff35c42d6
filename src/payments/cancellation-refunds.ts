// What a cancelled order's money becomes. In the cancel's own transaction: authorizations are voided,
// and every captured amount not yet refunded gets a PENDING refund row (the payment ledger says what is
// owed back before anyone calls the provider). After the commit a job, fed by `payment.refund_requested`,
// asks the provider with a key made from the row's id, so a retried or replayed job refunds once. A
// refusal is written to the history and retried with backoff; when the job gives up, the repeatable
// `payments.retryPendingRefunds` tries again, and the order stays in `unreconciledOrders` until the money
// is back. When the last refund of a cancelled order settles, `order.cancellation_settled` tells plugins
// what was voided and refunded.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { EventHandler, JobDefinition } from '../kernel/module.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { idField, jobOnEvent } from '../kernel/outbox/event-job.js';
import { newId } from '../kernel/ids.js';
import type { Order } from '../order-core/order.entity.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { addHistory } from '../order-core/order-history.js';
import { withOrderPart } from '../order-core/order-lock.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation, PaymentOperationKind, RefundStatus } from './payment-operation.entity.js';
import { formatMoney } from '../kernel/money.js';
import { PaymentService } from './payment.service.js';
import { recordSettled } from './cancellation-settled.js';

export const REFUNDS_QUEUE = 'payments';
const CANCEL_REASON = 'Order cancelled';

export interface CancellationSettlement {
  /** Authorized amounts voided. */
  voided: number;
  /** Captured amounts whose refund was requested (settled by the refund job). */
  refunding: number;
}

/** In the cancel's transaction: voids what is authorized, writes a PENDING refund for what was captured. */
export async function settleCancelledPayments(app: AppRuntime, tx: Em, order: Order, actor: string): Promise<CancellationSettlement> {
  const service = app.service(PaymentService);
  const payments = await tx.find(Payment, { order: order.id }, { orderBy: { id: 'asc' } });
  let voided = 0;
  for (const p of payments) if (await service.voidForCancellation(tx, p)) voided += p.amount;
  if (voided && payments.every((p) => p.status === PaymentStatus.VOIDED)) order.paymentStatus = PaymentStatus.VOIDED;
  const refunding = await oweBack(app, tx, order, Infinity, CANCEL_REASON, actor);
  if (!refunding) recordSettled(tx, order, voided, 0);
  return { voided, refunding };
}

/**
 * Owes up to `amount` of the order's captured money back: a PENDING refund per captured payment (oldest
 * first, never more than it has left), each sent by the refund job. Returns what is owed back.
 */
export async function oweBack(app: AppRuntime, tx: Em, order: Order, amount: number, reason: string, actor: string): Promise<number> {
  if (amount <= 0) return 0;
  const payments = await tx.find(Payment, { order: order.id, status: { $in: [PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED] } }, { orderBy: { id: 'asc' } });
  if (!payments.length) return 0;
  const pending = await tx.find(PaymentOperation, { order: order.id, kind: PaymentOperationKind.REFUND, status: RefundStatus.PENDING });
  let owed = 0;
  for (const p of payments) {
    const inFlight = pending.filter((o) => o.payment.id === p.id).reduce((s, o) => s + o.amount, 0);
    const take = Math.min(amount - owed, p.amountCaptured - p.amountRefunded - inFlight);
    if (take <= 0) continue;
    const op = tx.create(PaymentOperation, {
      id: newId('pop'), payment: p, order, kind: PaymentOperationKind.REFUND, amount: take, reason: reason.slice(0, 500),
      status: RefundStatus.PENDING, providerTransactionId: null, settlesChange: true,
    });
    tx.persist(op);
    owed += take;
    addHistory(tx, order, { type: 'PAYMENT_REFUND_PENDING', actor, message: `Refund of ${formatMoney(take, p.currencyCode)} requested: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}.` });
    recordEvent(tx, 'payment.refund_requested', { orderId: order.id, paymentId: p.id, operationId: op.id, amount: take }, order.id);
  }
  return owed;
}

/** Asks the provider for a PENDING refund nobody sent yet. Returns the failure reason, or null. */
export async function sendRefund(app: AppRuntime, em: Em, operationId: string, note: string): Promise<string | null> {
  const service = app.service(PaymentService);
  return withOrderPart(em, PaymentOperation, operationId, 'The refund', async (tx, order, op) => {
    // Settled, failed for good, or sent and waiting for the provider's webhook: nothing to send.
    if (op.status !== RefundStatus.PENDING || op.providerTransactionId) return null;
    const payment = await tx.findOneOrFail(Payment, { id: op.payment.id });
    const capture = await tx.findOne(PaymentOperation, { payment, kind: PaymentOperationKind.CAPTURE });
    const result = await service.provider(payment.method).refund({
      transactionId: capture?.providerTransactionId ?? payment.transactionId, amount: op.amount, currencyCode: payment.currencyCode,
      reason: op.reason ?? null, idempotencyKey: `refund-${op.id}`,
    });
    if (result.outcome === 'failed') {
      addHistory(tx, order, { type: 'PAYMENT_REFUND_FAILED', actor: 'system', message: `Refund of ${formatMoney(op.amount, payment.currencyCode)} failed: ${result.reason} (${note}).` });
      return result.reason;
    }
    op.providerTransactionId = result.transactionId ?? null;
    if (result.outcome === 'pending') {
      addHistory(tx, order, { type: 'PAYMENT_REFUND_PENDING', actor: 'system', message: `Refund of ${formatMoney(op.amount, payment.currencyCode)} sent (transaction ${result.transactionId}); waiting for the provider.` });
      return null;
    }
    await service.settleRefund(tx, payment, order, op, 'system');
    return null;
  });
}

/** Refunds still waiting to be sent, older than `olderThanMs` (their job gave up or was lost). */
export async function retryPendingRefunds(app: AppRuntime, em: Em, olderThanMs: number, now = new Date()): Promise<number> {
  const cutoff = dialectOf(em).date(new Date(now.getTime() - olderThanMs));
  const rows = await em.execute(
    `SELECT id FROM payment_operation WHERE kind = ? AND status = ? AND provider_transaction_id IS NULL AND created_at < ? ORDER BY created_at LIMIT 200`,
    [PaymentOperationKind.REFUND, RefundStatus.PENDING, cutoff],
  );
  let sent = 0;
  for (const { id } of rows as { id: string }[]) if (!(await sendRefund(app, em, id, 'retried by housekeeping'))) sent++;
  return sent;
}

export const refundJobs: Record<string, JobDefinition> = {
  'payments.refund': {
    queue: REFUNDS_QUEUE,
    handler: async (d: { operationId: string }, ctx) => {
      const attempts = ctx.app.config.refundAttempts;
      const failure = await sendRefund(ctx.app, ctx.em as Em, d.operationId, `attempt ${ctx.attempt} of ${attempts}`);
      // Thrown after the commit, so the failure stays in the history and the queue retries with backoff.
      if (failure) throw new Error(`refund ${d.operationId} failed: ${failure}`);
    },
  },
  'payments.retryPendingRefunds': {
    queue: REFUNDS_QUEUE,
    handler: (_d, ctx) => retryPendingRefunds(ctx.app, ctx.em as Em, ctx.app.config.housekeepingEveryMs),
  },
};

const operationIdOf = idField('operationId');
export const refundHandlers: Record<string, EventHandler> = {
  'payment.refund_requested': jobOnEvent(REFUNDS_QUEUE, 'payments.refund', (event) => {
    const operationId = operationIdOf(event);
    return operationId ? { operationId } : null;
  }, (ctx) => ({ attempts: ctx.app.config.refundAttempts, backoffMs: ctx.app.config.refundBackoffMs })),
};
