// Handing a shipment over to the carrier: its units leave onHand and reserved together, one conditional
// statement per line (never read-modify-write), with a SHIPPED movement in the ledger; the order lines
// count them as shipped and no longer hold them as allocations.
import type { Em } from '../kernel/db.js';
import { OrdoError } from '../kernel/errors.js';
import { StockMovement, StockMovementReason } from '../inventory/stock-movement.entity.js';
import type { Order } from '../orders/order.entity.js';
import { OrderLine } from '../orders/order-line.entity.js';
import type { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { moveShipment } from './shipment-moves.js';

const TAKE_OUT = `UPDATE stock_level SET on_hand = on_hand - ?, reserved = reserved - ?
WHERE variant_id = ? AND location_id = ? AND reserved >= ? AND on_hand >= ? RETURNING id`;

/** Inside the caller's transaction with the order locked; the caller has checked the move is allowed. */
export async function shipOut(tx: Em, order: Order, shipment: Shipment, actor: string, message: string, at = new Date()): Promise<void> {
  if (shipment.shippedAt) throw new OrdoError('INVALID_STATE_TRANSITION', `Shipment ${shipment.id} has shipped already.`);
  const lines = await tx.find(ShipmentLine, { shipment: shipment.id });
  const orderLines = await tx.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } });
  const locationId = shipment.location.id;
  // In a fixed order (variant id), like placeOrder, so that two transactions lock stock rows alike.
  const work = lines
    .map((l) => ({ l, ol: orderLines.find((o) => o.id === l.orderLine.id)! }))
    .sort((a, b) => ((a.ol.variant?.id ?? '') < (b.ol.variant?.id ?? '') ? -1 : 1));
  for (const { l, ol } of work) {
    const allocation = ol.allocations.find((a) => a.locationId === locationId);
    if (allocation && ol.variant) {
      if (allocation.quantity < l.quantity) {
        throw new OrdoError('CONFLICT', `Line ${ol.sku} holds ${allocation.quantity} unit(s) at this location, the shipment wants ${l.quantity}.`);
      }
      const rows = await tx.execute(TAKE_OUT, [l.quantity, l.quantity, ol.variant.id, locationId, l.quantity, l.quantity]);
      if (!rows.length) {
        throw new OrdoError('CONFLICT', `The stock of ${ol.sku} at this location does not cover the ${l.quantity} reserved unit(s) being shipped; count the stock and retry.`);
      }
      ol.allocations = ol.allocations
        .map((a) => (a.locationId === locationId ? { ...a, quantity: a.quantity - l.quantity } : a))
        .filter((a) => a.quantity > 0);
      tx.persist(tx.create(StockMovement, {
        sku: ol.sku, location: locationId, delta: -l.quantity, reason: StockMovementReason.SHIPPED,
        orderId: order.id, note: `Shipment ${shipment.id} of order ${order.number}`,
      }));
    }
    ol.quantityShipped += l.quantity;
  }
  shipment.shippedAt = at;
  await moveShipment(tx, order, shipment, ShipmentStatus.SHIPPED, actor, message, at);
}
