// The sales reports, read from the rollups only (sales_day, sku_day): a channel's range of local days is
// one index range of their primary keys, whatever the number of orders behind it.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { addDays, bucketOf } from './local-day.js';
import { daysOf, type ReportChannel } from './report-range.js';
import { derived, FIGURES, zeroFigures, type Figures } from './sales-figures.js';
import type { CurrencySales, ProductPerformance, SalesBucket, SalesFigures } from './sales-report.types.js';
import type { ReportGrouping } from './report-grouping.js';

const DAY = 86_400_000;

/** The first and last local day of the report over all its channels (their zones differ). */
function spanOf(channels: ReportChannel[]): [string, string] {
  return [channels.map((c) => c.fromDay).sort()[0], channels.map((c) => c.toDay).sort().at(-1)!];
}

const figuresOf = (currencyCode: string, f: Figures): SalesFigures => ({
  currencyCode, orders: f.orders, units: f.units, grossSales: f.gross, discounts: f.discounts, returns: f.returns,
  tax: f.tax, shipping: f.shipping, refunds: f.refunds, ...derived(f),
});

function addTo(sum: Figures, row: Record<string, unknown>): void {
  for (const f of FIGURES) sum[f] += Number(row[f] ?? 0);
}

/** salesReport: per currency, every bucket of the range and the totals. */
export async function salesReport(db: SqlRunner, channels: ReportChannel[], groupBy: ReportGrouping): Promise<CurrencySales[]> {
  if (!channels.length) return [];
  const { where: filter, params } = daysOf(channels);
  const rows: Record<string, any>[] = await db.execute(
    `SELECT currency, day, ${FIGURES.map((f) => `SUM(${f}) AS ${f}`).join(', ')} FROM sales_day WHERE ${filter} GROUP BY currency, day`, params);
  const [first, last] = spanOf(channels);
  const starts: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const b = bucketOf(day, groupBy);
    if (starts.at(-1) !== b) starts.push(b);
  }
  const byCurrency = new Map<string, Map<string, Figures>>();
  for (const r of rows) {
    const buckets = byCurrency.get(r.currency) ?? byCurrency.set(r.currency, new Map(starts.map((s) => [s, zeroFigures()]))).get(r.currency)!;
    addTo(buckets.get(bucketOf(r.day, groupBy))!, r);
  }
  return [...byCurrency].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currencyCode, buckets]) => {
    const total = zeroFigures();
    for (const f of buckets.values()) addTo(total, f);
    return {
      currencyCode,
      buckets: starts.map((start): SalesBucket => ({ start, ...figuresOf(currencyCode, buckets.get(start)!) })),
      totals: figuresOf(currencyCode, total),
    };
  });
}

/** productPerformance: the best-selling SKUs by net sales (per currency), with returns and stock cover. */
export async function productPerformance(db: SqlRunner, channels: ReportChannel[], first: number): Promise<ProductPerformance[]> {
  if (!channels.length) return [];
  const { where: filter, params } = daysOf(channels);
  const rows: Record<string, any>[] = await db.execute(
    `SELECT currency, sku, SUM(units_sold) AS sold, SUM(units_returned) AS returned, SUM(net_sales) AS net FROM sku_day WHERE ${filter}
     GROUP BY currency, sku HAVING SUM(units_sold) <> 0 OR SUM(net_sales) <> 0 ORDER BY SUM(net_sales) DESC, sku, currency LIMIT ${first}`, params);
  if (!rows.length) return [];
  const skus = [...new Set(rows.map((r) => r.sku as string))];
  const stock: { sku: string; available: unknown }[] = await db.execute(
    `SELECT v.sku, SUM(CASE WHEN sl.on_hand > sl.reserved THEN sl.on_hand - sl.reserved ELSE 0 END) AS available
     FROM stock_level sl JOIN product_variant v ON v.id = sl.variant_id WHERE v.sku IN (${skus.map(() => '?').join(', ')}) GROUP BY v.sku`, skus);
  const available = new Map(stock.map((s) => [s.sku, Number(s.available ?? 0)]));
  const [firstDay, lastDay] = spanOf(channels);
  const days = Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / DAY) + 1;
  return rows.map((r) => {
    const sold = Number(r.sold);
    const returned = Number(r.returned);
    const onHand = available.get(r.sku) ?? 0;
    return {
      sku: r.sku, currencyCode: r.currency, unitsSold: sold, unitsReturned: returned, netSales: Number(r.net),
      returnRate: sold > 0 ? Math.round((returned / sold) * 10_000) / 10_000 : null,
      available: onHand,
      daysOfCover: sold > 0 ? Math.round((onHand / (sold / days)) * 10) / 10 : null,
    };
  });
}
