// Gap-free invoice numbers across processes: two compiled engine processes on one PostgreSQL database
// and one Redis (their workers share the BullMQ queues); 50 payments captured at the same moment, half
// through each process, so that invoice jobs in both processes take numbers at once. The numbers must be
// 1..50: no gap, no duplicate, and nothing more once every job the captures started has run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createPgDatabase, REDIS_URL, uniqueName } from '../helpers/services.js';
import { settledAcross } from '../helpers/settled.js';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import type { TestEngine } from '../helpers/engine.js';

const ADMIN_KEY = 'e2e-invoice-numbers-admin-key-0123456789';
const N = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('invoice numbers across two engine processes on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: SpawnedEngine | undefined;
  let b: SpawnedEngine | undefined;
  let sql: pg.Client;
  const prefix = uniqueName('ordo-inv');

  beforeAll(async () => {
    db = await createPgDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL, ORDO_REDIS_PREFIX: prefix, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', NODE_ENV: 'production', ORDO_MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '15' };
    a = await spawnEngine(env);
    b = await spawnEngine(env);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await sql?.end().catch(() => {});
    await Promise.all([a?.stop().catch(() => {}), b?.stop().catch(() => {})]);
    await db?.drop();
    // This test's BullMQ keys, by prefix (never FLUSHDB: the Redis is shared).
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it(`${N} invoices issued at once on two processes are numbered 1..${N}`, async () => {
    const viaA = { admin: (q: string, v?: Record<string, unknown>) => gqlAt(a!.url, q, v, ADMIN_KEY) } as unknown as TestEngine;
    await setupShop(viaA, { locations: [{ code: 'wh-a', priority: 10 }], variants: [{ sku: 'INV-SKU', price: 1234, stock: { 'wh-a': 1000 } }] });
    const placed = await Promise.all(Array.from({ length: N }, (_, i) =>
      gqlAt(i % 2 ? a!.url : b!.url, PLACE_ORDER, { input: orderInput([{ sku: 'INV-SKU', quantity: 1 + (i % 3) }], { email: `inv-${i}@example.com` }) }).then((r) => ok(r).placeOrder.order),
    ));
    // The default channel captures on shipment and these locations ship by hand: nothing is captured yet.
    expect(Number((await sql.query('SELECT count(*) AS n FROM invoice')).rows[0].n)).toBe(0);

    const captured = await Promise.all(placed.map((o: any, i: number) =>
      gqlAt(i % 2 ? b!.url : a!.url, `mutation($id: ID!) { capturePayment(id: $id) { status } }`, { id: o.payments[0].id }, ADMIN_KEY),
    ));
    expect(captured.filter((r) => r.errors).map((r) => r.errors)).toEqual([]);

    const deadline = Date.now() + 60_000;
    let count = 0;
    while (Date.now() < deadline) {
      count = Number((await sql.query('SELECT count(*) AS n FROM invoice').then((r) => r.rows[0])).n);
      if (count >= N) break;
      await sleep(100);
    }
    expect(count).toBe(N);
    // Every job the captures started (capture events, invoicing, documents) has run, in both processes:
    // an extra invoice would be here now.
    await settledAcross({ pgUrl: db.url, redisUrl: REDIS_URL, prefix });
    const rows = (await sql.query("SELECT sequence, number, total, order_id FROM invoice WHERE kind = 'INVOICE' ORDER BY sequence")).rows;
    expect(rows.map((r) => Number(r.sequence))).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.number)).size).toBe(N);
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: N }, (_, i) => `INV-DEFAULT-${String(i + 1).padStart(6, '0')}`));
    expect(new Set(rows.map((r) => r.order_id)).size).toBe(N);
    const counter = (await sql.query("SELECT value FROM number_sequence WHERE kind = 'invoice'")).rows;
    expect(counter.map((c) => Number(c.value))).toEqual([N]);
    // Each invoice is its order's whole amount.
    const totals = new Map(placed.map((o: any) => [o.id, o.total]));
    for (const r of rows) expect(Number(r.total)).toBe(totals.get(r.order_id));
    const unreconciled = ok(await gqlAt(b!.url, '{ unreconciledOrders { id } }', {}, ADMIN_KEY)).unreconciledOrders;
    expect(unreconciled).toEqual([]);
  }, 180_000);
});
