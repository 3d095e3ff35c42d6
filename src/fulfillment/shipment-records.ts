// What a shipment's creation and moves write to its order's history and to the outbox, in one place:
// the ORM's walk (routing.ts, shipment-moves.ts, shipment.service.ts) records them through the unit of
// work, the express walk (express-*.ts) as plain rows, and both must write the same.
import { externalOf, type EventRecord, type HistoryRecord } from '../order-core/order-history.js';
import { ShipmentStatus } from './shipment-status.js';

/** What the records name of the order. */
export interface RecordedOrder {
  id: string;
  number: string;
  externalId?: string | null;
}

/** A shipment made by routing: its SHIPMENT_CREATED entry and `shipment.created` event. */
export function shipmentCreated(
  order: RecordedOrder, s: { id: string; locationId: string; locationCode: string; autoFulfill: boolean }, wave: number, units: number, walked: boolean,
): { history: HistoryRecord; event: EventRecord } {
  return {
    history: {
      type: 'SHIPMENT_CREATED', actor: 'system',
      message: `Shipment ${s.id} created at ${s.locationCode}${wave > 1 ? ` (wave ${wave})` : ''}: ${units} unit(s)${s.autoFulfill ? ', fulfilled automatically' : ''}.`,
    },
    event: {
      type: 'shipment.created',
      payload: {
        shipmentId: s.id, orderId: order.id, number: order.number, locationId: s.locationId, wave, autoFulfill: s.autoFulfill, to: ShipmentStatus.PENDING,
        ...(walked && s.autoFulfill ? { walked: true } : {}),
      },
    },
  };
}

/** One status move: its `SHIPMENT_<status>` entry and `shipment.<status>` event. */
export function shipmentMoved(
  order: RecordedOrder, s: { id: string; locationId: string; trackingNumber: string | null }, from: ShipmentStatus, to: ShipmentStatus,
  actor: string, message: string, extra: Record<string, unknown> = {},
): { history: HistoryRecord; event: EventRecord } {
  return {
    history: { type: `SHIPMENT_${to}`, message, actor },
    event: {
      type: `shipment.${to.toLowerCase()}`,
      payload: { shipmentId: s.id, orderId: order.id, number: order.number, locationId: s.locationId, from, to, trackingNumber: s.trackingNumber, ...externalOf(order), ...extra },
    },
  };
}

/** An automated location's pick or pack. */
export const automatedStep = (shipmentId: string, verb: 'picked' | 'packed') => `Shipment ${shipmentId}: ${verb} by the location's automation.`;

/** An automated location's handover to the carrier. */
export const automatedHandover = (shipmentId: string, carrierCode: string | null | undefined, trackingNumber: string | null | undefined) =>
  `Shipment ${shipmentId} handed over to ${carrierCode ?? 'the carrier'} (${trackingNumber ?? 'no tracking'}) by the location's automation.`;
