// Every change of an order's aggregate (status, lines, stock, payments, shipments) runs in one
// transaction, under the order's row lock on PostgreSQL and with versions checked at flush on both
// databases: two changes of one order at the same moment are serialized, and the loser of a version
// race answers CONFLICT (a job retries and finds the work done).
import { OptimisticLockError, type EntityClass, type FilterQuery } from '@mikro-orm/core';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrdoError, notFound } from '../kernel/errors.js';
import { Order } from './order.entity.js';

export async function withOrder<T>(em: Em, orderId: string, apply: (tx: Em, order: Order) => Promise<T>): Promise<T> {
  try {
    return await em.fork().transactional(async (txm) => {
      const tx = txm as Em;
      const order = await tx.findOne(Order, { id: orderId }, dialectOf(tx).lockedRead);
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

/**
 * A row of the order's aggregate (shipment, payment, return), changed under its order's lock and read
 * again once the lock is held, so that what `apply` sees is current.
 */
export async function withOrderPart<P extends { id: string }, T>(
  em: Em, entity: EntityClass<P>, id: string, what: string, apply: (tx: Em, order: Order, part: P) => Promise<T>,
): Promise<T> {
  const table = em.getMetadata().get(entity.name).tableName;
  const [row] = await em.execute(`SELECT order_id FROM ${table} WHERE id = ?`, [id]);
  if (!row) throw notFound(what);
  return withOrder(em, row.order_id as string, async (tx, order) => apply(tx, order, await tx.findOneOrFail(entity, { id } as FilterQuery<P>)));
}
