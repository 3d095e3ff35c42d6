// Payments after authorization: capture (full or partial), void, refund (partial, several times, never
// more than captured), each under the order's lock, written to the payment ledger (PaymentOperation),
// the order's history and the outbox in one transaction. The order's paymentStatus follows its payments.
// What providers report by webhook is applied in payment-webhooks.ts, through the methods here.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { defineMachine } from '../kernel/state-machine.js';
import { newId } from '../kernel/ids.js';
import { checkIdempotencyKey } from '../kernel/idempotency.js';
import { formatMoney } from '../kernel/money.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import type { Order } from '../order-core/order.entity.js';
import { withOrderPart } from '../order-core/order-lock.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { addHistory, externalOf, recordTransition } from '../order-core/order-history.js';
import type { CaptureResult, PaymentProvider } from './payment-provider.js';
import { Payment } from './payment.entity.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { PaymentOperation, PaymentOperationKind, RefundStatus } from './payment-operation.entity.js';
import { afterRefundSettled } from './cancellation-settled.js';
import { coverage } from './payment-coverage.js';
import { manual } from './providers/manual.js';
import { testCard } from './providers/test-card.js';
import { external } from './providers/external.js';

const S = PaymentStatus;
export const paymentMachine = defineMachine<PaymentStatus, Payment>('payment', {
  [S.PENDING]: [S.AUTHORIZED, S.PAID, S.DECLINED, S.VOIDED],
  [S.AUTHORIZED]: [S.PAID, S.VOIDED],
  [S.PAID]: [S.PARTIALLY_REFUNDED, S.REFUNDED],
  [S.PARTIALLY_REFUNDED]: [S.PARTIALLY_REFUNDED, S.REFUNDED],
  [S.REFUNDED]: [],
  [S.VOIDED]: [],
  [S.DECLINED]: [],
});

const K = PaymentOperationKind;

/** The order's payment status from its payments: the latest live payment's, DECLINED only when all are. */
export function orderPaymentStatus(payments: Pick<Payment, 'id' | 'status'>[], fallback: PaymentStatus): PaymentStatus {
  if (!payments.length) return fallback;
  const sorted = [...payments].sort((a, b) => (a.id < b.id ? -1 : 1));
  const live = sorted.filter((p) => p.status !== S.DECLINED);
  return (live.length ? live[live.length - 1] : sorted[sorted.length - 1]).status;
}

export interface CaptureOutcome {
  payment: Payment;
  /** Set when the provider refused the capture (the failure is in the history; nothing else changed). */
  failure?: string;
}

export class PaymentService {
  private providers = new Map<string, PaymentProvider>();

  constructor(private readonly app: AppRuntime) {
    for (const builtIn of [testCard, manual, external]) this.register(builtIn);
  }

  /** Plugins add providers here (for example a real card gateway). */
  register(provider: PaymentProvider): void {
    this.providers.set(provider.code, provider);
  }

  provider(code: string): PaymentProvider {
    const p = this.providers.get(code);
    if (!p) throw badInput(`Unknown payment method "${code}": use one of ${[...this.providers.keys()].join(', ')}.`, 'payment.method');
    return p;
  }

  /** Voids an authorization (order cancelled). A payment already captured is left to refunds. */
  async voidForCancellation(em: Em, payment: Payment): Promise<boolean> {
    if (payment.status !== S.AUTHORIZED && payment.status !== S.PENDING) return false;
    await this.provider(payment.method).void(payment.transactionId);
    await this.app.machines.get(paymentMachine).transition(em, payment, S.VOIDED, 'system');
    return true;
  }

  assertProviderAnswer(result: { outcome: string; reason?: string }): void {
    if (result.outcome === 'declined') throw new OrdoError('PAYMENT_DECLINED', `Payment declined: ${result.reason ?? 'no reason given'}`);
  }

  // ------------------------------------------------------------------ staff actions (mutations)

