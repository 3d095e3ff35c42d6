// What a message's template reads (templates.ts): the order with its channel and lines, and the shipment
// the event names. Every event with a template sends a message, so this is read once per message: in one
// round trip of plain reads (kernel/db/plain-transaction.ts), the rows then made into the entities that
// templates (a plugin's too) are written against, managed by the job's EntityManager as if it had found them.
import type { Em } from '../kernel/db/orm.js';
import { plainReads } from '../kernel/db/plain-transaction.js';
import { Channel } from '../channels/channel.entity.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { Shipment } from '../fulfillment/shipment.entity.js';

export interface MessageFacts {
  order: Order;
  lines: OrderLine[];
  shipment: Shipment | null;
}

/** The facts of `orderId` (and `shipmentId`), or null when the order is gone. */
export async function messageFacts(em: Em, orderId: string, shipmentId: string | null): Promise<MessageFacts | null> {
  const [channelRows, orderRows, lineRows, shipmentRows] = await plainReads(em, [
    { sql: 'SELECT c.* FROM channel c JOIN orders o ON o.channel_id = c.id WHERE o.id = ?', params: [orderId] },
    { sql: 'SELECT * FROM orders WHERE id = ?', params: [orderId] },
    { sql: 'SELECT * FROM order_line WHERE order_id = ? ORDER BY id', params: [orderId] },
    ...(shipmentId ? [{ sql: 'SELECT * FROM shipment WHERE id = ?', params: [shipmentId] }] : []),
  ]);
  if (!orderRows.length || !channelRows.length) return null;
  // The channel first: the order's reference to it is then that loaded entity.
  em.map(Channel, channelRows[0]);
  const order = em.map(Order, orderRows[0]);
  return {
    order,
    lines: lineRows.map((r) => em.map(OrderLine, r)),
    shipment: shipmentRows?.length ? em.map(Shipment, shipmentRows[0]) : null,
  };
}
