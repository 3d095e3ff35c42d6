// The customer rollups' handler (customer-rollup.entity.ts): every event that can change what an order
// counts for its customer (placed, cancelled, units cancelled, edited, a return refunded) makes the
// order's row in customer_order_rollup agree with the order's rows now, adding the difference to
// customer_day. The row is locked first (PostgreSQL), so two events of one order add it once.
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import type { EventHandler } from '../kernel/module.js';
import { localDay } from './local-day.js';
import { channelZone, field, increment, rollupHandler } from './operations-sql.js';
import { customerKey } from './customer-key.js';

const ROLLUP = 'customers';

/** What an order counts for its customer: 1 order unless cancelled, and its total less what its returns refunded. */
export function orderCounts(status: string, total: number, refunded: number): { orders: number; net: number } {
  return status === 'CANCELLED' ? { orders: 0, net: 0 } : { orders: 1, net: total - refunded };
}

export const REFUNDED_BY_RETURNS = 'SELECT order_id, SUM(COALESCE(refunded_amount, 0)) AS refunded FROM return_request';

/** Records the customer's first order in the channel, keeping the earliest day. */
export async function firstOrder(tx: Em, channelId: string, key: string, day: string, customerId: string | null, email: string): Promise<void> {
  await tx.execute(
    `INSERT INTO customer_first_order (channel_id, customer_key, first_day, customer_id, email) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, customer_key) DO UPDATE SET first_day = CASE WHEN excluded.first_day < customer_first_order.first_day THEN excluded.first_day ELSE customer_first_order.first_day END`,
    [channelId, key, day, customerId, email], 'run');
}

async function syncOrder(tx: Em, orderId: string): Promise<void> {
  const d = dialectOf(tx);
  const [o] = await tx.execute('SELECT channel_id, customer_id, email, placed_at, currency_code, status, total FROM orders WHERE id = ?', [orderId]);
  if (!o) return;
  const [r] = await tx.execute(`${REFUNDED_BY_RETURNS} WHERE order_id = ? GROUP BY order_id`, [orderId]);
  const now = orderCounts(o.status, Number(o.total), Number(r?.refunded ?? 0));
  const day = localDay(d.readDate(o.placed_at), await channelZone(tx, o.channel_id));
  const key = customerKey(o.customer_id, o.email);
  await firstOrder(tx, o.channel_id, key, day, o.customer_id ?? null, o.email);
  await tx.execute(
    `INSERT INTO customer_order_rollup (order_id, channel_id, customer_key, day, currency_code, orders, net_sales) VALUES (?, ?, ?, ?, ?, 0, 0) ON CONFLICT (order_id) DO NOTHING`,
    [orderId, o.channel_id, key, day, o.currency_code], 'run');
  await d.lockRows(tx, 'SELECT order_id FROM customer_order_rollup WHERE order_id = ?', [orderId]);
  const [had] = await tx.execute('SELECT orders, net_sales FROM customer_order_rollup WHERE order_id = ?', [orderId]);
  const dOrders = now.orders - Number(had.orders);
  const dNet = now.net - Number(had.net_sales);
  if (!dOrders && !dNet) return;
  await increment(tx, 'customer_day', { channel_id: o.channel_id, customer_key: key, day, currency_code: o.currency_code }, { orders: dOrders, net_sales: dNet });
  await tx.execute('UPDATE customer_order_rollup SET orders = ?, net_sales = ? WHERE order_id = ?', [now.orders, now.net, orderId], 'run');
}

const sync = rollupHandler(ROLLUP, (tx, e) => syncOrder(tx, field(e, 'orderId')));

export const customerHandlers: Record<string, EventHandler> = {
  'order.placed': sync,
  'order.cancelled': sync,
  'order.lines_cancelled': sync,
  'order.edited': sync,
  'return.refunded': sync,
  'return.completed': sync,
};
