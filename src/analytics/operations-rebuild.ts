// Recounts the fulfillment, returns and customer rollups from the raw rows (shipments, their lines, orders,
// order history, returns): after a restore, a bulk load that wrote no outbox events, or a change of a
// channel's time zone. The same rules as the event handlers (the same day, bucket, refund share and order
// counts), so it finds what they would have. One transaction per channel; run it when the channel is
// quiet: an event recorded before the rebuild and handled after it would be counted twice by the
// increment rollups (fulfillment, returns); the customer rollup sets each order to what it counts and
// cannot double count.
import type { EntityManager } from '@mikro-orm/core';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { insertSql } from '../kernel/db/sql-runner.js';
import { localDay } from './local-day.js';
import { leadBucket } from './fulfillment-lead-buckets.js';
import { shareRefund } from './returns-refund-share.js';
import { lineWorth, RETURN_LINES, type ReturnLineRow } from './returns-rollup.js';
import { orderCounts, REFUNDED_BY_RETURNS } from './customer-rollup.js';
import { customerKey } from './customer-key.js';
import { rebuildCustomerScopes } from './customer-points-rebuild.js';

/** One channel (its id) or all; only the local days from the one holding `from` on. */
interface RebuildScope { channelId?: string | null; from?: Date | null }

const PAGE = 1_000;
const BATCH = 500;
const FIRST_COLUMNS = ['channel_id', 'customer_key', 'first_day', 'customer_id', 'email'];
const MARK_COLUMNS = ['subject_id', 'mark'];
const ORDER_COLUMNS = ['order_id', 'channel_id', 'customer_key', 'day', 'currency_code', 'orders', 'net_sales'];

/** Sums per key (the key's parts as JSON), each a row of counters. */
class Sums {
  readonly rows = new Map<string, number[]>();
  constructor(readonly table: string, readonly keys: string[], readonly counters: string[]) {}
  add(key: unknown[], values: number[]): void {
    const k = JSON.stringify(key);
    const sum = this.rows.get(k) ?? this.rows.set(k, new Array(this.counters.length).fill(0)).get(k)!;
    values.forEach((v, i) => (sum[i] += v));
  }
  async write(tx: Em): Promise<void> {
    await insertAll(tx, this.table, [...this.keys, ...this.counters], [...this.rows].map(([k, v]) => [...JSON.parse(k), ...v]));
  }
}

async function insertAll(tx: Em, table: string, columns: string[], rows: unknown[][], tail = ''): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const part = rows.slice(i, i + BATCH);
    await tx.execute(`${insertSql(table, columns, part.length)}${tail}`, part.flat(), 'run');
  }
}

/** Rows of `sql` page by page, in the order of `key` (a unique column, selected as `k`). */
async function* pages(tx: Em, sql: string, params: unknown[], key: string): AsyncGenerator<any[]> {
  let after = '';
  for (;;) {
    const rows = await tx.execute(`${sql} AND ${key} > ? ORDER BY ${key} LIMIT ${PAGE}`, [...params, after]);
    if (!rows.length) return;
    yield rows;
    after = rows[rows.length - 1].k;
  }
}

/** Rebuilds the operations rollups in scope; answers how many orders it read. */
export async function rebuildOperationsRollups(em: EntityManager, scope: RebuildScope = {}): Promise<number> {
  const db = em as unknown as Em;
  const channels: { id: string; time_zone: string | null }[] = scope.channelId
    ? await db.execute('SELECT id, time_zone FROM channel WHERE id = ?', [scope.channelId])
    : await db.execute('SELECT id, time_zone FROM channel ORDER BY id');
  let counted = 0;
  for (const c of channels) {
    await (em.fork() as unknown as Em).transactional(async (tx) => {
      counted += await rebuildChannel(tx, c.id, c.time_zone || 'UTC', scope.from ?? null);
    });
  }
  // The customer report's month rows and points follow from the day rows just written.
  await (em.fork() as unknown as Em).transactional((tx) => rebuildCustomerScopes(tx, channels.map((c) => c.id)));
  return counted;
}

