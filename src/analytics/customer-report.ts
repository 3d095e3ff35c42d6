// customerReport from the rollups: for one channel, or all channels on the same dates, the counts from the
// points (customer-points.ts) and the top customers from the month lists (customer-top.ts), which read a
// few thousand rows whatever the number of customers; for other sets of channels, by grouping the
// window's customer_day rows per customer (`groupedFigures`).
import type { Em } from '../kernel/db/orm.js';
import { daysOf, rate, type ReportChannel } from './report-range.js';
import { ALL_CHANNELS, pointCounts } from './customer-points.js';
import { topCustomersByMonths, type TopRow } from './customer-top.js';
import type { CustomerReport, TopCustomer } from './operations-types.js';

export async function customerReport(em: Em, channels: ReportChannel[], from: Date, to: Date, first: number): Promise<CustomerReport> {
  const scope = await pointScope(em, channels);
  const { customers, returning, repeaters, top } = scope
    ? { ...(await pointCounts(em, scope, channels[0].fromDay, channels[0].toDay)), top: await topCustomersByMonths(em, scope, channels, first) }
    : await groupedFigures(em, channels, first);

  const keys = [...new Set(top.map((r) => r.customer_key))];
  const who = new Map<string, { customer_id: string | null; email: string }>(keys.length
    ? (await em.execute(`SELECT customer_key, MAX(customer_id) AS customer_id, MIN(email) AS email FROM customer_first_order WHERE customer_key IN (${keys.map(() => '?').join(', ')}) GROUP BY customer_key`, keys))
      .map((r: any) => [r.customer_key, r])
    : []);
  const topCustomers: TopCustomer[] = top.map((r) => {
    const w = who.get(r.customer_key);
    return { currencyCode: r.currency_code, customerId: w?.customer_id ?? null, email: w?.email ?? r.customer_key, orders: Number(r.orders), netSales: Number(r.net) };
  }).sort((a: TopCustomer, b: TopCustomer) => a.currencyCode.localeCompare(b.currencyCode) || b.netSales - a.netSales);
  return {
    from, to, customers, newCustomers: customers - returning, returningCustomers: returning, repeatCustomers: repeaters,
    repeatPurchaseRate: rate(repeaters, customers), topCustomers,
  };
}

/**
 * The scope whose points and month rows answer for these channels: the channel when there is one; all
 * channels ('*') when the report reads every channel and their days are the same dates (one time zone,
 * or zones whose dates agree over the window). Otherwise null: the figures are grouped from the days.
 */
async function pointScope(em: Em, channels: ReportChannel[]): Promise<string | null> {
  if (channels.length === 1) return channels[0].id;
  if (!channels.length || channels.some((c) => c.fromDay !== channels[0].fromDay || c.toDay !== channels[0].toDay)) return null;
  const [all] = await em.execute('SELECT COUNT(*) AS n FROM channel');
  return Number(all.n) === channels.length ? ALL_CHANNELS : null;
}

/**
 * The figures by grouping the window's customer_day rows per customer, in one statement: the customers
 * who ordered in it, which of them ordered before it (their first order's day in a channel read, before
 * the window's first day there), and the top customers per currency by net sales. For a set of channels
 * the points do not hold (some of a scoped principal's channels, or channels whose dates differ).
 */
async function groupedFigures(em: Em, channels: ReportChannel[], first: number): Promise<{ customers: number; returning: number; repeaters: number; top: TopRow[] }> {
  const { where, params } = daysOf(channels, 'd');
  const earlier = channels.length ? channels.map(() => '(f.channel_id = ? AND f.first_day < ?)').join(' OR ') : '1 = 0';
  const rows = await em.execute(
    `WITH per AS (SELECT d.customer_key, d.currency_code, SUM(d.orders) AS orders, SUM(d.net_sales) AS net FROM customer_day d WHERE ${where} GROUP BY d.customer_key, d.currency_code),
     buyers AS (SELECT customer_key, SUM(orders) AS orders FROM per GROUP BY customer_key HAVING SUM(orders) > 0),
     ranked AS (SELECT customer_key, currency_code, orders, net, ROW_NUMBER() OVER (PARTITION BY currency_code ORDER BY net DESC, customer_key) AS place FROM per WHERE orders > 0)
     SELECT 'top' AS kind, customer_key, currency_code, orders, net, 0 AS customers, 0 AS repeaters, 0 AS returners FROM ranked WHERE place <= ?
     UNION ALL
     SELECT 'count', NULL, NULL, 0, 0, COUNT(*), SUM(CASE WHEN b.orders >= 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM customer_first_order f WHERE f.customer_key = b.customer_key AND (${earlier})) THEN 1 ELSE 0 END)
     FROM buyers b`,
    [...params, first, ...channels.flatMap((c) => [c.id, c.fromDay])]);
  const counts = rows.find((r: any) => r.kind === 'count');
  return {
    customers: Number(counts?.customers ?? 0),
    returning: Number(counts?.returners ?? 0),
    repeaters: Number(counts?.repeaters ?? 0),
    top: rows.filter((r: any) => r.kind === 'top').map((r: any) => ({ customer_key: r.customer_key, currency_code: r.currency_code, orders: Number(r.orders), net: Number(r.net) })),
  };
}