  async capture(em: Em, actor: string, paymentId: string, amount?: number | null, idempotencyKey?: string | null): Promise<Payment> {
    checkIdempotencyKey(idempotencyKey);
    const out = await this.withPayment(em, paymentId, async (tx, payment, order) => {
      const prior = await this.prior(tx, payment, idempotencyKey, K.CAPTURE, amount);
      if (prior) return { payment };
      return this.captureIn(tx, payment, order, amount ?? null, idempotencyKey ?? null, actor);
    });
    if (out.failure) throw new OrdoError('PAYMENT_DECLINED', `Capture failed: ${out.failure}`);
    return out.payment;
  }

  async void(em: Em, actor: string, paymentId: string, idempotencyKey?: string | null): Promise<Payment> {
    checkIdempotencyKey(idempotencyKey);
    return this.withPayment(em, paymentId, async (tx, payment, order) => {
      if (await this.prior(tx, payment, idempotencyKey, K.VOID)) return payment;
      paymentMachine.assertMove(payment.status, S.VOIDED);
      await this.voidIn(tx, payment, order, actor, idempotencyKey ?? null, `voided${payment.transactionId ? ` (transaction ${payment.transactionId})` : ''}.`);
      return payment;
    });
  }

  async refund(em: Em, actor: string, paymentId: string, amount: number, reason?: string | null, idempotencyKey?: string | null): Promise<Payment> {
    checkIdempotencyKey(idempotencyKey);
    if (reason && reason.length > 500) throw badInput('reason is at most 500 characters.', 'reason');
    const out = await this.withPayment(em, paymentId, async (tx, payment, order): Promise<CaptureOutcome> => {
      if (await this.prior(tx, payment, idempotencyKey, K.REFUND, amount)) return { payment };
      if (payment.status !== S.PAID && payment.status !== S.PARTIALLY_REFUNDED) {
        throw new OrdoError('INVALID_STATE_TRANSITION', `A payment that is ${payment.status} cannot be refunded: only captured money can be refunded.`, { from: payment.status, to: S.PARTIALLY_REFUNDED });
      }
      if (!Number.isSafeInteger(amount) || amount <= 0) throw badInput('amount must be a positive number of minor units.', 'amount');
      const pending = (await tx.find(PaymentOperation, { payment, kind: K.REFUND, status: RefundStatus.PENDING })).reduce((s, o) => s + o.amount, 0);
      const refundable = payment.amountCaptured - payment.amountRefunded - pending;
      if (amount > refundable) {
        throw badInput(`At most ${formatMoney(refundable, payment.currencyCode)} can still be refunded (captured ${formatMoney(payment.amountCaptured, payment.currencyCode)}, refunded ${formatMoney(payment.amountRefunded + pending, payment.currencyCode)}).`, 'amount');
      }
      const capture = await tx.findOne(PaymentOperation, { payment, kind: K.CAPTURE });
      const opId = newId('pop');
      const result = await this.provider(payment.method).refund({
        transactionId: capture?.providerTransactionId ?? payment.transactionId, amount, currencyCode: payment.currencyCode, reason,
        idempotencyKey: idempotencyKey ? `refund-${payment.id}-${idempotencyKey}` : `refund-${opId}`,
      });
      if (result.outcome === 'failed') {
        addHistory(tx, order, { type: 'PAYMENT_REFUND_FAILED', actor, message: `Refund of ${formatMoney(amount, payment.currencyCode)} failed: ${result.reason}` });
        return { payment, failure: result.reason };
      }
      const op = tx.create(PaymentOperation, {
        id: opId, payment, order, kind: K.REFUND, amount, reason: reason ?? null, idempotencyKey: idempotencyKey ?? null,
        status: RefundStatus.PENDING, providerTransactionId: result.transactionId ?? null,
      });
      tx.persist(op);
      if (result.outcome === 'pending') {
        addHistory(tx, order, { type: 'PAYMENT_REFUND_PENDING', actor, message: `Refund of ${formatMoney(amount, payment.currencyCode)} requested (transaction ${result.transactionId}); waiting for the provider.` });
        return { payment };
      }
      await this.settleRefund(tx, payment, order, op, actor);
      return { payment };
    });
    if (out.failure) throw new OrdoError('PAYMENT_DECLINED', `Refund failed: ${out.failure}`);
    return out.payment;
  }

