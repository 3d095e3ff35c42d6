// A shipment changes its order's aggregate (stock, lines, the order's own status), so it is changed
// under the order's lock (src/orders/order-lock.ts).
import type { Em } from '../kernel/db/orm.js';
import type { Order } from '../order-core/order.entity.js';
import { withOrder, withOrderPart } from '../order-core/order-lock.js';
import { Shipment } from './shipment.entity.js';

export { withOrder };

/** The shipment, re-read after its order is locked (so what `apply` sees is current). */
export function withShipment<T>(em: Em, shipmentId: string, apply: (tx: Em, order: Order, shipment: Shipment) => Promise<T>): Promise<T> {
  return withOrderPart(em, Shipment, shipmentId, 'The shipment', apply);
}
