// Handing a shipment over to the carrier: its units leave onHand and reserved together through the stock
// ledger (one conditional statement per line, with its SHIPPED movement); the order lines count them as
// shipped and no longer hold them as allocations.
import type { Em } from '../kernel/db/orm.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { OrdoError } from '../kernel/errors.js';
import { proportional } from '../kernel/money.js';
import { shipOut as takeOut } from '../inventory/stock-ledger.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import type { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { moveShipment } from './shipment-moves.js';

/** The movement's note, and the refusals of a handover (the express walk's too: express-handover.ts). */
export const handoverNote = (shipmentId: string, order: { id: string; number: string }) => ({ orderId: order.id, note: `Shipment ${shipmentId} of order ${order.number}` });
export const tooFewHeld = (sku: string, held: number, wanted: number) =>
  new OrdoError('CONFLICT', `Line ${sku} holds ${held} unit(s) at this location, the shipment wants ${wanted}.`);
export const stockShort = (sku: string, units: number) =>
  new OrdoError('CONFLICT', `The stock of ${sku} at this location does not cover the ${units} reserved unit(s) being shipped; count the stock and retry.`);

/** Inside the caller's transaction with the order locked; the caller has checked the move is allowed. */
export async function shipOut(app: AppRuntime, tx: Em, order: Order, shipment: Shipment, actor: string, message: string, at = new Date(), extra: Record<string, unknown> = {}): Promise<void> {
  if (shipment.shippedAt) throw new OrdoError('INVALID_STATE_TRANSITION', `Shipment ${shipment.id} has shipped already.`);
  const lines = await tx.find(ShipmentLine, { shipment: shipment.id });
  const orderLines = await tx.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } });
  const locationId = shipment.location.id;
  // In a fixed order (variant id), like placeOrder, so that two transactions lock stock rows alike.
  const work = lines
    .map((l) => ({ l, ol: orderLines.find((o) => o.id === l.orderLine.id)! }))
    .sort((a, b) => ((a.ol.variant?.id ?? '') < (b.ol.variant?.id ?? '') ? -1 : 1));
  // What the shipment carries, tax included (its share of each line): PER_SHIPMENT captures it.
  let value = 0;
  for (const { l, ol } of work) {
    value += proportional(ol.lineTotal, l.quantity, ol.quantity);
    const allocation = ol.allocations.find((a) => a.locationId === locationId);
    if (allocation && ol.variant) {
      if (allocation.quantity < l.quantity) throw tooFewHeld(ol.sku, allocation.quantity, l.quantity);
      if (!(await takeOut(tx, { variantId: ol.variant.id, sku: ol.sku, locationId }, l.quantity, handoverNote(shipment.id, order)))) {
        throw stockShort(ol.sku, l.quantity);
      }
      ol.allocations = ol.allocations
        .map((a) => (a.locationId === locationId ? { ...a, quantity: a.quantity - l.quantity } : a))
        .filter((a) => a.quantity > 0);
    }
    ol.quantityShipped += l.quantity;
  }
  shipment.shippedAt = at;
  await moveShipment(app, tx, order, shipment, ShipmentStatus.SHIPPED, actor, message, at, { ...extra, value });
}