  // ------------------------------------------------------------------ jobs

  // ------------------------------------------------------------------ internals

  /** The capture itself, in the caller's transaction; a refusal is written to the history and returned. */
  async captureIn(tx: Em, payment: Payment, order: Order, amount: number | null, key: string | null, actor: string, note?: string): Promise<CaptureOutcome> {
    // Capture what the order still owes (units cancelled or edited away since the authorization lowered
    // its total, another payment of the order captured part of it): the rest is released.
    const left = amount === null ? order.total - (await coverage(tx, order.id, payment.id)).capturedNet : 0;
    const amt = amount ?? Math.max(0, Math.min(payment.amount, left));
    if (amount === null && amt === 0 && payment.amount > 0) return this.release(tx, payment, order, actor);
    // An order its discounts paid in full has nothing to charge: the capture records that (and the invoice
    // follows it) without asking the provider.
    const nothingToCharge = payment.amount === 0 && amt === 0;
    if (!nothingToCharge && (!Number.isSafeInteger(amt) || amt <= 0)) throw badInput('amount must be a positive number of minor units.', 'amount');
    paymentMachine.assertMove(payment.status, S.PAID);
    if (amt > payment.amount) throw badInput(`At most the authorized ${formatMoney(payment.amount, payment.currencyCode)} can be captured.`, 'amount');
    const result: CaptureResult = nothingToCharge ? { outcome: 'captured', transactionId: null } : await this.provider(payment.method).capture({
      transactionId: payment.transactionId, amount: amt, currencyCode: payment.currencyCode, idempotencyKey: `capture-${payment.id}`,
    });
    if (result.outcome === 'failed') {
      addHistory(tx, order, { type: 'PAYMENT_CAPTURE_FAILED', actor, message: captureFailedMessage(payment, amt, result.reason, note) });
      return { payment, failure: result.reason };
    }
    await this.app.machines.get(paymentMachine).transition(tx, payment, S.PAID, actor);
    payment.amountCaptured = amt;
    await this.recordCapture(tx, payment, order, amt, key, result, actor, capturedMessage(payment, amt, result.transactionId, note));
    // Money received for an order that waited for it (manual methods): it is confirmed now.
    await this.confirmWaiting(tx, order, actor, 'Payment received');
    return { payment };
  }

  /** A refund the provider confirmed: the ledger row, the payment, the history, `payment.refunded`. */
  async settleRefund(tx: Em, payment: Payment, order: Order, op: PaymentOperation, actor: string): Promise<void> {
    op.status = RefundStatus.SUCCEEDED;
    payment.amountRefunded += op.amount;
    const to = payment.amountRefunded >= payment.amountCaptured ? S.REFUNDED : S.PARTIALLY_REFUNDED;
    await this.app.machines.get(paymentMachine).transition(tx, payment, to, actor);
    addHistory(tx, order, {
      type: 'PAYMENT_REFUNDED', actor,
      message: `Refunded ${formatMoney(op.amount, payment.currencyCode)}${op.providerTransactionId ? ` (transaction ${op.providerTransactionId})` : ''}${op.reason ? `: ${op.reason}` : ''}. Refunded in total: ${formatMoney(payment.amountRefunded, payment.currencyCode)} of ${formatMoney(payment.amountCaptured, payment.currencyCode)}.`,
    });
    recordEvent(tx, 'payment.refunded', { orderId: order.id, paymentId: payment.id, operationId: op.id, amount: op.amount, reason: op.reason ?? null, ...externalOf(order) }, order.id);
    await this.followPayments(tx, order, actor);
    await afterRefundSettled(tx, order);
  }

