// The customer rollups' handler (customer-rollup.entity.ts): every event that can change what an order
// counts for its customer (placed, cancelled, units cancelled, edited, a return refunded) makes the
// order's row in customer_order_rollup agree with the order's rows now, adding the difference to
// customer_day and customer_month, and moving the customer's points (customer-points.ts) when their
// orders or first day changed. The customer's rows are locked first (PostgreSQL), so two events of one
// customer change their points one after the other, and two events of one order add it once.
import { readAll, write, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import type { EventHandler } from '../kernel/module.js';
import { localDay } from './local-day.js';
import { zoneOf, field, increment, rollupHandler } from './operations-sql.js';
import { customerKey } from './customer-key.js';
import { ALL_CHANNELS, applyPoints, buyerDays, buyerDaysStatement, pointsOf, withOrders, type BuyerDays } from './customer-points.js';

const ROLLUP = 'customers';

/** What an order counts for its customer: 1 order unless cancelled, and its total less what its returns refunded. */
export function orderCounts(status: string, total: number, refunded: number): { orders: number; net: number } {
  return status === 'CANCELLED' ? { orders: 0, net: 0 } : { orders: 1, net: total - refunded };
}

export const REFUNDED_BY_RETURNS = 'SELECT order_id, SUM(COALESCE(refunded_amount, 0)) AS refunded FROM return_request';

/**
 * Records the customer's first order in a scope (a channel, or '*' for all), keeping the earliest day: the
 * row is rewritten only when this day is earlier (most orders are not a customer's first, and write nothing).
 */
const firstOrderStatement = (scope: string, key: string, day: string, customerId: string | null, email: string): Statement => ({
  sql: `INSERT INTO customer_first_order (channel_id, customer_key, first_day, customer_id, email) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, customer_key) DO UPDATE SET first_day = excluded.first_day WHERE excluded.first_day < customer_first_order.first_day`,
  params: [scope, key, day, customerId, email],
});

/** The statement of the customer's first days: over all channels, and in the order's channel (`firstDaysOf` reads it). */
const firstDaysStatement = (channelId: string, key: string): Statement => ({
  sql: `SELECT channel_id, first_day FROM customer_first_order WHERE customer_key = ? AND channel_id IN ('${ALL_CHANNELS}', ?)`,
  params: [key, channelId],
});

/** The first days before this order (null where there was none). */
function firstDaysOf(rows: any[], channelId: string): { all: string | null; channel: string | null } {
  const of = (c: string) => (rows.find((r: any) => r.channel_id === c)?.first_day as string | undefined) ?? null;
  return { all: of(ALL_CHANNELS), channel: of(channelId) };
}

const earliest = (a: string | null, b: string) => (a && a < b ? a : b);

/** The order as its customer's rows count it (read with the batch's other counts: operations-sql.ts). */
const orderRead = (orderId: string): Statement => ({
  sql: `SELECT o.channel_id, o.customer_id, o.email, o.placed_at, o.currency_code, o.status, o.total, c.time_zone,
    (SELECT SUM(COALESCE(refunded_amount, 0)) FROM return_request r WHERE r.order_id = o.id) AS refunded FROM orders o JOIN channel c ON c.id = o.channel_id WHERE o.id = ?`,
  params: [orderId],
});

/** Makes the order's customer rows agree with `o` (the order as `orderRead` found it). */
async function syncOrder(tx: SqlRunner, orderId: string, o: any): Promise<void> {
  const d = dialectOf(tx);
  if (!o) return;
  const now = orderCounts(o.status, Number(o.total), Number(o.refunded ?? 0));
  const day = localDay(d.readDate(o.placed_at), zoneOf(o));
  const key = customerKey(o.customer_id, o.email);
  // The customer's row over all channels first, then the channel's: every change of one customer takes
  // them in this order (PostgreSQL row locks), so their points are read and rewritten by one job at a time.
  await write(tx,
    `INSERT INTO customer_first_order (channel_id, customer_key, first_day, customer_id, email) VALUES ('${ALL_CHANNELS}', ?, ?, ?, ?)
     ON CONFLICT (channel_id, customer_key) DO UPDATE SET first_day = customer_first_order.first_day`, [key, day, o.customer_id ?? null, o.email]);
  // In one round trip (on a session), each statement seeing those before it: the first days before this
  // order; the first-order rows lowered to this order's day where it is earlier (an upsert that keeps the
  // earliest day: a statement whatever the days, so that it needs no answer first); what the order counted
  // so far, its row locked (an upsert that changes nothing locks it, and answers it); and the customer's
  // buyer days before this change, which the points need (read whether or not they change: a statement
  // is cheaper than a round trip of its own).
  const [firstRows, , , [had], dayRows] = await readAll(tx, [
    firstDaysStatement(o.channel_id, key),
    ...[ALL_CHANNELS, o.channel_id].map((scope) => firstOrderStatement(scope, key, day, o.customer_id ?? null, o.email)),
    {
      sql: `INSERT INTO customer_order_rollup (order_id, channel_id, customer_key, day, currency_code, orders, net_sales) VALUES (?, ?, ?, ?, ?, 0, 0)
       ON CONFLICT (order_id) DO UPDATE SET order_id = excluded.order_id RETURNING orders, net_sales`,
      params: [orderId, o.channel_id, key, day, o.currency_code],
    },
    buyerDaysStatement(key),
  ]);
  const firsts = firstDaysOf(firstRows, o.channel_id);
  const dOrders = now.orders - Number(had.orders);
  const dNet = now.net - Number(had.net_sales);
  const lowered = earliest(firsts.all, day) !== firsts.all || earliest(firsts.channel, day) !== firsts.channel;
  if (dOrders || lowered) await movePoints(tx, o.channel_id, day, dOrders, firsts, buyerDays(dayRows, o.channel_id));
  if (!dOrders && !dNet) return;
  await increment(tx, 'customer_day', { channel_id: o.channel_id, customer_key: key, day, currency_code: o.currency_code }, { orders: dOrders, net_sales: dNet });
  // The channel's month row and the all-channel one, in one statement.
  const month = day.slice(0, 7);
  await write(tx, `INSERT INTO customer_month (scope_id, customer_key, month, currency_code, orders, net_sales) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)
    ON CONFLICT (scope_id, customer_key, month, currency_code) DO UPDATE SET orders = customer_month.orders + excluded.orders, net_sales = customer_month.net_sales + excluded.net_sales`,
  [o.channel_id, key, month, o.currency_code, dOrders, dNet, ALL_CHANNELS, key, month, o.currency_code, dOrders, dNet]);
  await write(tx, 'UPDATE customer_order_rollup SET orders = ?, net_sales = ? WHERE order_id = ?', [now.orders, now.net, orderId]);
}

/** The customer's points (customer-points.ts) in the channel and over all channels, before and after `dOrders` on `day`. */
async function movePoints(tx: SqlRunner, channelId: string, day: string, dOrders: number, firsts: { all: string | null; channel: string | null }, days: BuyerDays): Promise<void> {
  await applyPoints(tx, [
    { scope: channelId, before: pointsOf(days.channel, firsts.channel), now: pointsOf(withOrders(days.channel, day, dOrders), earliest(firsts.channel, day)) },
    { scope: ALL_CHANNELS, before: pointsOf(days.all, firsts.all), now: pointsOf(withOrders(days.all, day, dOrders), earliest(firsts.all, day)) },
  ]);
}

const sync = rollupHandler(ROLLUP, (e) => {
  const orderId = field(e, 'orderId');
  return { reads: [orderRead(orderId)], apply: (tx, [[o]]) => syncOrder(tx, orderId, o) };
});

export const customerHandlers: Record<string, EventHandler> = {
  'order.placed': sync,
  'order.cancelled': sync,
  'order.lines_cancelled': sync,
  'order.edited': sync,
  'return.refunded': sync,
  'return.completed': sync,
};
