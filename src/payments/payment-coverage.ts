// What an order's payments cover, for an order whose total changes after placement (edits, partial
// cancels): what is authorized and not yet captured, and what was captured and stays captured (less
// refunds, settled or still pending). An order may hold several payments (an edit authorizes the
// difference as a payment of its own), so captures and refunds ask this rather than one payment.
import type { Em } from '../kernel/db/orm.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation, PaymentOperationKind, RefundStatus } from './payment-operation.entity.js';

export interface Coverage {
  /** Authorized (or awaited, manual methods) and not captured yet. */
  authorized: number;
  /** Captured less refunded, refunds still pending counted as refunded. */
  capturedNet: number;
  /**
   * Of those refunds, money given back while the total stayed (a staff refund, a return), failed ones
   * aside: what the order owes is that much less, so a later capture must not take it again.
   */
  givenBack: number;
}

const OPEN = new Set([PaymentStatus.AUTHORIZED, PaymentStatus.PENDING]);
const CAPTURED = new Set([PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED]);

/** The order's coverage, leaving out `exceptPaymentId` (the payment being captured). */
export async function coverage(tx: Em, orderId: string, exceptPaymentId?: string): Promise<Coverage> {
  const [payments, refunds] = await Promise.all([
    tx.find(Payment, { order: orderId }),
    tx.find(PaymentOperation, { order: orderId, kind: PaymentOperationKind.REFUND, status: { $ne: RefundStatus.FAILED } }),
  ]);
  const pending = refunds.filter((o) => o.status === RefundStatus.PENDING);
  let authorized = 0;
  let capturedNet = 0;
  let givenBack = 0;
  for (const p of payments) {
    if (p.id === exceptPaymentId) continue;
    if (OPEN.has(p.status)) authorized += p.amount;
    else if (CAPTURED.has(p.status)) {
      // PER_SHIPMENT: what later shipments may still capture of this authorization.
      if (p.capturesOpen) authorized += p.amount - p.amountCaptured;
      const inFlight = pending.filter((o) => o.payment.id === p.id).reduce((s, o) => s + o.amount, 0);
      capturedNet += p.amountCaptured - p.amountRefunded - inFlight;
      givenBack += refunds.filter((o) => o.payment.id === p.id && !o.settlesChange).reduce((s, o) => s + o.amount, 0);
    }
  }
  return { authorized, capturedNet, givenBack };
}

/**
 * What a change of the order's total from `previous` to `total` asks of its payments. The buyer pays the
 * increase, less what authorizations already cover beyond the old total. Captured money is owed back only
 * above what the order can still owe of it: an open authorization (not captured yet, or PER_SHIPMENT's
 * rest) is simply captured less. Money given back outside the order's changes (a goodwill refund) stays
 * given: it is the change of the total that is settled, never the gap the gift left.
 */
export function difference(c: Pick<Coverage, 'authorized' | 'capturedNet'>, previous: number, total: number): { due: number; refund: number } {
  const given = Math.max(0, previous - c.capturedNet - c.authorized);
  const due = Math.max(0, total - Math.max(previous, c.authorized + c.capturedNet));
  const refund = Math.min(Math.max(0, previous - total), Math.max(0, c.capturedNet - total + given), Math.max(0, c.capturedNet));
  return { due, refund };
}
