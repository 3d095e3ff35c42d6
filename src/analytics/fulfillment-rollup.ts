// The fulfillment rollups' handlers (fulfillment-rollup.entity.ts): each reads the rows its event names
// and adds to the day of the channel it happened on, in the transaction that claims the event.
import { write, type SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import type { EventHandler } from '../kernel/module.js';
import { localDay } from './local-day.js';
import { leadBucket } from './fulfillment-lead-buckets.js';
import { zoneOf, field, increment, markOnce, rollupHandler } from './operations-sql.js';

const ROLLUP = 'fulfillment';

/** A shipment handed over (once, however often it is resumed to SHIPPED): one more shipment of its location on the day, its lead time in the histogram. */
async function shipped(tx: SqlRunner, shipmentId: string): Promise<void> {
  const d = dialectOf(tx);
  const [row] = await tx.execute(
    `SELECT s.location_id, s.shipped_at, o.channel_id, o.placed_at, c.time_zone FROM shipment s JOIN orders o ON o.id = s.order_id JOIN channel c ON c.id = o.channel_id WHERE s.id = ?`, [shipmentId]);
  if (!row?.shipped_at || !(await markOnce(tx, shipmentId, 'SHIPPED'))) return;
  const at = d.readDate(row.shipped_at);
  const day = localDay(at, zoneOf(row));
  const keys = { channel_id: row.channel_id, location_id: row.location_id, day };
  await increment(tx, 'fulfillment_day', keys, { shipments: 1 });
  await increment(tx, 'fulfillment_lead', { ...keys, bucket: leadBucket(at.getTime() - d.readDate(row.placed_at).getTime()) }, { shipments: 1 });
}

/** A shipment delivered: on the delivery day, whether its order was promised a date and whether it made it. */
async function delivered(tx: SqlRunner, shipmentId: string, eventAt: Date): Promise<void> {
  const d = dialectOf(tx);
  const [row] = await tx.execute(
    `SELECT s.location_id, s.delivered_at, s.status_changed_at, o.channel_id, o.promised_delivery_at, c.time_zone FROM shipment s JOIN orders o ON o.id = s.order_id
      JOIN channel c ON c.id = o.channel_id WHERE s.id = ?`, [shipmentId]);
  if (!row) return;
  const at = row.delivered_at != null ? d.readDate(row.delivered_at) : row.status_changed_at != null ? d.readDate(row.status_changed_at) : new Date(eventAt);
  const promised = row.promised_delivery_at != null ? d.readDate(row.promised_delivery_at) : null;
  const day = localDay(at, zoneOf(row));
  await increment(tx, 'fulfillment_day', { channel_id: row.channel_id, location_id: row.location_id, day }, {
    delivered: 1, delivered_promised: promised ? 1 : 0, delivered_on_time: promised && at.getTime() <= promised.getTime() ? 1 : 0,
  });
}

async function orderDay(tx: SqlRunner, orderId: string): Promise<{ channelId: string; day: string } | null> {
  const [row] = await tx.execute('SELECT o.channel_id, o.placed_at, c.time_zone FROM orders o JOIN channel c ON c.id = o.channel_id WHERE o.id = ?', [orderId]);
  if (!row) return null;
  return { channelId: row.channel_id, day: localDay(dialectOf(tx).readDate(row.placed_at), zoneOf(row)) };
}

async function placed(tx: SqlRunner, orderId: string): Promise<void> {
  const o = await orderDay(tx, orderId);
  if (o) await increment(tx, 'fulfillment_order_day', { channel_id: o.channelId, day: o.day }, { orders_placed: 1 });
}

/** An order BACKORDERED: counted once (the mark), on the day it was placed, however often it waits again. */
async function backordered(tx: SqlRunner, orderId: string): Promise<void> {
  if (!(await markOnce(tx, orderId, 'BACKORDERED'))) return;
  const o = await orderDay(tx, orderId);
  if (o) await increment(tx, 'fulfillment_order_day', { channel_id: o.channelId, day: o.day }, { backordered_orders: 1 });
}

/** An order fully shipped: on the day its last shipment left; split when more than one shipment carried it. */
async function orderShipped(tx: SqlRunner, orderId: string): Promise<void> {
  const d = dialectOf(tx);
  const rows = await tx.execute('SELECT s.shipped_at, o.channel_id, c.time_zone FROM shipment s JOIN orders o ON o.id = s.order_id JOIN channel c ON c.id = o.channel_id WHERE s.order_id = ? AND s.shipped_at IS NOT NULL', [orderId]);
  if (!rows.length) return;
  const last = Math.max(...rows.map((r: any) => d.readDate(r.shipped_at).getTime()));
  const day = localDay(last, zoneOf(rows[0]));
  await increment(tx, 'fulfillment_order_day', { channel_id: rows[0].channel_id, day }, { shipped_orders: 1, split_orders: rows.length > 1 ? 1 : 0 });
}

export const fulfillmentHandlers: Record<string, EventHandler> = {
  'shipment.shipped': rollupHandler(ROLLUP, (tx, e) => shipped(tx, field(e, 'shipmentId'))),
  'shipment.delivered': rollupHandler(ROLLUP, (tx, e) => delivered(tx, field(e, 'shipmentId'), e.at)),
  'order.placed': rollupHandler(ROLLUP, (tx, e) => placed(tx, field(e, 'orderId'))),
  'order.backordered': rollupHandler(ROLLUP, (tx, e) => backordered(tx, field(e, 'orderId'))),
  'order.shipped': rollupHandler(ROLLUP, (tx, e) => orderShipped(tx, field(e, 'orderId'))),
};
