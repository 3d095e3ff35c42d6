// Recounts what the customer report reads besides customer_day, from customer_day and the channels'
// customer_first_order rows, in SQL (both databases): each channel's and the all-channel ('*') month
// rows, points and first days. Run after operations-rebuild.ts rewrote the channels' day rows; the
// migration that added these tables ran the same statements once (points: customer-points.ts).
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { ALL_CHANNELS } from './customer-points.js';

/** customer_month of a scope: customer_day's rows of the channel (or all) summed per month. */
export const MONTHS_SQL = (where: string) => `INSERT INTO customer_month (scope_id, customer_key, month, currency_code, orders, net_sales)
  SELECT ?, customer_key, substr(day, 1, 7), currency_code, SUM(orders), SUM(net_sales) FROM customer_day WHERE ${where}
  GROUP BY customer_key, substr(day, 1, 7), currency_code`;

/**
 * customer_point of a scope (customer-points.ts's `pointsOf` in SQL): the buyer days expanded to one row
 * per order (a recursive CTE, as both databases have no common generate_series), the day of each one's
 * previous and second previous order (LAG), the customer's first day from the scope's first-order row.
 * Parameters: the `where` ones, the scope's first-order channel id, the scope id.
 */
export const POINTS_SQL = (where: string) => `WITH RECURSIVE d AS (
    SELECT customer_key, day, SUM(orders) AS n FROM customer_day WHERE ${where} GROUP BY customer_key, day HAVING SUM(orders) > 0),
  e (customer_key, day, i, n) AS (SELECT customer_key, day, 1, n FROM d UNION ALL SELECT customer_key, day, i + 1, n FROM e WHERE i < n),
  s AS (SELECT customer_key, day, LAG(day, 1) OVER w AS p, LAG(day, 2) OVER w AS q FROM e WINDOW w AS (PARTITION BY customer_key ORDER BY day, i)),
  t AS (SELECT s.day, s.p, COALESCE(s.q, '') AS q, CASE WHEN f.first_day < s.day THEN f.first_day ELSE s.day END AS f
    FROM s LEFT JOIN customer_first_order f ON f.channel_id = ? AND f.customer_key = s.customer_key)
  INSERT INTO customer_point (scope_id, kind, day, ref, n)
  SELECT ?, kind, day, ref, COUNT(*) FROM (
    SELECT CASE WHEN p IS NULL THEN 'F' ELSE 'P' END AS kind, day, COALESCE(p, f) AS ref FROM t
    UNION ALL SELECT CASE WHEN p IS NULL THEN 'FM' ELSE 'PM' END, day, substr(COALESCE(p, f), 1, 7) FROM t
    UNION ALL SELECT 'Q', day, q FROM t
    UNION ALL SELECT 'QM', day, substr(q, 1, 7) FROM t) x
  GROUP BY kind, day, ref`;

/** The all-channel first days: each customer's earliest over the channels. */
export const ALL_FIRSTS_SQL = `INSERT INTO customer_first_order (channel_id, customer_key, first_day, customer_id, email)
  SELECT '${ALL_CHANNELS}', customer_key, MIN(first_day), MAX(customer_id), MIN(email) FROM customer_first_order WHERE channel_id <> '${ALL_CHANNELS}' GROUP BY customer_key`;

/** Recounts the month rows and points of the channels given and of all channels, in the caller's transaction. */
export async function rebuildCustomerScopes(tx: SqlRunner, channelIds: string[]): Promise<void> {
  await tx.execute(`DELETE FROM customer_first_order WHERE channel_id = '${ALL_CHANNELS}'`, [], 'run');
  await tx.execute(ALL_FIRSTS_SQL, [], 'run');
  for (const scope of [...channelIds, ALL_CHANNELS]) {
    const all = scope === ALL_CHANNELS;
    const where = all ? '1 = 1' : 'channel_id = ?';
    const params = all ? [] : [scope];
    for (const table of ['customer_month', 'customer_point']) await tx.execute(`DELETE FROM ${table} WHERE scope_id = ?`, [scope], 'run');
    await tx.execute(MONTHS_SQL(where), [scope, ...params], 'run');
    await tx.execute(POINTS_SQL(where), [...params, scope, scope], 'run');
  }
}
