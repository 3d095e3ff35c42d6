import { registerEnumType } from 'type-graphql';
import { defineMachine } from '../kernel/state-machine.js';

export enum ShipmentStatus {
  PENDING = 'PENDING',
  PICKED = 'PICKED',
  PACKED = 'PACKED',
  LABELLED = 'LABELLED',
  READY_FOR_PICKUP = 'READY_FOR_PICKUP',
  SHIPPED = 'SHIPPED',
  IN_TRANSIT = 'IN_TRANSIT',
  OUT_FOR_DELIVERY = 'OUT_FOR_DELIVERY',
  DELIVERED = 'DELIVERED',
  EXCEPTION = 'EXCEPTION',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ShipmentStatus, {
  name: 'ShipmentStatus',
  valuesConfig: {
    READY_FOR_PICKUP: { description: 'Click & collect: waiting at its store for the buyer (markReadyForPickup); confirmPickup hands it over.' },
  },
});

const S = ShipmentStatus;

/**
 * Every allowed move of a shipment. EXCEPTION may go anywhere forward on the machine; the service also
 * checks the move against the status the shipment had before its exception (Shipment.exceptionFrom),
 * so a flagged PENDING shipment can be picked but not delivered.
 */
export const shipmentMachine = defineMachine<ShipmentStatus>('shipment', {
  [S.PENDING]: [S.PICKED, S.READY_FOR_PICKUP, S.EXCEPTION, S.CANCELLED],
  [S.PICKED]: [S.PACKED, S.READY_FOR_PICKUP, S.EXCEPTION, S.CANCELLED],
  [S.PACKED]: [S.LABELLED, S.READY_FOR_PICKUP, S.EXCEPTION, S.CANCELLED],
  [S.LABELLED]: [S.SHIPPED, S.EXCEPTION, S.CANCELLED],
  // Click & collect: the buyer takes it at the counter (confirmPickup: SHIPPED, then DELIVERED at once).
  [S.READY_FOR_PICKUP]: [S.SHIPPED, S.EXCEPTION, S.CANCELLED],
  [S.SHIPPED]: [S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION],
  [S.IN_TRANSIT]: [S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION],
  [S.OUT_FOR_DELIVERY]: [S.IN_TRANSIT, S.DELIVERED, S.EXCEPTION],
  [S.EXCEPTION]: [S.PENDING, S.PICKED, S.PACKED, S.LABELLED, S.READY_FOR_PICKUP, S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.CANCELLED],
  [S.DELIVERED]: [],
  [S.CANCELLED]: [],
});

/** Before the parcel leaves: its units are still reserved stock at the location. */
export const BEFORE_HANDOVER: ReadonlySet<ShipmentStatus> = new Set([S.PENDING, S.PICKED, S.PACKED, S.LABELLED, S.READY_FOR_PICKUP]);

/**
 * In one of these longer than config.stuckShipmentMs, a shipment is flagged EXCEPTION. Not READY_FOR_PICKUP:
 * waiting for the buyer is its job, and the pickup window (config.pickupWindowDays) ends it.
 */
export const STUCK_WATCHED: ShipmentStatus[] = [S.PENDING, S.PICKED, S.PACKED, S.LABELLED, S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY];

/** What tracking (a carrier or an admin) may report; the warehouse steps are staff's and the workers'. */
export const TRACKING_STATUSES: ReadonlySet<ShipmentStatus> = new Set([S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION]);
