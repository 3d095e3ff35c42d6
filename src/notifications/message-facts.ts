// What a message's template reads (templates.ts): the order with its channel and lines, and the shipment
// the event names. Every event with a template sends a message, so this is read once per message, and
// the messages a worker sends at the same moment (message-statements.ts) read theirs together: four
// plain reads for all of them, in one round trip (kernel/db/plain-transaction.ts), the rows then made into
// instances of the entities that templates (a plugin's too) are written against. Read-only instances,
// not managed ones (kernel/db/entity-read.ts): a template only reads them, and em.map's hydration cost a
// mail more CPU than its reads, its rendering and its MIME encoding.
import type { Em } from '../kernel/db/orm.js';
import { plainReads } from '../kernel/db/plain-transaction.js';
import { readEntities, selectList } from '../kernel/db/entity-read.js';
import { marks, rowsBy } from '../kernel/db/sql-runner.js';
import type { Channel } from '../channels/channel.entity.js';
import type { Order } from '../order-core/order.entity.js';
import type { OrderLine } from '../order-core/order-line.entity.js';
import type { Shipment } from '../fulfillment/shipment.entity.js';

export interface MessageFacts {
  order: Order;
  lines: OrderLine[];
  shipment: Shipment | null;
}

/** Whose facts a message needs: its order, and the shipment its event names. */
export interface FactsAsk {
  orderId: string;
  shipmentId: string | null;
}

/** The facts of `orderId` (and `shipmentId`), or null when the order is gone. */
export async function messageFacts(em: Em, orderId: string, shipmentId: string | null): Promise<MessageFacts | null> {
  return (await messageFactsOf(em, [{ orderId, shipmentId }]))[0];
}

/** The facts of each ask (null where its order is gone), read for all of them at once. */
export async function messageFactsOf(em: Em, asks: readonly FactsAsk[]): Promise<(MessageFacts | null)[]> {
  const orderIds = [...new Set(asks.map((a) => a.orderId))];
  const shipmentIds = [...new Set(asks.flatMap((a) => (a.shipmentId ? [a.shipmentId] : [])))];
  const list = marks(orderIds.length);
  // The columns named (selectList): statements PostgreSQL prepares once per connection instead of planning each time.
  const [channelRows, orderRows, lineRows, shipmentRows] = await plainReads(em, [
    { sql: `SELECT ${selectList(em, 'Channel')} FROM channel WHERE id IN (SELECT channel_id FROM orders WHERE id IN (${list}))`, params: orderIds },
    { sql: `SELECT ${selectList(em, 'Order')} FROM orders WHERE id IN (${list})`, params: orderIds },
    { sql: `SELECT ${selectList(em, 'OrderLine')} FROM order_line WHERE order_id IN (${list}) ORDER BY id`, params: orderIds },
    ...(shipmentIds.length ? [{ sql: `SELECT ${selectList(em, 'Shipment')} FROM shipment WHERE id IN (${marks(shipmentIds.length)})`, params: shipmentIds }] : []),
  ]);
  const channels = new Map(readEntities<Channel>(em, 'Channel', channelRows).map((c) => [c.id, c]));
  const orderRowOf = new Map(orderRows.map((r: any) => [r.id as string, r]));
  const linesOf = rowsBy(lineRows, 'order_id');
  const shipmentRowOf = new Map((shipmentRows ?? []).map((r: any) => [r.id as string, r]));
  // An order asked for twice (two messages of one order at once) is made once; templates only read it.
  const made = new Map<string, Omit<MessageFacts, 'shipment'> | null>();
  return asks.map(({ orderId, shipmentId }) => {
    let facts = made.get(orderId);
    if (facts === undefined) {
      const row = orderRowOf.get(orderId);
      const channel = row && channels.get(row.channel_id);
      // The channel first: the order's reference to it is then that loaded entity.
      const order = row && channel ? readEntities<Order>(em, 'Order', [row], { channel })[0] : null;
      facts = order ? { order, lines: readEntities<OrderLine>(em, 'OrderLine', linesOf.get(orderId) ?? [], { order }) } : null;
      made.set(orderId, facts);
    }
    if (!facts) return null;
    const shipmentRow = shipmentId ? shipmentRowOf.get(shipmentId) : undefined;
    return { ...facts, shipment: shipmentRow ? readEntities<Shipment>(em, 'Shipment', [shipmentRow], { order: facts.order })[0] : null };
  });
}
