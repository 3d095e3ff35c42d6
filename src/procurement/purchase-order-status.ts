import { registerEnumType } from 'type-graphql';
import { defineMachine } from '../kernel/state-machine.js';

export enum PurchaseOrderStatus {
  DRAFT = 'DRAFT',
  SENT = 'SENT',
  PARTIALLY_RECEIVED = 'PARTIALLY_RECEIVED',
  RECEIVED = 'RECEIVED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(PurchaseOrderStatus, {
  name: 'PurchaseOrderStatus',
  valuesConfig: {
    DRAFT: { description: 'Being written: lines, quantities and dates may change.' },
    SENT: { description: 'Sent to the supplier (PDF mailed): its units count as incoming.' },
    PARTIALLY_RECEIVED: { description: 'Some units arrived, others are still incoming.' },
    RECEIVED: { description: 'Every ordered unit arrived.' },
    CANCELLED: { description: 'Withdrawn before anything arrived.' },
  },
});

const S = PurchaseOrderStatus;
/**
 * Every allowed move of a purchase order; plugins guard it by the name `purchase-order`. Once units have
 * arrived the order can no longer be cancelled: what was booked into stock stays booked.
 */
export const purchaseOrderMachine = defineMachine<PurchaseOrderStatus>('purchase-order', {
  [S.DRAFT]: [S.SENT, S.CANCELLED],
  [S.SENT]: [S.PARTIALLY_RECEIVED, S.RECEIVED, S.CANCELLED],
  [S.PARTIALLY_RECEIVED]: [S.RECEIVED],
  [S.RECEIVED]: [],
  [S.CANCELLED]: [],
});

/** Statuses whose units not yet received are on their way (incoming). */
export const OPEN = [S.SENT, S.PARTIALLY_RECEIVED] as const;