async function rebuildChannel(tx: Em, channelId: string, zone: string, from: Date | null): Promise<number> {
  const d = dialectOf(tx);
  const day = (raw: unknown) => localDay(d.readDate(raw as string), zone);
  const fromDay = from ? localDay(from, zone) : '';
  const inScope = (x: string) => x >= fromDay;
  const since = fromDay ? ' AND day >= ?' : '';
  const params = fromDay ? [channelId, fromDay] : [channelId];
  for (const t of ['fulfillment_day', 'fulfillment_lead', 'fulfillment_order_day', 'returns_sku_day', 'returns_shipped_day', 'customer_day', 'customer_order_rollup']) {
    await tx.execute(`DELETE FROM ${t} WHERE channel_id = ?${since}`, params, 'run');
  }
  await tx.execute('DELETE FROM customer_first_order WHERE channel_id = ?', [channelId], 'run');

  const fDay = new Sums('fulfillment_day', ['channel_id', 'location_id', 'day'], ['shipments', 'delivered', 'delivered_promised', 'delivered_on_time']);
  const fLead = new Sums('fulfillment_lead', ['channel_id', 'location_id', 'day', 'bucket'], ['shipments']);
  const fOrders = new Sums('fulfillment_order_day', ['channel_id', 'day'], ['orders_placed', 'backordered_orders', 'shipped_orders', 'split_orders']);
  const rSku = new Sums('returns_sku_day', ['channel_id', 'day', 'sku', 'reason', 'currency_code'], ['returned_units', 'restocked_units', 'refunds']);
  const rShipped = new Sums('returns_shipped_day', ['channel_id', 'day', 'sku'], ['units']);
  const cDay = new Sums('customer_day', ['channel_id', 'customer_key', 'day', 'currency_code'], ['orders', 'net_sales']);
  const firsts = new Map<string, { day: string; customerId: string | null; email: string }>();
  // Everything counted gets its mark, so that a replayed event adds nothing (operations_mark); written as it goes.
  const marks: [string, string][] = [];
  const flushMarks = async (all = false) => {
    if (marks.length < PAGE && !(all && marks.length)) return;
    await insertAll(tx, 'operations_mark', MARK_COLUMNS, marks.splice(0), ' ON CONFLICT (subject_id, mark) DO NOTHING');
  };

  // Shipments: handed over (their day, lead time), delivered (their day, promise kept or not).
  for await (const rows of pages(tx, `SELECT s.id AS k, s.location_id, s.status, s.shipped_at, s.delivered_at, s.status_changed_at, o.placed_at, o.promised_delivery_at
      FROM shipment s JOIN orders o ON o.id = s.order_id WHERE o.channel_id = ?`, [channelId], 's.id')) {
    for (const s of rows) {
      if (s.shipped_at != null) {
        marks.push([s.k, 'SHIPPED'], [s.k, 'SHIPPED_UNITS']);
        const at = d.readDate(s.shipped_at);
        const x = localDay(at, zone);
        if (inScope(x)) {
          fDay.add([channelId, s.location_id, x], [1, 0, 0, 0]);
          fLead.add([channelId, s.location_id, x, leadBucket(at.getTime() - d.readDate(s.placed_at).getTime())], [1]);
        }
      }
      if (s.status === 'DELIVERED') {
        const at = d.readDate(s.delivered_at ?? s.status_changed_at);
        const promised = s.promised_delivery_at != null ? d.readDate(s.promised_delivery_at) : null;
        const x = localDay(at, zone);
        if (inScope(x)) fDay.add([channelId, s.location_id, x], [0, 1, promised ? 1 : 0, promised && at.getTime() <= promised.getTime() ? 1 : 0]);
      }
    }
    await flushMarks();
  }
  for await (const rows of pages(tx, `SELECT sl.id AS k, ol.sku, sl.quantity, s.shipped_at FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id
      JOIN order_line ol ON ol.id = sl.order_line_id JOIN orders o ON o.id = s.order_id WHERE o.channel_id = ? AND s.shipped_at IS NOT NULL`, [channelId], 'sl.id')) {
    for (const r of rows) if (inScope(day(r.shipped_at))) rShipped.add([channelId, day(r.shipped_at), r.sku], [Number(r.quantity)]);
  }

  // Orders: placed, backordered once, fully shipped (split or not), and what each counts for its customer.
  let counted = 0;
  for await (const rows of pages(tx, `SELECT o.id AS k, o.placed_at, o.status, o.total, o.customer_id, o.email, o.currency_code,
      (SELECT COUNT(*) FROM order_history_entry h WHERE h.order_id = o.id AND h.to_status = 'BACKORDERED') AS backordered
      FROM orders o WHERE o.channel_id = ?`, [channelId], 'o.id')) {
    const ids = rows.map((o) => o.k as string);
    const slots = ids.map(() => '?').join(', ');
    const refunded = new Map<string, number>((await tx.execute(`${REFUNDED_BY_RETURNS} WHERE order_id IN (${slots}) GROUP BY order_id`, ids)).map((r: any) => [r.order_id, Number(r.refunded)]));
    const shipped = new Map<string, { n: number; last: number }>();
    for (const s of await tx.execute(`SELECT order_id, shipped_at FROM shipment WHERE order_id IN (${slots}) AND shipped_at IS NOT NULL`, ids)) {
      const e = shipped.get(s.order_id) ?? { n: 0, last: 0 };
      shipped.set(s.order_id, { n: e.n + 1, last: Math.max(e.last, d.readDate(s.shipped_at).getTime()) });
    }
    const orderRows: unknown[][] = [];
    for (const o of rows) {
      counted++;
      const placed = day(o.placed_at);
      const key = customerKey(o.customer_id, o.email);
      const f = firsts.get(key);
      if (!f || placed < f.day) firsts.set(key, { day: placed, customerId: o.customer_id ?? null, email: o.email });
      if (Number(o.backordered) > 0) marks.push([o.k, 'BACKORDERED']);
      const s = shipped.get(o.k);
      if (s && (o.status === 'SHIPPED' || o.status === 'DELIVERED')) {
        const x = localDay(s.last, zone);
        if (inScope(x)) fOrders.add([channelId, x], [0, 0, 1, s.n > 1 ? 1 : 0]);
      }
      if (!inScope(placed)) continue;
      fOrders.add([channelId, placed], [1, Number(o.backordered) > 0 ? 1 : 0, 0, 0]);
      const c = orderCounts(o.status, Number(o.total), refunded.get(o.k) ?? 0);
      orderRows.push([o.k, channelId, key, placed, o.currency_code, c.orders, c.net]);
      if (c.orders || c.net) cDay.add([channelId, key, placed, o.currency_code], [c.orders, c.net]);
    }
    // One row per order: written page by page, not kept.
    await insertAll(tx, 'customer_order_rollup', ORDER_COLUMNS, orderRows);
    await flushMarks();
  }

  // Returns received (units, restocked) and refunded (shared among their received lines), on the day requested.
  for await (const rows of pages(tx, `SELECT r.id AS k, r.created_at, r.status, r.refunded_amount, o.currency_code FROM return_request r JOIN orders o ON o.id = r.order_id
      WHERE r.channel_id = ? AND r.status IN ('RECEIVED', 'REFUNDED', 'COMPLETED')`, [channelId], 'r.id')) {
    const wanted = rows.filter((r) => inScope(day(r.created_at)));
    if (!wanted.length) continue;
    const linesOf = new Map<string, ReturnLineRow[]>();
    for (const l of (await tx.execute(`${RETURN_LINES} WHERE rl.return_request_id IN (${wanted.map(() => '?').join(', ')}) AND rl.quantity_received > 0`, wanted.map((r) => r.k))) as ReturnLineRow[]) {
      linesOf.set(l.return_request_id, [...(linesOf.get(l.return_request_id) ?? []), l]);
    }
    for (const r of wanted) {
      const x = day(r.created_at);
      const lines = linesOf.get(r.k) ?? [];
      const amount = r.status !== 'RECEIVED' ? Number(r.refunded_amount ?? 0) : 0;
      const parts = amount > 0 ? shareRefund(amount, lines.map((l) => ({ id: l.id, worth: lineWorth(l) }))) : new Map<string, number>();
      for (const l of lines) {
        const units = Number(l.quantity_received);
        rSku.add([channelId, x, l.sku, l.reason, r.currency_code], [units, l.disposition === 'RESTOCK' ? units : 0, parts.get(l.id) ?? 0]);
      }
    }
  }

  for (const s of [fDay, fLead, fOrders, rSku, rShipped, cDay]) await s.write(tx);
  await insertAll(tx, 'customer_first_order', FIRST_COLUMNS, [...firsts].map(([key, f]) => [channelId, key, f.day, f.customerId, f.email]));
  await flushMarks(true);
  return counted;
}
