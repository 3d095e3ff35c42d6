import { registerEnumType } from 'type-graphql';
import { defineMachine } from '../kernel/state-machine.js';

export enum ReturnStatus {
  REQUESTED = 'REQUESTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  RECEIVED = 'RECEIVED',
  REFUNDED = 'REFUNDED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ReturnStatus, { name: 'ReturnStatus' });

export enum ReturnReason {
  DAMAGED = 'DAMAGED',
  WRONG_ITEM = 'WRONG_ITEM',
  NOT_AS_DESCRIBED = 'NOT_AS_DESCRIBED',
  SIZE_OR_FIT = 'SIZE_OR_FIT',
  CHANGED_MIND = 'CHANGED_MIND',
  OTHER = 'OTHER',
}
registerEnumType(ReturnReason, { name: 'ReturnReason' });

export enum ReturnResolution {
  REFUND = 'REFUND',
  EXCHANGE = 'EXCHANGE',
}
registerEnumType(ReturnResolution, { name: 'ReturnResolution' });

/** Where a REFUND resolution's money goes. */
export enum RefundDestination {
  /** Back to the order's payments (the default). */
  ORIGINAL_PAYMENT = 'ORIGINAL_PAYMENT',
  /** The customer's store credit in the order's currency (orders of a signed-in customer only). */
  STORE_CREDIT = 'STORE_CREDIT',
}
registerEnumType(RefundDestination, { name: 'RefundDestination', description: 'Where a refunded return\'s money goes (the part tender paid always goes back to its gift card or store credit).' });

export enum ItemDisposition {
  RESTOCK = 'RESTOCK',
  DAMAGED = 'DAMAGED',
  DISCARD = 'DISCARD',
}
registerEnumType(ItemDisposition, { name: 'ItemDisposition' });

const S = ReturnStatus;
/** Every allowed move of a return (RMA). */
export const returnMachine = defineMachine<ReturnStatus>('return', {
  [S.REQUESTED]: [S.APPROVED, S.REJECTED, S.CANCELLED],
  [S.APPROVED]: [S.RECEIVED, S.CANCELLED],
  [S.RECEIVED]: [S.REFUNDED, S.COMPLETED],
  [S.REFUNDED]: [S.COMPLETED],
  [S.REJECTED]: [],
  [S.COMPLETED]: [],
  [S.CANCELLED]: [],
});

/** Returns whose lines still claim units of their order lines (not yet received). */
export const OPEN_RETURN = [S.REQUESTED, S.APPROVED];
/** Reasons for which the outbound shipping is refunded too. */
export const SHIPPING_REFUND_REASONS = new Set([ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM]);
