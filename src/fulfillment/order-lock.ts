// Every change of a shipment is a change of its order's aggregate (stock, lines, the order's own status),
// so it runs like OrderService.change(): in one transaction, under the order's row lock on PostgreSQL
// and with the versions checked at flush on both databases. Two workers (or a worker and staff) acting
// on one order at the same moment are serialized; the loser of a version race sees CONFLICT and its
// job is retried, finding the work done.
import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import { isPostgres, type Em } from '../kernel/db.js';
import { OrdoError, notFound } from '../kernel/errors.js';
import { Order } from '../orders/order.entity.js';
import { Shipment } from './shipment.entity.js';

export async function withOrder<T>(em: Em, orderId: string, apply: (tx: Em, order: Order) => Promise<T>): Promise<T> {
  try {
    return await em.fork().transactional(async (txm) => {
      const tx = txm as Em;
      const order = await tx.findOne(Order, { id: orderId }, isPostgres(tx) ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
      if (!order) throw notFound('The order');
      const result = await apply(tx, order);
      await tx.flush();
      return result;
    });
  } catch (e) {
    if (e instanceof OptimisticLockError) throw new OrdoError('CONFLICT', 'The order or shipment was changed at the same moment: read it again and retry.');
    throw e;
  }
}

/** The shipment, re-read after its order is locked (so what `apply` sees is current). */
export async function withShipment<T>(em: Em, shipmentId: string, apply: (tx: Em, order: Order, shipment: Shipment) => Promise<T>): Promise<T> {
  const [row] = await em.execute('SELECT order_id FROM shipment WHERE id = ?', [shipmentId]);
  if (!row) throw notFound('The shipment');
  return withOrder(em, row.order_id as string, async (tx, order) => {
    const shipment = await tx.findOneOrFail(Shipment, { id: shipmentId });
    return apply(tx, order, shipment);
  });
}
