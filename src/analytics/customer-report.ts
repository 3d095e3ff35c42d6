// customerReport from the rollups, in one statement (one pass over the period's customer_day rows): the
// customers who ordered in the period, which of them ordered before it (their first order's day in a
// channel read, before the period's first day there), and the top customers per currency by net sales.
import type { Em } from '../kernel/db/orm.js';
import { daysOf, rate, type ReportChannel } from './report-range.js';
import type { CustomerReport, TopCustomer } from './operations-types.js';

export async function customerReport(em: Em, channels: ReportChannel[], from: Date, to: Date, first: number): Promise<CustomerReport> {
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
  const top = rows.filter((r: any) => r.kind === 'top');
  const customers = Number(counts?.customers ?? 0);
  const returning = Number(counts?.returners ?? 0);
  const repeaters = Number(counts?.repeaters ?? 0);

  const keys = [...new Set(top.map((r: any) => r.customer_key as string))];
  const who = new Map<string, { customer_id: string | null; email: string }>(keys.length
    ? (await em.execute(`SELECT customer_key, MAX(customer_id) AS customer_id, MIN(email) AS email FROM customer_first_order WHERE customer_key IN (${keys.map(() => '?').join(', ')}) GROUP BY customer_key`, keys))
      .map((r: any) => [r.customer_key, r])
    : []);
  const topCustomers: TopCustomer[] = top.map((r: any) => {
    const w = who.get(r.customer_key);
    return { currencyCode: r.currency_code, customerId: w?.customer_id ?? null, email: w?.email ?? r.customer_key, orders: Number(r.orders), netSales: Number(r.net) };
  }).sort((a: TopCustomer, b: TopCustomer) => a.currencyCode.localeCompare(b.currencyCode) || b.netSales - a.netSales);
  return {
    from, to, customers, newCustomers: customers - returning, returningCustomers: returning, repeatCustomers: repeaters,
    repeatPurchaseRate: rate(repeaters, customers), topCustomers,
  };
}