  /** An order that waited for its payment (PENDING, or held from PENDING) goes on: CONFIRMED, or BACKORDERED. */
  async confirmWaiting(tx: Em, order: Order, actor: string, what: string): Promise<void> {
    if (!(order.status === OrderStatus.PENDING || (order.status === OrderStatus.ON_HOLD && order.heldFrom === OrderStatus.PENDING))) return;
    const lines = await tx.find(OrderLine, { order: order.id });
    const target = lines.some((l) => l.quantityBackordered > 0) ? OrderStatus.BACKORDERED : OrderStatus.CONFIRMED;
    if (order.status === OrderStatus.ON_HOLD) {
      order.heldFrom = target;
      return;
    }
    const move = await this.app.machines.get(orderMachine).transition(tx, order, target, actor);
    if (move.to === OrderStatus.ON_HOLD) order.heldFrom = target;
    recordTransition(tx, order, move, actor, target === OrderStatus.BACKORDERED ? `${what}; some units wait for stock.` : `${what}.`);
  }

  /**
   * PER_SHIPMENT: captures `amount` of the payment's authorization for one shipment (the provider's key
   * names the payment and the shipment: a retried job captures once). The payment is PAID from its first
   * capture on and stays open for the next shipment's until `last`: the provider is told that more
   * captures follow (`final: false`) unless this one is the last or takes the rest of the authorization.
   * An authorization the provider can capture once only takes `whole` instead (everything the order still
   * owes from it) and is closed. A refusal is written to the history and returned; nothing else changes.
   */
  async captureShare(tx: Em, payment: Payment, order: Order, amount: number, key: string, last: boolean, note: string, whole = amount): Promise<CaptureOutcome & { captured: number }> {
    const rest = payment.amount - payment.amountCaptured;
    const final = last || amount >= rest;
    const result = await this.provider(payment.method).capture({
      transactionId: payment.transactionId, amount, currencyCode: payment.currencyCode, idempotencyKey: `capture-${payment.id}-${key}`,
      ...(final ? {} : { final: false, onceAmount: Math.min(rest, Math.max(amount, whole)) }),
    });
    if (result.outcome === 'failed') {
      addHistory(tx, order, { type: 'PAYMENT_CAPTURE_FAILED', actor: 'system', message: `Capture of ${formatMoney(amount, payment.currencyCode)} failed: ${result.reason} (${note})` });
      return { payment, failure: result.reason, captured: 0 };
    }
    // What the provider says it captured (more than asked: the whole, once only), within what is authorized.
    const captured = result.amount !== undefined && Number.isSafeInteger(result.amount) && result.amount > 0 && result.amount <= rest ? result.amount : amount;
    const closed = !final && result.closed === true;
    // The first capture makes it PAID; later ones leave it as it is (PAID, or PARTIALLY_REFUNDED after a refund of an earlier share).
    if (payment.status === S.AUTHORIZED) await this.app.machines.get(paymentMachine).transition(tx, payment, S.PAID, 'system');
    payment.amountCaptured += captured;
    payment.capturesOpen = !last && !closed && payment.amountCaptured < payment.amount;
    const left = payment.amount - payment.amountCaptured;
    const txn = result.transactionId ? ` (transaction ${result.transactionId})` : '';
    const once = captured > amount
      ? ` That is the whole rest of the order, not only the ${formatMoney(amount, payment.currencyCode)} of what shipped: this payment can be captured once only.`
      : closed ? ' The provider closed the authorization at this capture: later shipments cannot be captured from it.' : '';
    await this.recordCapture(tx, payment, order, captured, key, result, 'system',
      `Payment captured: ${formatMoney(captured, payment.currencyCode)} ${note}${txn}.${once}` +
        (left > 0 ? (payment.capturesOpen ? ` ${formatMoney(left, payment.currencyCode)} stays authorized for what is still to ship.` : ` The remaining ${formatMoney(left, payment.currencyCode)} is released.`) : ''));
    return { payment, captured };
  }

