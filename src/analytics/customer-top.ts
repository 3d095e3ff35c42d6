// The top customers of a window by net sales, per currency, without summing every customer of the window:
// the threshold algorithm over the scope's month lists (customer_month, sorted by net sales). The window's
// true sums are read for the customers seen in the lists' heads; anyone not seen has at most the sum of the
// lists' last values seen (a customer's window is part of their months, and net sales are never negative),
// so once the `first`-th best true sum is above that bound the answer is final; else the heads go deeper.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { daysOf, type ReportChannel } from './report-range.js';

export interface TopRow { customer_key: string; currency_code: string; orders: number; net: number }

const CHUNK = 500;

/** The months ('YYYY-MM') from a's to b's. */
export function monthsBetween(a: string, b: string): string[] {
  const out: string[] = [];
  for (let y = Number(a.slice(0, 4)), m = Number(a.slice(5, 7)); `${y}-${String(m).padStart(2, '0')}` <= b.slice(0, 7); m === 12 ? (y++, m = 1) : m++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
}

/** `first` customers per currency by net sales over the channels' days, for a scope whose months hold exactly those channels. */
export async function topCustomersByMonths(db: SqlRunner, scope: string, channels: ReportChannel[], first: number): Promise<TopRow[]> {
  const { where, params } = daysOf(channels);
  const currencies: string[] = (await db.execute(`SELECT DISTINCT currency FROM sales_day WHERE ${where}`, params)).map((r: any) => r.currency as string);
  const months = monthsBetween(channels[0].fromDay, channels[0].toDay);
  const open = new Map(currencies.sort().map((c) => [c, new Map<string, Sums>()]));
  const out: TopRow[] = [];
  // Every currency still open goes one step deeper per round: one statement for the lists' heads, one
  // (per 500 customers) for the window's true sums.
  for (let depth = Math.max(2 * first, 20); open.size; depth *= 2) {
    const pairs = [...open.keys()].flatMap((currency) => months.map((month) => [currency, month]));
    const heads: { currency_code: string; month: string; customer_key: string; net_sales: unknown }[] = await db.execute(pairs.map(() => `SELECT * FROM
        (SELECT currency_code, month, customer_key, net_sales FROM customer_month WHERE scope_id = ? AND currency_code = ? AND month = ? ORDER BY net_sales DESC LIMIT ${depth}) h`).join(' UNION ALL '),
      pairs.flatMap(([currency, month]) => [scope, currency, month]));
    const wanted: [string, string][] = [];
    const bounds = new Map<string, { bound: number; exhausted: boolean }>();
    for (const [currency, sums] of open) {
      // What a customer may have at most in each month: their value where seen; else the list's last
      // value seen, or nothing when the whole list was read.
      const mine = heads.filter((h) => h.currency_code === currency);
      const last = new Map<string, number>();
      let exhausted = true;
      for (const m of months) {
        const list = mine.filter((h) => h.month === m);
        if (list.length >= depth) exhausted = false;
        last.set(m, list.length < depth ? 0 : Math.max(0, Number(list[list.length - 1].net_sales)));
      }
      bounds.set(currency, { bound: [...last.values()].reduce((a, b) => a + b, 0), exhausted }); // anyone not seen
      const seen = new Map<string, Map<string, number>>();
      for (const h of mine) (seen.get(h.customer_key) ?? seen.set(h.customer_key, new Map()).get(h.customer_key)!).set(h.month, Math.max(0, Number(h.net_sales)));
      const ranked = rank(sums);
      const kth = ranked.length >= first ? ranked[first - 1][1].net : -1;
      for (const [key, by] of seen) {
        if (sums.has(key)) continue;
        if (months.reduce((a, m) => a + (by.get(m) ?? last.get(m)!), 0) >= kth) wanted.push([currency, key]);
      }
    }
    await windowSums(db, where, params, wanted, open);
    for (const [currency, sums] of open) {
      const ranked = rank(sums);
      const { bound, exhausted } = bounds.get(currency)!;
      if (exhausted || (ranked.length >= first && ranked[first - 1][1].net > bound)) {
        out.push(...ranked.slice(0, first).map(([customer_key, x]) => ({ customer_key, currency_code: currency, ...x })));
        open.delete(currency);
      }
    }
  }
  return out;
}

type Sums = { orders: number; net: number };

/** Customers who ordered, best net sales first (ties by key). */
function rank(sums: Map<string, Sums>): [string, Sums][] {
  return [...sums].filter(([, x]) => x.orders > 0).sort(([ka, a], [kb, b]) => b.net - a.net || (ka < kb ? -1 : ka > kb ? 1 : 0));
}

/** The window's orders and net sales of each (currency, customer) in `wanted`, into its currency's map (customer_day's primary key). */
async function windowSums(db: SqlRunner, where: string, params: string[], wanted: [string, string][], into: Map<string, Map<string, Sums>>): Promise<void> {
  for (const [currency, key] of wanted) into.get(currency)!.set(key, { orders: 0, net: 0 });
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = wanted.slice(i, i + CHUNK);
    const rows = await db.execute(`SELECT currency_code, customer_key, SUM(orders) AS orders, SUM(net_sales) AS net FROM customer_day
      WHERE ${where} AND customer_key IN (${part.map(() => '?').join(', ')}) GROUP BY currency_code, customer_key`, [...params, ...part.map(([, key]) => key)]);
    for (const r of rows as { currency_code: string; customer_key: string; orders: unknown; net: unknown }[]) {
      const sums = into.get(r.currency_code);
      if (sums?.has(r.customer_key)) sums.set(r.customer_key, { orders: Number(r.orders), net: Number(r.net) });
    }
  }
}
