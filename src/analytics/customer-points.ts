// The customer report's counts from points (customer_point in customer-rollup.entity.ts) instead of
// grouping every customer of the window: distinct customers over any window is a count of the window's
// points whose previous point lies before it. A customer's points are a function of their buyer days (the
// days of their orders not cancelled, from customer_day) and first day (customer_first_order), so a change
// subtracts the customer's old points and adds the new ones (`applyPoints`), and a rebuild recounts them.
import { insertSql, write, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';

/** Over all channels: the scope of the '*' rows (customer_point, customer_month, customer_first_order). */
export const ALL_CHANNELS = '*';

/** A customer's points in one scope: 'kind|day|key' → how many. */
export type Points = Map<string, number>;

/**
 * The points of one customer: `days` are their buyer days with the orders of each (sorted by day, each
 * n > 0), `firstDay` the day of their first order in the scope (cancelled ones count), never after the first
 * buyer day. Each point is written at two grains: the key's day and its month.
 */
export function pointsOf(days: [string, number][], firstDay: string | null): Points {
  const out: Points = new Map();
  const add = (kind: string, day: string, key: string) => {
    for (const [k, x] of [[kind, key], [`${kind}M`, key.slice(0, 7)]]) {
      const id = `${k}|${day}|${x}`;
      out.set(id, (out.get(id) ?? 0) + 1);
    }
  };
  const seen: string[] = [];
  for (const [day, n] of days) {
    for (let i = 0; i < n; i++) {
      const prev = seen[seen.length - 1];
      if (prev === undefined) add('F', day, firstDay && firstDay < day ? firstDay : day);
      else add('P', day, prev);
      add('Q', day, seen[seen.length - 2] ?? '');
      seen.push(day);
    }
  }
  return out;
}

/** Adds `now − before` of each scope to customer_point: one upsert for all the rows that changed. */
export async function applyPoints(tx: SqlRunner, changes: { scope: string; before: Points; now: Points }[]): Promise<void> {
  const rows: unknown[] = [];
  for (const { scope, before, now } of changes) {
    for (const id of new Set([...before.keys(), ...now.keys()])) {
      const delta = (now.get(id) ?? 0) - (before.get(id) ?? 0);
      if (delta) rows.push(scope, ...id.split('|'), delta);
    }
  }
  if (!rows.length) return;
  await write(tx, `${insertSql('customer_point', POINT_COLUMNS, rows.length / POINT_COLUMNS.length)}
    ON CONFLICT (scope_id, kind, day, ref) DO UPDATE SET n = customer_point.n + excluded.n`, rows);
}

const POINT_COLUMNS = ['scope_id', 'kind', 'day', 'ref', 'n'];

/** Buyer days as `pointsOf` takes them: the days with orders, by day. */
const buyerOrder = (days: [string, number][]): [string, number][] => days.filter(([, n]) => n > 0).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

/** `days` with `orders` more (or fewer) on `day`, still sorted, days left with none dropped. */
export function withOrders(days: [string, number][], day: string, orders: number): [string, number][] {
  const out = days.map(([d, n]): [string, number] => [d, d === day ? n + orders : n]);
  if (!days.some(([d]) => d === day)) out.push([day, orders]);
  return buyerOrder(out);
}

/** A customer's buyer days in a channel and over all channels (what `buyerDays` makes of the statement's rows). */
export interface BuyerDays {
  channel: [string, number][];
  all: [string, number][];
}

/**
 * The statement of one customer's buyer days, in one statement: customer_day's rows of the channels the
 * customer ordered in (customer_first_order's rows lead into its key). Sent with other statements of the
 * same round trip (readAll); `buyerDays` reads its rows.
 */
export const buyerDaysStatement = (customerKey: string): Statement => ({
  sql: `SELECT channel_id, day, SUM(orders) AS n FROM customer_day WHERE customer_key = ? AND channel_id IN
    (SELECT channel_id FROM customer_first_order WHERE customer_key = ? AND channel_id <> '${ALL_CHANNELS}') GROUP BY channel_id, day`,
  params: [customerKey, customerKey],
});

/** The buyer days in `channelId` and over all channels, from `buyerDaysStatement`'s rows. */
export function buyerDays(rows: { channel_id: string; day: string; n: unknown }[], channelId: string): BuyerDays {
  const all = new Map<string, number>();
  for (const r of rows) all.set(r.day, (all.get(r.day) ?? 0) + Number(r.n));
  return { channel: buyerOrder(rows.filter((r) => r.channel_id === channelId).map((r) => [r.day, Number(r.n)])), all: buyerOrder([...all]) };
}

export interface PointCounts { customers: number; returning: number; repeaters: number }

/**
 * The counts of a window [a, b] of local days in a scope, from its points: A = P points keyed before a
 * (a customer's first point in the window that had an earlier one), B = F points (a first point ever, so
 * first in the window too), C = F points keyed before a (their first order, cancelled, was earlier), D = Q
 * points keyed before a. customers = A + B, returning = A + C, and D − (A + B) those with two points in
 * the window (each customer adds 1 to D for their first two points in it, 1 to A + B for their first).
 * Month rows answer the keys before a's month, day rows the days of a's month before a.
 */
export async function pointCounts(db: SqlRunner, scope: string, a: string, b: string): Promise<PointCounts> {
  const month = a.slice(0, 7);
  const days = daysBetween(a, b);
  const rows = await db.execute(
    `SELECT kind, CASE WHEN ref < ? THEN 1 ELSE 0 END AS early, SUM(n) AS n FROM customer_point
       WHERE scope_id = ? AND kind IN ('PM', 'FM', 'QM') AND day >= ? AND day <= ? GROUP BY 1, 2
     UNION ALL
     SELECT kind, 1, SUM(n) FROM customer_point
       WHERE scope_id = ? AND kind IN ('P', 'F', 'Q') AND day IN (${days.map(() => '?').join(', ')}) AND ref >= ? AND ref < ? GROUP BY kind`,
    [month, scope, a, b, scope, ...days, `${month}-01`, a]);
  let A = 0; let B = 0; let C = 0; let D = 0;
  for (const r of rows) {
    const n = Number(r.n ?? 0);
    const early = Number(r.early) === 1;
    if (r.kind === 'P' || (r.kind === 'PM' && early)) A += n;
    if (r.kind === 'Q' || (r.kind === 'QM' && early)) D += n;
    if (r.kind === 'F' || (r.kind === 'FM' && early)) C += n;
    if (r.kind === 'FM') B += n;
  }
  return { customers: A + B, returning: A + C, repeaters: D - A - B };
}

/** The local days from a to b, both included ('YYYY-MM-DD'). */
export function daysBetween(a: string, b: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${a}T00:00:00Z`), end = Date.parse(`${b}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
