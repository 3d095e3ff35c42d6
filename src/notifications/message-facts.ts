// What a message's template reads (templates.ts): the order with its channel and lines, and the shipment
// the event names. Every event with a template sends a message, so this is read once per message: in one
// round trip of plain reads (kernel/db/plain-transaction.ts), the rows then made into instances of the
// entities that templates (a plugin's too) are written against. Read-only instances, not managed ones
// (kernel/db/entity-read.ts): a template only reads them, and em.map's hydration cost a mail more CPU
// than its reads, its rendering and its MIME encoding.
import type { Em } from '../kernel/db/orm.js';
import { plainReads } from '../kernel/db/plain-transaction.js';
import { readEntities, selectList } from '../kernel/db/entity-read.js';
import type { Channel } from '../channels/channel.entity.js';
import type { Order } from '../order-core/order.entity.js';
import type { OrderLine } from '../order-core/order-line.entity.js';
import type { Shipment } from '../fulfillment/shipment.entity.js';

export interface MessageFacts {
  order: Order;
  lines: OrderLine[];
  shipment: Shipment | null;
}

/** The facts of `orderId` (and `shipmentId`), or null when the order is gone. */
export async function messageFacts(em: Em, orderId: string, shipmentId: string | null): Promise<MessageFacts | null> {
  // The columns named (selectList): statements PostgreSQL prepares once per connection instead of planning each time.
  const [channelRows, orderRows, lineRows, shipmentRows] = await plainReads(em, [
    { sql: `SELECT ${selectList(em, 'Channel', 'c')} FROM channel c JOIN orders o ON o.channel_id = c.id WHERE o.id = ?`, params: [orderId] },
    { sql: `SELECT ${selectList(em, 'Order')} FROM orders WHERE id = ?`, params: [orderId] },
    { sql: `SELECT ${selectList(em, 'OrderLine')} FROM order_line WHERE order_id = ? ORDER BY id`, params: [orderId] },
    ...(shipmentId ? [{ sql: `SELECT ${selectList(em, 'Shipment')} FROM shipment WHERE id = ?`, params: [shipmentId] }] : []),
  ]);
  if (!orderRows.length || !channelRows.length) return null;
  // The channel first: the order's reference to it is then that loaded entity.
  const [channel] = readEntities<Channel>(em, 'Channel', channelRows);
  const [order] = readEntities<Order>(em, 'Order', orderRows, { channel });
  return {
    order,
    lines: readEntities<OrderLine>(em, 'OrderLine', lineRows, { order }),
    shipment: shipmentRows?.length ? readEntities<Shipment>(em, 'Shipment', shipmentRows, { order })[0] : null,
  };
}
