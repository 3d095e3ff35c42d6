// The fulfillment rollups' handlers (fulfillment-rollup.entity.ts): each reads the rows its event names
// and adds to the day of the channel it happened on, in the transaction that claims the event (the
// reads of a batch's counts in one round trip: operations-sql.ts).
import type { SqlRunner, Statement } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import type { EventHandler } from '../kernel/module.js';
import { localDay } from './local-day.js';
import { leadBucket } from './fulfillment-lead-buckets.js';
import { zoneOf, field, increment, markOnceIf, rollupHandler, type RollupCount } from './operations-sql.js';

const ROLLUP = 'fulfillment';

const SHIPMENT_SHIPPED = 'SELECT 1 FROM shipment WHERE id = ? AND shipped_at IS NOT NULL';

/** A shipment handed over (once, however often it is resumed to SHIPPED): one more shipment of its location on the day, its lead time in the histogram. */
const shipped = (shipmentId: string): RollupCount => ({
  reads: [
    { sql: `SELECT s.location_id, s.shipped_at, o.channel_id, o.placed_at, c.time_zone FROM shipment s JOIN orders o ON o.id = s.order_id JOIN channel c ON c.id = o.channel_id WHERE s.id = ?`, params: [shipmentId] },
    markOnceIf(shipmentId, 'SHIPPED', SHIPMENT_SHIPPED, [shipmentId]),
  ],
  apply: async (tx, [[row], marked]) => {
    if (!row?.shipped_at || !marked.length) return;
    const d = dialectOf(tx);
    const at = d.readDate(row.shipped_at);
    const day = localDay(at, zoneOf(row));
    const keys = { channel_id: row.channel_id, location_id: row.location_id, day };
    await increment(tx, 'fulfillment_day', keys, { shipments: 1 });
    await increment(tx, 'fulfillment_lead', { ...keys, bucket: leadBucket(at.getTime() - d.readDate(row.placed_at).getTime()) }, { shipments: 1 });
  },
});

/** A shipment delivered: on the delivery day, whether its order was promised a date and whether it made it. */
const delivered = (shipmentId: string, eventAt: Date): RollupCount => ({
  reads: [{
    sql: `SELECT s.location_id, s.delivered_at, s.status_changed_at, o.channel_id, o.promised_delivery_at, c.time_zone FROM shipment s JOIN orders o ON o.id = s.order_id
      JOIN channel c ON c.id = o.channel_id WHERE s.id = ?`,
    params: [shipmentId],
  }],
  apply: async (tx, [[row]]) => {
    if (!row) return;
    const d = dialectOf(tx);
    const at = row.delivered_at != null ? d.readDate(row.delivered_at) : row.status_changed_at != null ? d.readDate(row.status_changed_at) : new Date(eventAt);
    const promised = row.promised_delivery_at != null ? d.readDate(row.promised_delivery_at) : null;
    const day = localDay(at, zoneOf(row));
    await increment(tx, 'fulfillment_day', { channel_id: row.channel_id, location_id: row.location_id, day }, {
      delivered: 1, delivered_promised: promised ? 1 : 0, delivered_on_time: promised && at.getTime() <= promised.getTime() ? 1 : 0,
    });
  },
});

/** The order's channel and placement, to count it on the local day it was placed. */
const orderDayRead = (orderId: string): Statement =>
  ({ sql: 'SELECT o.channel_id, o.placed_at, c.time_zone FROM orders o JOIN channel c ON c.id = o.channel_id WHERE o.id = ?', params: [orderId] });

/** Adds `adds` to the day its order (`row`, `orderDayRead`'s) was placed. */
async function onOrderDay(tx: SqlRunner, row: any, adds: Record<string, number>): Promise<void> {
  if (!row) return;
  await increment(tx, 'fulfillment_order_day', { channel_id: row.channel_id, day: localDay(dialectOf(tx).readDate(row.placed_at), zoneOf(row)) }, adds);
}

const placed = (orderId: string): RollupCount => ({
  reads: [orderDayRead(orderId)],
  apply: (tx, [[row]]) => onOrderDay(tx, row, { orders_placed: 1 }),
});

/** An order BACKORDERED: counted once (the mark), on the day it was placed, however often it waits again. */
const backordered = (orderId: string): RollupCount => ({
  reads: [markOnceIf(orderId, 'BACKORDERED', 'SELECT 1', []), orderDayRead(orderId)],
  apply: async (tx, [marked, [row]]) => {
    if (marked.length) await onOrderDay(tx, row, { backordered_orders: 1 });
  },
});

/** An order fully shipped: on the day its last shipment left; split when more than one shipment carried it. */
const orderShipped = (orderId: string): RollupCount => ({
  reads: [{
    sql: 'SELECT s.shipped_at, o.channel_id, c.time_zone FROM shipment s JOIN orders o ON o.id = s.order_id JOIN channel c ON c.id = o.channel_id WHERE s.order_id = ? AND s.shipped_at IS NOT NULL',
    params: [orderId],
  }],
  apply: async (tx, [rows]) => {
    if (!rows.length) return;
    const d = dialectOf(tx);
    const last = Math.max(...rows.map((r: any) => d.readDate(r.shipped_at).getTime()));
    const day = localDay(last, zoneOf(rows[0]));
    await increment(tx, 'fulfillment_order_day', { channel_id: rows[0].channel_id, day }, { shipped_orders: 1, split_orders: rows.length > 1 ? 1 : 0 });
  },
});

export const fulfillmentHandlers: Record<string, EventHandler> = {
  'shipment.shipped': rollupHandler(ROLLUP, (e) => shipped(field(e, 'shipmentId'))),
  'shipment.delivered': rollupHandler(ROLLUP, (e) => delivered(field(e, 'shipmentId'), e.at)),
  'order.placed': rollupHandler(ROLLUP, (e) => placed(field(e, 'orderId'))),
  'order.backordered': rollupHandler(ROLLUP, (e) => backordered(field(e, 'orderId'))),
  'order.shipped': rollupHandler(ROLLUP, (e) => orderShipped(field(e, 'orderId'))),
};
