// The orders of an export, newest first, as CSV chunks of up to BATCH rows: keyset pagination on the id
// (the `orders(filter)` list's order: ids are time-ordered, kernel/ids.ts), one statement per batch plus
// one for the batch's line counts, so memory holds one batch whatever the number of orders. The filter
// means what `orders(filter)` means (orders/order.service.ts `list`), with the channel scope resolved
// into channel ids when the link was made.
import { marks, type SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { currencyExponent } from '../kernel/money.js';
import type { OrderExportFilter } from './export-token.js';
import { decimal, header, raw, row, text } from './csv.js';

export const BATCH = 1000;
/** Beyond this many status × channel pairs, one statement with IN lists instead of one ordered scan each. */
const MAX_BRANCHES = 24;

export const ORDER_COLUMNS = [
  'number', 'placed_at', 'status', 'payment_status', 'channel', 'currency', 'email', 'shipping_country',
  'lines', 'units', 'subtotal', 'discounts', 'shipping', 'tax', 'total', 'total_minor_units', 'external_id',
] as const;

const SELECT = `SELECT o.id, o.number, o.placed_at, o.status, o.payment_status, o.channel_id, o.currency_code, o.email,
  o.ship_country_code, o.subtotal, o.discount_total, o.shipping_total, o.tax_total, o.total, o.external_id FROM orders o`;


/**
 * The batch statement after `cursor` (the last id written). Several statuses or channels: one branch per
 * pair, each an ordered index scan of at most BATCH rows (the indexes on (status, id) and
 * (channel, status, id)), merged by a UNION ALL under the outer ORDER BY — as `list` merges its branches:
 * an IN list would make PostgreSQL sort every matching row below the cursor for each batch.
 */
export function orderBatchSql(f: OrderExportFilter, cursor: string | null, date: (ms: number) => unknown): { sql: string; params: unknown[] } {
  const common: string[] = [];
  const params: unknown[] = [];
  if (f.email) { common.push('o.email = ?'); params.push(f.email); }
  if (f.externalId) { common.push('o.external_id = ?'); params.push(f.externalId); }
  if (f.placedAfter !== undefined) { common.push('o.placed_at >= ?'); params.push(date(f.placedAfter)); }
  if (f.placedBefore !== undefined) { common.push('o.placed_at < ?'); params.push(date(f.placedBefore)); }
  for (const tag of f.tags ?? []) { common.push('o.id IN (SELECT t.order_id FROM order_tag t WHERE t.tag = ?)'); params.push(tag); }
  if (cursor) { common.push('o.id < ?'); params.push(cursor); }
  const statuses = f.statuses?.length ? [...new Set(f.statuses)] : null;
  const channels = f.channelIds ? [...new Set(f.channelIds)] : null;
  if (channels && !channels.length) common.push('1 = 0');
  const pairs = (statuses ?? [null]).length * (channels?.length || 1);
  if (pairs > 1 && pairs <= MAX_BRANCHES && !(channels && !channels.length)) {
    const parts: string[] = [];
    const all: unknown[] = [];
    for (const status of statuses ?? [null]) {
      for (const channel of channels ?? [null]) {
        const own = [...(status ? ['o.status = ?'] : []), ...(channel ? ['o.channel_id = ?'] : [])];
        parts.push(`SELECT * FROM (${SELECT} WHERE ${[...own, ...common].join(' AND ') || '1 = 1'} ORDER BY o.id DESC LIMIT ${BATCH}) b${parts.length}`);
        all.push(...(status ? [status] : []), ...(channel ? [channel] : []), ...params);
      }
    }
    return { sql: `${parts.join(' UNION ALL ')} ORDER BY id DESC LIMIT ${BATCH}`, params: all };
  }
  const where = [...common];
  const front: unknown[] = [];
  if (statuses) { where.unshift(`o.status IN (${marks(statuses.length)})`); front.push(...statuses); }
  if (channels?.length) { where.unshift(`o.channel_id IN (${marks(channels.length)})`); front.unshift(...channels); }
  return { sql: `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY o.id DESC LIMIT ${BATCH}`, params: [...front, ...params] };
}

/**
 * One batch as CSV text and the last id in it; null when there is none. A function of its own so that
 * the batch's rows die when it returns: held by the generator's frame across the next batch's read, they
 * would live through young-generation collections and be promoted, to be freed only by a full one.
 */
async function orderBatch(db: SqlRunner, f: OrderExportFilter, cursor: string | null, channelCodes: Map<string, string>): Promise<{ csv: string; last: string; full: boolean } | null> {
  const dialect = dialectOf(db);
  const { sql, params } = orderBatchSql(f, cursor, (ms) => dialect.date(new Date(ms)));
  const orders: any[] = await db.execute(sql, params);
  if (!orders.length) return null;
  const counts = new Map<string, { n: number; units: number }>(
    (await db.execute(
      `SELECT order_id, COUNT(*) AS n, COALESCE(SUM(quantity), 0) AS units FROM order_line WHERE order_id IN (${marks(orders.length)}) GROUP BY order_id`,
      orders.map((o) => o.id),
    )).map((r: any) => [r.order_id, { n: Number(r.n), units: Number(r.units) }]),
  );
  let csv = '';
  for (const o of orders) {
    const exp = currencyExponent(o.currency_code);
    const c = counts.get(o.id);
    csv += row([
      text(o.number), raw(dialect.readDate(o.placed_at).toISOString()), raw(o.status), raw(o.payment_status),
      text(channelCodes.get(o.channel_id) ?? ''), raw(o.currency_code), text(o.email), text(o.ship_country_code),
      raw(c?.n ?? 0), raw(c?.units ?? 0),
      raw(decimal(o.subtotal, exp)), raw(decimal(o.discount_total, exp)), raw(decimal(o.shipping_total, exp)),
      raw(decimal(o.tax_total, exp)), raw(decimal(o.total, exp)), raw(String(o.total)), text(o.external_id),
    ]);
  }
  return { csv, last: orders[orders.length - 1].id, full: orders.length === BATCH };
}

/** CSV text: the header, then one chunk per batch until the filter's orders are all written. */
export async function* orderCsv(db: SqlRunner, f: OrderExportFilter): AsyncGenerator<string> {
  const channelCodes = new Map<string, string>(
    (await db.execute('SELECT id, code FROM channel')).map((c: { id: string; code: string }) => [c.id, c.code]),
  );
  yield header(ORDER_COLUMNS);
  let cursor: string | null = null;
  for (;;) {
    const batch = await orderBatch(db, f, cursor, channelCodes);
    if (!batch) return;
    const { csv, last, full } = batch;
    yield csv;
    if (!full) return;
    cursor = last;
  }
}
