// A shipment changes its order's aggregate (stock, lines, the order's own status), so it is changed
// under the order's lock (src/orders/order-lock.ts).
import type { Em } from '../kernel/db.js';
import { notFound } from '../kernel/errors.js';
import type { Order } from '../orders/order.entity.js';
import { withOrder } from '../orders/order-lock.js';
import { Shipment } from './shipment.entity.js';

export { withOrder };

/** The shipment, re-read after its order is locked (so what `apply` sees is current). */
export async function withShipment<T>(em: Em, shipmentId: string, apply: (tx: Em, order: Order, shipment: Shipment) => Promise<T>): Promise<T> {
  const [row] = await em.execute('SELECT order_id FROM shipment WHERE id = ?', [shipmentId]);
  if (!row) throw notFound('The shipment');
  return withOrder(em, row.order_id as string, async (tx, order) => {
    const shipment = await tx.findOneOrFail(Shipment, { id: shipmentId });
    return apply(tx, order, shipment);
  });
}
