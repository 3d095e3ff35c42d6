// Two compiled engine processes on one fresh PostgreSQL database, started at the same moment: both race
// to migrate the empty database (the migration lock), then a rush of orders for few units split across
// both processes must not oversell, and a keyed retry storm must create one order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPgDatabase } from '../helpers/services.js';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { codeOf, gqlAt, ok, type GqlResult } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import type { TestEngine } from '../helpers/engine.js';

const ADMIN_KEY = 'e2e-two-procs-admin-key-0123456789';
const RUSH_SKU = 'RUSH-ONE';
const IDEM_SKU = 'IDEM-MANY';

describe('two engine processes on one PostgreSQL database', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: SpawnedEngine | undefined;
  let b: SpawnedEngine | undefined;
  let sql: pg.Client;
  let startFailures: string[] = [];
  const one = async <R = any>(q: string, p: unknown[] = []) => (await sql.query(q, p)).rows[0] as R;

  beforeAll(async () => {
    db = await createPgDatabase();
    const env = {
      DATABASE_URL: db.url, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', NODE_ENV: 'production', ORDO_MIGRATE_ON_START: 'true',
      LOG_LEVEL: 'info', DATABASE_POOL_SIZE: '15',
    };
    // Same moment, empty database: both try to migrate; both must come up ready (asserted in the first
    // test). One that did not is started again, so that the rush tests still run and report on their own.
    const started = await Promise.allSettled([spawnEngine(env), spawnEngine(env)]);
    startFailures = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((f) => String(f.reason?.message ?? f.reason));
    a = started[0].status === 'fulfilled' ? started[0].value : await spawnEngine(env);
    b = started[1].status === 'fulfilled' ? started[1].value : await spawnEngine(env);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end().catch(() => {});
    await Promise.all([a?.stop().catch(() => {}), b?.stop().catch(() => {})]);
    await db?.drop();
  });

  it('both processes migrated the empty database once and are ready', async () => {
    expect(startFailures, 'processes started together on an empty database must both come up').toEqual([]);
    for (const e of [a!, b!]) {
      expect((await fetch(`${e.base}/ready`)).status).toBe(200);
      expect(e.stdout(), e.output()).toMatch(/Ordo listening on/);
    }
    // Exactly one of them applied the migrations; the other waited on the lock and found nothing pending.
    const migratedBy = [a!, b!].filter((e) => /"msg":"database migrated"/.test(e.stdout()));
    if (!startFailures.length) expect(migratedBy, a!.output() + b!.output()).toHaveLength(1);
    const { n } = await one<{ n: string }>('SELECT count(*) AS n FROM ordo_migrations');
    const { d } = await one<{ d: string }>('SELECT count(DISTINCT name) AS d FROM ordo_migrations');
    expect(Number(n)).toBeGreaterThan(0);
    expect(Number(n)).toBe(Number(d));
    const { c } = await one<{ c: string }>('SELECT count(*) AS c FROM channel');
    expect(Number(c)).toBe(1);
  });

  it('100 concurrent orders for 20 units across both processes: exactly 20 succeed, no oversell', async () => {
    // The shop, through process A's admin API (an adapter with the shape setupShop uses).
    const viaA = { admin: (q: string, v?: Record<string, unknown>) => gqlAt(a!.url, q, v, ADMIN_KEY) } as unknown as TestEngine;
    await setupShop(viaA, {
      locations: [{ code: 'wh-a', priority: 10 }],
      variants: [
        { sku: RUSH_SKU, price: 1000, stock: { 'wh-a': 20 } },
        { sku: IDEM_SKU, price: 500, stock: { 'wh-a': 1000 } },
      ],
    });
    // Process B sees the same shop.
    const seen = ok(await gqlAt(b!.url, `query($s: String!) { variant(sku: $s) { sku } }`, { s: RUSH_SKU }, ADMIN_KEY));
    expect(seen.variant.sku).toBe(RUSH_SKU);

    // Both processes warmed up on the same path (a quote prices and checks stock as placeOrder does), so
    // that neither is still compiling while the other sells.
    for (const e of [a!, b!]) {
      for (let i = 0; i < 5; i++) ok(await gqlAt(e.url, `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { total } }`, { input: orderInput([{ sku: RUSH_SKU, quantity: 1 }]) }));
    }

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        gqlAt(i % 2 === 0 ? a!.url : b!.url, PLACE_ORDER, { input: orderInput([{ sku: RUSH_SKU, quantity: 1 }], { email: `rush-${i}@example.com` }) }),
      ),
    );
    const won = results.filter((r) => !r.errors && r.data?.placeOrder);
    const lost = results.filter((r) => r.errors);
    const otherErrors = lost.filter((r) => codeOf(r) !== 'INSUFFICIENT_STOCK');
    expect(otherErrors.map((r) => r.errors), 'errors other than INSUFFICIENT_STOCK').toEqual([]);
    expect(won).toHaveLength(20);
    expect(lost).toHaveLength(80);
    // The processes really competed for the same 20 units: each sold some, and their sales interleave in
    // time (neither sold its share before the other started), so the stock rows were contended from both.
    const winnersOf = (side: 0 | 1) => results.filter((r, i) => i % 2 === side && !r.errors).map((r) => r.data.placeOrder.order.id as string);
    const placedAt = new Map<string, number>((await sql.query('SELECT id, placed_at FROM orders')).rows.map((r) => [r.id, new Date(r.placed_at).getTime()]));
    const windowOf = (ids: string[]) => [Math.min(...ids.map((id) => placedAt.get(id)!)), Math.max(...ids.map((id) => placedAt.get(id)!))];
    const [byA, byB] = [winnersOf(0), winnersOf(1)];
    const split = `A sold ${byA.length}, B sold ${byB.length}; A ${windowOf(byA)}, B ${windowOf(byB)}`;
    expect(byA.length, split).toBeGreaterThan(0);
    expect(byB.length, split).toBeGreaterThan(0);
    const [[a0, a1], [b0, b1]] = [windowOf(byA), windowOf(byB)];
    expect(a0 <= b1 && b0 <= a1, `the two processes sold one after the other: ${split}`).toBe(true);
    for (const r of won) expect(r.data.placeOrder.order.status).toBe('CONFIRMED');
    const numbers = new Set(won.map((r) => r.data.placeOrder.order.number));
    expect(numbers.size).toBe(20);

    const level = await one<{ on_hand: number; reserved: number }>('SELECT sum(on_hand)::int AS on_hand, sum(reserved)::int AS reserved FROM stock_level WHERE sku = $1', [RUSH_SKU]);
    expect(level).toEqual({ on_hand: 20, reserved: 20 });
    expect(Number((await one('SELECT count(*) AS n FROM orders')).n)).toBe(20);
    expect(Number((await one('SELECT count(*) AS n FROM payment')).n)).toBe(20);
    expect(Number((await one('SELECT count(DISTINCT number) AS n FROM orders')).n)).toBe(20);
    expect(Number((await one('SELECT count(*) AS n FROM order_line')).n)).toBe(20);
    expect(Number((await one('SELECT coalesce(sum(quantity), 0) AS n FROM order_line WHERE sku = $1', [RUSH_SKU])).n)).toBe(20);
  });

  it('10 identical keyed placeOrder at once across both processes make one order', async () => {
    const before = await one<{ reserved: number }>('SELECT sum(reserved)::int AS reserved FROM stock_level WHERE sku = $1', [IDEM_SKU]);
    const ordersBefore = Number((await one('SELECT count(*) AS n FROM orders')).n);
    const input = orderInput([{ sku: IDEM_SKU, quantity: 3 }], { email: 'retry@example.com' });
    const key = `idem-${Date.now()}`;
    const results: GqlResult[] = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gqlAt(i < 5 ? a!.url : b!.url, PLACE_ORDER, { input, key })),
    );
    expect(results.filter((r) => r.errors).map((r) => r.errors), 'every retry answers with the order').toEqual([]);
    const ids = new Set(results.map((r) => r.data.placeOrder.order.id));
    const tokens = new Set(results.map((r) => r.data.placeOrder.accessToken));
    expect(ids.size).toBe(1);
    expect(tokens.size).toBe(1);
    const [orderId] = ids;
    expect(new Set(results.map((r) => r.data.placeOrder.order.number)).size).toBe(1);

    const keyed = await sql.query('SELECT id, idempotency_key FROM orders WHERE idempotency_key = (SELECT idempotency_key FROM orders WHERE id = $1)', [orderId]);
    expect(keyed.rows).toHaveLength(1);
    expect(keyed.rows[0].idempotency_key).toBeTruthy();
    expect(Number((await one('SELECT count(*) AS n FROM orders')).n)).toBe(ordersBefore + 1);
    const after = await one<{ reserved: number }>('SELECT sum(reserved)::int AS reserved FROM stock_level WHERE sku = $1', [IDEM_SKU]);
    expect(after.reserved - before.reserved).toBe(3);
    expect(Number((await one('SELECT count(*) AS n FROM payment WHERE order_id = $1', [orderId])).n)).toBe(1);
    expect(Number((await one('SELECT count(*) AS n FROM order_line WHERE order_id = $1', [orderId])).n)).toBe(1);

    // The token that came back reads the order on either process.
    for (const e of [a!, b!]) {
      const r = ok(await gqlAt(e.url, `query($id: ID!) { order(id: $id) { id status } }`, { id: orderId }, [...tokens][0]));
      expect(r.order).toEqual({ id: orderId, status: 'CONFIRMED' });
    }
  });

  it('both processes stop on SIGTERM', async () => {
    const [ea, eb] = await Promise.all([a!.stop(), b!.stop()]);
    expect(ea.signal, a!.output()).toBeNull();
    expect(eb.signal, b!.output()).toBeNull();
    // Exit code 0 is asserted in server.test.ts (a graceful-shutdown bug would show there).
  }, 40_000);
});