  /** A capture the provider accepted: its ledger row (invoicing issues from it), history and event. */
  private async recordCapture(tx: Em, payment: Payment, order: Order, amount: number, key: string | null, result: { transactionId?: string | null }, actor: string, message: string): Promise<void> {
    const op = tx.create(PaymentOperation, { payment, order, kind: K.CAPTURE, amount, idempotencyKey: key, providerTransactionId: result.transactionId ?? null });
    tx.persist(op);
    addHistory(tx, order, { type: 'PAYMENT_CAPTURED', actor, message });
    recordEvent(tx, 'payment.captured', { orderId: order.id, paymentId: payment.id, operationId: op.id, amount }, order.id);
    await this.followPayments(tx, order, actor);
  }

  /** PER_SHIPMENT, the order's last shipment: what is left of an open authorization is released. */
  async closeCaptures(tx: Em, payment: Payment, order: Order): Promise<void> {
    if (payment.status === S.AUTHORIZED) {
      await this.release(tx, payment, order, 'system');
      return;
    }
    if (!payment.capturesOpen) return;
    payment.capturesOpen = false;
    const rest = payment.amount - payment.amountCaptured;
    if (rest <= 0) return;
    // The provider kept the rest authorized for more captures (`final: false`): it lets it go now. A
    // refusal does not undo the captures this job recorded; the hold then lapses when the authorization
    // expires at the provider, and the history says so.
    const provider = this.provider(payment.method);
    let failure: string | null = null;
    if (provider.release) {
      try {
        await provider.release({ transactionId: payment.transactionId, amount: rest, currencyCode: payment.currencyCode, idempotencyKey: `release-${payment.id}` });
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e);
      }
    }
    addHistory(tx, order, failure
      ? { type: 'PAYMENT_RELEASE_FAILED', actor: 'system', message: `The remaining ${formatMoney(rest, payment.currencyCode)} of the authorization could not be released (${failure}): it stays held until the authorization expires. Everything has shipped.` }
      : { type: 'PAYMENT_RELEASED', actor: 'system', message: `The remaining ${formatMoney(rest, payment.currencyCode)} of the authorization is released: everything has shipped.` });
  }

  /** An authorization the order no longer needs (its total is captured through other payments): voided. */
  private async release(tx: Em, payment: Payment, order: Order, actor: string): Promise<CaptureOutcome> {
    await this.voidIn(tx, payment, order, actor, null, "released: the order's total is captured already.");
    return { payment };
  }

  /** The authorization's uncaptured rest voided at the provider, in the ledger, the history and the outbox. */
  private async voidIn(tx: Em, payment: Payment, order: Order, actor: string, key: string | null, what: string): Promise<void> {
    await this.provider(payment.method).void(payment.transactionId);
    await this.app.machines.get(paymentMachine).transition(tx, payment, S.VOIDED, actor);
    const op = tx.create(PaymentOperation, {
      payment, order, kind: K.VOID, amount: payment.amount - payment.amountCaptured, idempotencyKey: key, providerTransactionId: payment.transactionId ?? null,
    });
    tx.persist(op);
    addHistory(tx, order, { type: 'PAYMENT_VOIDED', actor, message: `Payment authorization of ${formatMoney(payment.amount, payment.currencyCode)} ${what}` });
    recordEvent(tx, 'payment.voided', { orderId: order.id, paymentId: payment.id, operationId: op.id, amount: op.amount }, order.id);
    await this.followPayments(tx, order, actor);
  }

  /**
   * Authorizes `amount` more for an order whose total went up after placement (commitOrderEdit): a payment
   * of its own, through the provider with `idempotencyKey` (a retried commit authorizes once). Declined:
   * PAYMENT_DECLINED and the caller's transaction rolls back.
   */
  async authorizeAdditional(tx: Em, order: Order, input: { method: string; token?: string | null }, amount: number, idempotencyKey: string, actor: string): Promise<Payment> {
    const provider = this.provider(input.method);
    provider.validate?.(input);
    const auth = await provider.authorize({ amount, currencyCode: order.currencyCode, token: input.token, idempotencyKey, email: order.email });
    if (auth.outcome === 'declined') throw new OrdoError('PAYMENT_DECLINED', `Payment declined: ${auth.reason}`);
    const status = auth.outcome === 'authorized' ? S.AUTHORIZED : S.PENDING;
    const payment = tx.create(Payment, { order, method: provider.code, status, amount, currencyCode: order.currencyCode, transactionId: auth.transactionId ?? null });
    tx.persist(payment);
    addHistory(tx, order, {
      type: 'PAYMENT_AUTHORIZED', actor,
      message: status === S.AUTHORIZED
        ? `Payment of ${formatMoney(amount, order.currencyCode)} more authorized${auth.transactionId ? ` (transaction ${auth.transactionId})` : ''}.`
        : `Payment of ${formatMoney(amount, order.currencyCode)} more awaited (${provider.code}).`,
    });
    await tx.flush();
    await this.followPayments(tx, order, actor);
    return payment;
  }

  /** Order.paymentStatus follows the order's payments. */
  async followPayments(tx: Em, order: Order, _actor: string): Promise<void> {
    const payments = await tx.find(Payment, { order: order.id });
    const next = orderPaymentStatus(payments, order.paymentStatus);
    if (next !== order.paymentStatus) {
      const from = order.paymentStatus;
      order.paymentStatus = next;
      recordEvent(tx, 'order.payment_status_changed', { orderId: order.id, number: order.number, from, to: next }, order.id);
    }
  }

  /** A repeat of an earlier call with the same key: nothing changes. A key reused for something else: CONFLICT. */
  private async prior(tx: Em, payment: Payment, key: string | null | undefined, kind: PaymentOperationKind, amount?: number | null): Promise<PaymentOperation | null> {
    if (!key) return null;
    const op = await tx.findOne(PaymentOperation, { payment, idempotencyKey: key });
    if (!op) return null;
    if (op.kind !== kind || (amount !== undefined && amount !== null && op.amount !== amount)) {
      throw new OrdoError('CONFLICT', 'This idempotencyKey was used for a different payment operation: use a new key.');
    }
    return op;
  }

  /** Runs `apply` under the order's lock (orders/order-lock.ts: row lock on PostgreSQL, versions on both databases). */
  async withPayment<T>(em: Em, paymentId: string, apply: (tx: Em, payment: Payment, order: Order) => Promise<T>): Promise<T> {
    try {
      return await withOrderPart(em, Payment, paymentId, 'The payment', (tx, order, payment) => apply(tx, payment, order));
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new OrdoError('CONFLICT', 'The same idempotencyKey was used at the same moment: read the payment again.');
      throw e;
    }
  }
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** The history line of a whole capture (captureIn; capture-plain.ts writes the same). */
export function capturedMessage(payment: Pick<Payment, 'method' | 'amount' | 'currencyCode'>, amount: number, transactionId: string | null | undefined, note?: string): string {
  const rest = payment.amount - amount;
  const what = payment.method === 'manual' ? 'Payment received' : 'Payment captured';
  return `${what}: ${formatMoney(amount, payment.currencyCode)}${transactionId ? ` (transaction ${transactionId})` : ''}.${rest > 0 ? ` The remaining ${formatMoney(rest, payment.currencyCode)} is released.` : ''}${note ? ` ${capitalize(note)}.` : ''}`;
}

/** The history line of a capture the provider refused. */
export function captureFailedMessage(payment: Pick<Payment, 'currencyCode'>, amount: number, reason: string, note?: string): string {
  return `Capture of ${formatMoney(amount, payment.currencyCode)} failed: ${reason}${note ? ` (${note})` : ''}`;
}
