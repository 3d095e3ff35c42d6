// An order's payment status (Order.paymentStatus, Payment.status): part of the order core, so that the
// order aggregate and the payments that move it share one definition without importing each other.
import { registerEnumType } from 'type-graphql';

export enum PaymentStatus {
  PENDING = 'PENDING',
  AUTHORIZED = 'AUTHORIZED',
  PAID = 'PAID',
  PARTIALLY_REFUNDED = 'PARTIALLY_REFUNDED',
  REFUNDED = 'REFUNDED',
  VOIDED = 'VOIDED',
  DECLINED = 'DECLINED',
}
registerEnumType(PaymentStatus, { name: 'PaymentStatus' });
