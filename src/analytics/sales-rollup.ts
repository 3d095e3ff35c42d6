// Keeps the sales rollups current from the outbox: every event of an order that can change its figures
// (placed, cancelled, units cancelled, edited, refunded, a return received) recounts that order from its
// rows (`orderContribution`) and moves the day rows by the difference from what the order added before
// (`sales_order_rollup`). So a late, repeated or out-of-order event leaves the same sums, and the rebuild,
// which counts every order the same way, finds them too. The order's row in `sales_order_rollup` is locked
// first: two events of one order handled at once recount one after the other.
import type { Em } from '../kernel/db/orm.js';
import { marks, readAll, write, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import type { DomainEvent, JobContext } from '../kernel/module.js';
import { claimed, type RollupCount } from './operations-sql.js';
import { FIGURES, orderContribution, zeroFigures, type OrderContribution, type SkuFigures } from './sales-figures.js';

/** The events after which an order's sales figures may differ. */
export const SALES_EVENTS = ['order.placed', 'order.cancelled', 'order.lines_cancelled', 'order.edited', 'payment.refunded', 'return.received'] as const;

const n = (v: unknown) => Number(v ?? 0);

/** The statements that read the orders' rows (orders, lines, refund operations): `contributionsFrom` takes their answers. */
function contributionReads(orderIds: string[]): Statement[] {
  const ids = marks(orderIds.length);
  return [
    { sql: `SELECT o.id, o.channel_id, o.currency_code, o.status, o.placed_at, o.discounts, o.tax_total, o.shipping_total, c.time_zone
      FROM orders o JOIN channel c ON c.id = o.channel_id WHERE o.id IN (${ids})`, params: orderIds },
    { sql: `SELECT order_id, sku, quantity, line_total, tax_total, quantity_returned FROM order_line WHERE order_id IN (${ids}) ORDER BY id`, params: orderIds },
    { sql: `SELECT order_id, SUM(amount) AS amount FROM payment_operation
      WHERE order_id IN (${ids}) AND kind = 'REFUND' AND status = 'SUCCEEDED' GROUP BY order_id`, params: orderIds },
  ];
}

/** The orders' figures now, from their rows (orders, lines, refund operations), by order id. */
export async function loadContributions(db: SqlRunner, orderIds: string[]): Promise<Map<string, OrderContribution>> {
  if (!orderIds.length) return new Map();
  return contributionsFrom(db, await readAll(db, contributionReads(orderIds)));
}

function contributionsFrom(db: SqlRunner, [orders, lines, refunds]: any[][]): Map<string, OrderContribution> {
  const out = new Map<string, OrderContribution>();
  const d = dialectOf(db);
  const linesOf = new Map<string, any[]>();
  for (const l of lines) (linesOf.get(l.order_id) ?? linesOf.set(l.order_id, []).get(l.order_id)!).push(l);
  const refunded = new Map<string, number>(refunds.map((r) => [r.order_id, n(r.amount)]));
  for (const o of orders) {
    out.set(o.id, orderContribution(
      {
        channelId: o.channel_id, currency: o.currency_code, status: o.status, placedAt: d.readDate(o.placed_at), timeZone: o.time_zone || 'UTC',
        taxTotal: n(o.tax_total), shippingTotal: n(o.shipping_total), discounts: typeof o.discounts === 'string' ? JSON.parse(o.discounts) : o.discounts,
      },
      (linesOf.get(o.id) ?? []).map((l) => ({ sku: l.sku, quantity: n(l.quantity), lineTotal: n(l.line_total), taxTotal: n(l.tax_total), quantityReturned: n(l.quantity_returned) })),
      refunded.get(o.id) ?? 0,
    ));
  }
  return out;
}

const DAY_COLUMNS = ['channel_id', 'currency', 'day', ...FIGURES];
const SKU_COLUMNS = ['channel_id', 'currency', 'day', 'sku', 'units_sold', 'units_returned', 'net_sales'];
const ORDER_COLUMNS = ['order_id', 'channel_id', 'currency', 'day', ...FIGURES, 'skus'];

function upsert(table: string, columns: string[], keys: number, rows: unknown[][], add: boolean): [string, unknown[]] {
  const one = `(${marks(columns.length)})`;
  const rest = columns.slice(keys);
  const set = rest.map((c) => (add ? `${c} = ${table}.${c} + excluded.${c}` : `${c} = excluded.${c}`)).join(', ');
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.map(() => one).join(', ')} ON CONFLICT (${columns.slice(0, keys).join(', ')}) DO UPDATE SET ${set}`;
  return [sql, rows.flat()];
}

/** Adds the day rows (`add`: increments; else sets them: the rebuild's fresh rows). */
export async function writeDays(db: SqlRunner, rows: unknown[][], add: boolean): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await write(db, ...upsert('sales_day', DAY_COLUMNS, 3, rows.slice(i, i + 500), add));
}

export async function writeSkuDays(db: SqlRunner, rows: unknown[][], add: boolean): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await write(db, ...upsert('sku_day', SKU_COLUMNS, 4, rows.slice(i, i + 500), add));
}

export async function writeOrderRows(db: SqlRunner, rows: [string, OrderContribution][]): Promise<void> {
  const values = rows.map(([id, c]) => [id, c.channelId, c.currency, c.day, ...FIGURES.map((f) => c[f]), JSON.stringify(c.skus)]);
  for (let i = 0; i < values.length; i += 500) await write(db, ...upsert('sales_order_rollup', ORDER_COLUMNS, 1, values.slice(i, i + 500), false));
}

function stored(row: any): OrderContribution {
  const figures = zeroFigures();
  for (const f of FIGURES) figures[f] = n(row[f]);
  return { channelId: row.channel_id, currency: row.currency, day: row.day, ...figures, skus: JSON.parse(row.skus || '{}') as SkuFigures };
}

/** Day and SKU-day increments that turn `before`'s part of the rollups into `after`'s. */
export function difference(before: OrderContribution | null, after: OrderContribution): { days: unknown[][]; skus: unknown[][] } {
  const days = new Map<string, number[]>();
  const skus = new Map<string, number[]>();
  const put = (c: OrderContribution, sign: number) => {
    const key = JSON.stringify([c.channelId, c.currency, c.day]);
    const d = days.get(key) ?? days.set(key, FIGURES.map(() => 0)).get(key)!;
    FIGURES.forEach((f, i) => (d[i] += sign * c[f]));
    for (const [sku, v] of Object.entries(c.skus)) {
      const k = JSON.stringify([c.channelId, c.currency, c.day, sku]);
      const s = skus.get(k) ?? skus.set(k, [0, 0, 0]).get(k)!;
      v.forEach((x, i) => (s[i] += sign * x));
    }
  };
  if (before && before.day) put(before, -1);
  put(after, 1);
  // Sorted keys: transactions touching the same rows lock them in the same order (no deadlock).
  const rows = (m: Map<string, number[]>) => [...m].filter(([, v]) => v.some((x) => x !== 0)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [...JSON.parse(k), ...v]);
  return { days: rows(days), skus: rows(skus) };
}

/**
 * Recounts one order in its count's transaction (`claimed`); the orders of a batch are recounted together
 * (`recountOrders`: `together`), and an order once however many of its events the batch holds (`once`).
 */
export const recountOrder = (orderId: string): RollupCount => ({
  ...recountOrders([orderId]),
  once: orderId,
  together: { kind: 'sales-order', id: orderId, count: recountOrders },
});

/**
 * Recounts orders (distinct, sorted: their rows are locked in that order). One statement creates each
 * order's row (empty) the first time, locks it (the no-op update) and answers what the order added so far:
 * an event of the same order handled at the same time by another worker waits there. The orders' rows are
 * read right after it, with the batch's other reads: they run once the locks are held. Then one statement
 * per table writes the differences, the rows of several orders that share a day or a SKU's day added up.
 */
const recountOrders = (orderIds: string[]): RollupCount => ({
  reads: [{ sql: `INSERT INTO sales_order_rollup (order_id, channel_id, currency, day, skus) VALUES ${orderIds.map(() => "(?, '', '', '', '{}')").join(', ')}
    ON CONFLICT (order_id) DO UPDATE SET order_id = excluded.order_id RETURNING *`, params: orderIds }, ...contributionReads(orderIds)],
  apply: async (tx, [rows, ...reads]) => {
    const now = contributionsFrom(tx, reads);
    const before = new Map<string, any>(rows.map((r: any) => [r.order_id, r]));
    const days: unknown[][] = [];
    const skus: unknown[][] = [];
    const recounted: [string, OrderContribution][] = [];
    for (const id of orderIds) {
      const c = now.get(id);
      if (!c) continue;
      const diff = difference(stored(before.get(id)), c);
      days.push(...diff.days);
      skus.push(...diff.skus);
      recounted.push([id, c]);
    }
    // Every transaction locks the rows it adds to in one order — SKU days (sorted), then days (sorted) —
    // so none waits in a circle; the day row, which every order of the day shares, last and briefly.
    await writeSkuDays(tx, summed(skus, 4), true);
    await writeOrderRows(tx, recounted);
    await writeDays(tx, summed(days, 3), true);
  },
});

/** Rows of increments (`keys` columns first) added up per key, sorted by key, rows of zeros left out. */
function summed(rows: unknown[][], keys: number): unknown[][] {
  const by = new Map<string, unknown[]>();
  for (const r of rows) {
    const k = JSON.stringify(r.slice(0, keys));
    const had = by.get(k);
    if (!had) by.set(k, [...r]);
    else for (let i = keys; i < r.length; i++) had[i] = (had[i] as number) + (r[i] as number);
  }
  return [...by].filter(([, r]) => r.slice(keys).some((x) => x !== 0)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
}

/** The event job: counts the event once (`claimEvent`) and recounts its order. */
export async function countSalesEvent(event: DomainEvent, ctx: JobContext): Promise<void> {
  const orderId = event.payload.orderId;
  if (typeof orderId !== 'string') return;
  await claimed(ctx.em as Em, event.id, 'sales', recountOrder(orderId));
}
