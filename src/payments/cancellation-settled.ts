// The end of a cancelled order's money: once nothing is left to give back, `order.cancellation_settled`
// tells plugins (and mails, and analytics) what was voided and refunded. Called where refunds settle.
import type { Em } from '../kernel/db/orm.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation, PaymentOperationKind, RefundStatus } from './payment-operation.entity.js';

/** After a refund settles: a cancelled order with nothing left to give back says what was settled. */
export async function afterRefundSettled(tx: Em, order: Order): Promise<void> {
  if (order.status !== OrderStatus.CANCELLED) return;
  await tx.flush(); // the refund just settled is counted as settled
  const open = await tx.count(PaymentOperation, { order: order.id, kind: PaymentOperationKind.REFUND, status: RefundStatus.PENDING });
  if (open) return;
  const payments = await tx.find(Payment, { order: order.id });
  const refunded = payments.reduce((s, p) => s + p.amountRefunded, 0);
  const voided = payments.filter((p) => p.status === PaymentStatus.VOIDED).reduce((s, p) => s + p.amount, 0);
  recordSettled(tx, order, voided, refunded);
}

export function recordSettled(tx: Em, order: Order, voided: number, refunded: number): void {
  recordEvent(tx, 'order.cancellation_settled', { orderId: order.id, number: order.number, currencyCode: order.currencyCode, voided, refunded }, order.id);
}

