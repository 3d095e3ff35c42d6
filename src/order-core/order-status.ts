import { registerEnumType } from 'type-graphql';
import { defineMachine } from '../kernel/state-machine.js';

export enum OrderStatus {
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
  ON_HOLD = 'ON_HOLD',
  BACKORDERED = 'BACKORDERED',
  IN_FULFILLMENT = 'IN_FULFILLMENT',
  PARTIALLY_SHIPPED = 'PARTIALLY_SHIPPED',
  SHIPPED = 'SHIPPED',
  DELIVERED = 'DELIVERED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  valuesConfig: {
    PENDING: { description: 'Placed; waiting for payment (manual methods) or for review of a validation rule.' },
    CONFIRMED: { description: 'Validated: stock reserved, payment authorized, customer notified.' },
    ON_HOLD: { description: 'Stopped for a person to review (a fraud or validation rule, or an admin).' },
    BACKORDERED: { description: 'Confirmed, and some lines wait for stock to arrive.' },
    IN_FULFILLMENT: { description: 'Shipments are being picked and packed.' },
  },
});

const S = OrderStatus;
/** Every allowed move of an order. ON_HOLD goes back to where it came from (Order.heldFrom). */
export const orderMachine = defineMachine<OrderStatus>('order', {
  [S.PENDING]: [S.CONFIRMED, S.BACKORDERED, S.ON_HOLD, S.CANCELLED],
  [S.CONFIRMED]: [S.IN_FULFILLMENT, S.BACKORDERED, S.ON_HOLD, S.CANCELLED],
  [S.BACKORDERED]: [S.CONFIRMED, S.IN_FULFILLMENT, S.ON_HOLD, S.CANCELLED],
  [S.ON_HOLD]: [S.PENDING, S.CONFIRMED, S.BACKORDERED, S.IN_FULFILLMENT, S.PARTIALLY_SHIPPED, S.CANCELLED],
  [S.IN_FULFILLMENT]: [S.PARTIALLY_SHIPPED, S.SHIPPED, S.ON_HOLD, S.CANCELLED],
  [S.PARTIALLY_SHIPPED]: [S.SHIPPED, S.ON_HOLD],
  [S.SHIPPED]: [S.DELIVERED],
  [S.DELIVERED]: [],
  [S.CANCELLED]: [],
});

/** Statuses of an order whose units not yet shipped may still be cancelled or edited (cancelOrderLines, commitOrderEdit). */
export const CHANGEABLE = new Set([S.PENDING, S.CONFIRMED, S.BACKORDERED, S.ON_HOLD, S.IN_FULFILLMENT, S.PARTIALLY_SHIPPED]);

/** Statuses from which an order can still be cancelled with nothing shipped. */
export const CANCELLABLE = new Set([S.PENDING, S.CONFIRMED, S.BACKORDERED, S.ON_HOLD, S.IN_FULFILLMENT]);
