// What payment providers' webhooks report, applied under the order's lock, each only while the payment,
// refund or dispute is in the state the event changes: a provider's retries, replays and out-of-order
// deliveries change nothing twice. Money received (a bank transfer), refunds settled or failed, pending
// authorizations decided (3-D Secure), chargebacks opened and closed.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { formatMoney } from '../kernel/money.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { PaymentStatus as S } from '../order-core/payment-status.js';
import { addHistory } from '../order-core/order-history.js';
import type { Order } from '../order-core/order.entity.js';
import type { PaymentWebhookEvent } from './payment-provider.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation, PaymentOperationKind as K, RefundStatus } from './payment-operation.entity.js';
import { PaymentService, paymentMachine } from './payment.service.js';

/** Applies what a provider's webhook reported; repeats change nothing. */
export async function applyWebhook(app: AppRuntime, em: Em, providerCode: string, event: PaymentWebhookEvent): Promise<boolean> {
  const service = app.service(PaymentService);
  if (event.type === 'payment.captured') {
    return withProviderPayment(app, em, providerCode, event.transactionId, async (tx, payment, order) => {
      if (payment.status !== S.AUTHORIZED && payment.status !== S.PENDING) return false;
      const r = await service.captureIn(tx, payment, order, event.amount ?? null, `webhook-${event.transactionId}`, 'system', 'reported by the provider');
      return !r.failure;
    });
  }
  if (event.type === 'payment.authorized' || event.type === 'payment.failed') return applyAuthorization(app, em, providerCode, event);
  if (event.type === 'payment.disputed') return applyDispute(app, em, providerCode, event);
  const op = await em.fork().findOne(PaymentOperation, { kind: K.REFUND, providerTransactionId: event.refundTransactionId });
  if (!op) return false;
  return service.withPayment(em, op.payment.id, async (tx, payment, order) => {
    const current = await tx.findOneOrFail(PaymentOperation, { id: op.id });
    if (current.status !== RefundStatus.PENDING) return false;
    if (event.type === 'refund.failed') {
      current.status = RefundStatus.FAILED;
      addHistory(tx, order, { type: 'PAYMENT_REFUND_FAILED', actor: 'system', message: `Refund of ${formatMoney(current.amount, payment.currencyCode)} failed${event.reason ? `: ${event.reason}` : '.'}` });
      return true;
    }
    await service.settleRefund(tx, payment, order, current, 'system');
    return true;
  });
}

/**
 * A pending authorization decided by the provider (its webhook): authorized, the order goes on as if it
 * had been authorized at placement; failed, the payment is DECLINED and `payment.declined` lets the
 * orders module cancel an order left with nothing to pay it. A repeat or a late event changes nothing.
 */
async function applyAuthorization(app: AppRuntime, em: Em, providerCode: string, event: { type: 'payment.authorized' | 'payment.failed'; transactionId: string; reason?: string }): Promise<boolean> {
  const service = app.service(PaymentService);
  return withProviderPayment(app, em, providerCode, event.transactionId, async (tx, payment, order) => {
    if (payment.status !== S.PENDING) return false;
    payment.nextAction = null;
    if (event.type === 'payment.failed') {
      await app.machines.get(paymentMachine).transition(tx, payment, S.DECLINED, 'system');
      addHistory(tx, order, { type: 'PAYMENT_DECLINED', actor: 'system', message: `Payment of ${formatMoney(payment.amount, payment.currencyCode)} failed${event.reason ? `: ${event.reason}` : '.'}` });
      recordEvent(tx, 'payment.declined', { orderId: order.id, paymentId: payment.id, reason: event.reason ?? null }, order.id);
      await service.followPayments(tx, order, 'system');
      return true;
    }
    await app.machines.get(paymentMachine).transition(tx, payment, S.AUTHORIZED, 'system');
    addHistory(tx, order, { type: 'PAYMENT_AUTHORIZED', actor: 'system', message: `Payment of ${formatMoney(payment.amount, payment.currencyCode)} authorized (transaction ${payment.transactionId}).` });
    await service.followPayments(tx, order, 'system');
    await service.confirmWaiting(tx, order, 'system', 'Payment authorized');
    return true;
  });
}

/**
 * A chargeback: opened, the disputed amount is kept on the payment (the order is listed in
 * unreconciledOrders until it closes) and written to the history; won, it is cleared; lost, the money
 * is gone, recorded as a refund the bank made (settled, with its credit note). Each transition once.
 */
async function applyDispute(app: AppRuntime, em: Em, providerCode: string, event: Extract<PaymentWebhookEvent, { type: 'payment.disputed' }>): Promise<boolean> {
  const service = app.service(PaymentService);
  return withProviderPayment(app, em, providerCode, event.transactionId, async (tx, payment, order) => {
    const money = formatMoney(event.amount, payment.currencyCode);
    const key = `dispute-${event.disputeId}`;
    if (event.outcome === 'open') {
      if (payment.amountDisputed > 0) return false;
      payment.amountDisputed = event.amount;
      addHistory(tx, order, { type: 'PAYMENT_DISPUTED', actor: 'system', message: `The buyer's bank disputes ${money} (dispute ${event.disputeId}${event.reason ? `, ${event.reason}` : ''}): answer it at the provider.` });
      recordEvent(tx, 'payment.disputed', { orderId: order.id, paymentId: payment.id, disputeId: event.disputeId, amount: event.amount }, order.id);
      return true;
    }
    if (payment.amountDisputed === 0) return false; // closed already (or never opened)
    payment.amountDisputed = 0;
    if (event.outcome === 'won') {
      addHistory(tx, order, { type: 'PAYMENT_DISPUTE_WON', actor: 'system', message: `Dispute ${event.disputeId} won: the ${money} stay paid.` });
      return true;
    }
    const amount = Math.min(event.amount, payment.amountCaptured - payment.amountRefunded);
    const op = tx.create(PaymentOperation, { payment, order, kind: K.REFUND, amount, reason: `Dispute ${event.disputeId} lost`, idempotencyKey: key, status: RefundStatus.PENDING, providerTransactionId: event.disputeId });
    tx.persist(op);
    await service.settleRefund(tx, payment, order, op, 'system');
    return true;
  });
}

/** The provider's payment by its transaction id, changed under its order's lock; false when the engine has none. */
async function withProviderPayment(app: AppRuntime, em: Em, providerCode: string, transactionId: string, apply: (tx: Em, payment: Payment, order: Order) => Promise<boolean>): Promise<boolean> {
  const p = await em.fork().findOne(Payment, { method: providerCode, transactionId });
  return p ? app.service(PaymentService).withPayment(em, p.id, apply) : false;
}
