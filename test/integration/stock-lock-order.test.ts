// Multi-line orders under contention on PostgreSQL: orders for the same SKUs, their lines in opposite
// orders, placed at once. placeOrder reserves lines in a fixed order (by variant id), so two orders lock
// the stock rows in the same order and never deadlock: PostgreSQL's own deadlock counter for the
// database stays 0 (a retry inside placeOrder would hide a deadlock from the client, not from it). Every
// order is placed or refused INSUFFICIENT_STOCK, nothing is oversold, and what is reserved is what the
// placed orders hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { PG_ADMIN_URL } from '../helpers/services.js';
import { until } from '../helpers/until.js';

const SKUS = ['LOCK-A', 'LOCK-B', 'LOCK-C', 'LOCK-D'];
const STOCK = 25;
const ORDERS = 60;

describe('stock rows locked in a fixed order (PostgreSQL)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    // Workers off: only placeOrder's transactions (and the outbox relay) touch the database meanwhile.
    t = await startTestEngine('postgresql', { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, { variants: SKUS.map((sku) => ({ sku, price: 1000, stock: { 'wh-a': STOCK } })) });
  });
  afterAll(async () => t?.stop());

  it(`${ORDERS} orders at once for the same SKUs in opposite line orders: no deadlock, no oversell`, async () => {
    // Forward, reversed, and rotated line orders: any two of them take the rows in different orders.
    const lineOrders = SKUS.map((_, k) => [...SKUS.slice(k), ...SKUS.slice(0, k)]).flatMap((o) => [o, [...o].reverse()]);
    const results = await Promise.all(Array.from({ length: ORDERS }, (_, i) =>
      t.gql(PLACE_ORDER, { input: orderInput(lineOrders[i % lineOrders.length].map((sku) => ({ sku, quantity: 1 })), { email: `lock-${i}@example.com` }) })));
    const placed = results.filter((r) => !r.errors);
    const codes = results.filter((r) => r.errors).map(codeOf);
    expect(codes.filter((c) => c !== 'INSUFFICIENT_STOCK'), JSON.stringify(results.filter((r) => r.errors).map((r) => r.errors))).toEqual([]);
    // Each order takes one unit of every SKU: exactly STOCK of them fit.
    expect(placed).toHaveLength(STOCK);

    const levels = await t.sql<{ sku: string; on_hand: number; reserved: number }>('SELECT sku, on_hand, reserved FROM stock_level ORDER BY sku');
    expect(levels.map((l) => [l.sku, Number(l.on_hand), Number(l.reserved)])).toEqual(SKUS.map((sku) => [sku, STOCK, STOCK]));
    const held = await t.sql<{ sku: string; n: string }>("SELECT l.sku, SUM(l.quantity) AS n FROM order_line l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'CANCELLED' GROUP BY l.sku ORDER BY l.sku");
    expect(held.map((h) => [h.sku, Number(h.n)])).toEqual(SKUS.map((sku) => [sku, STOCK]));

    // PostgreSQL counts every deadlock it broke in the database; a backend reports its counts when it
    // exits, so the engine is stopped (its pool closed) before the counter is read.
    const name = new URL(t.env.DATABASE_URL).pathname.slice(1);
    await t.engine.stop();
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await until(async () => Number((await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name])).rows[0].n), (n) => n === 0, 10_000);
      await admin.query('SELECT pg_stat_clear_snapshot()');
      const { rows: [stat] } = await admin.query('SELECT deadlocks, xact_commit FROM pg_stat_database WHERE datname = $1', [name]);
      expect(Number(stat.xact_commit)).toBeGreaterThan(ORDERS); // the counters of the engine's backends are in
      expect(Number(stat.deadlocks)).toBe(0);
    } finally {
      await admin.end();
    }
  }, 30_000);
});
