// What the automated walk in plain SQL (express-walk.ts) shares between its two transactions: the rows it
// reads and writes (its history and events come from shipment-records.ts, as the ORM's walk's do).
import { PlainRows } from '../kernel/db/entity-rows.js';
import { newId } from '../kernel/ids.js';
import type { Allocation } from '../inventory/stock-ledger.js';
import type { ParcelOrigin } from '../inventory/parcel.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import type { LabelInput } from './labels.js';

const S = ShipmentStatus;
export const SYSTEM = 'system';
export const WALKED = { walked: true };

export interface OrderFacts {
  id: string;
  number: string;
  externalId: string | null;
  to: LabelInput['to'];
  method: LabelInput['method'];
}

export interface Line {
  id: string;
  variantId: string;
  sku: string;
  quantity: number;
  allocations: Allocation[];
  grams: number;
}

export interface Planned {
  id: string;
  location: ParcelOrigin & { id: string; code: string; priority: number };
  units: { line: Line; quantity: number }[];
}

/** What the first transaction made: the order's facts and its shipments, PACKED. */
export interface Routed {
  order: OrderFacts;
  shipments: Planned[];
}

export const SHIPMENTS = new PlainRows<Planned, { order: OrderFacts; at: Date }>(Shipment.name, {
  id: (s) => s.id, order: (_, c) => c.order.id, location: (s) => s.location.id, wave: () => 1, status: () => S.PACKED,
  exceptionFrom: () => null, carrierCode: () => null, trackingNumber: () => null, trackingUrl: () => null, labelKey: () => null,
  packingSlipKey: () => null, labelledAt: () => null, estimatedDeliveryAt: () => null, shippedAt: () => null, deliveredAt: () => null,
  readyForPickupAt: () => null, pickupCodeHash: () => null, createdAt: (_, c) => c.at, statusChangedAt: (_, c) => c.at, version: () => 1,
});

export const SHIPMENT_LINES = new PlainRows<{ shipmentId: string; lineId: string; quantity: number }, null>(ShipmentLine.name, {
  id: () => newId('shl'), shipment: (l) => l.shipmentId, orderLine: (l) => l.lineId, quantity: (l) => l.quantity,
});

export const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
export const byPlace = (a: Planned, b: Planned) => a.location.priority - b.location.priority || a.location.code.localeCompare(b.location.code);
