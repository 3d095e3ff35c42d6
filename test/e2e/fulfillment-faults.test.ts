// Fulfillment under faults, with the compiled engine as real processes on PostgreSQL and Redis: an API
// process (workers off) takes the orders, separate worker processes (`node dist/src/worker.js`) walk the
// shipments PENDING → PICKED → PACKED → LABELLED → SHIPPED at an autoFulfill location. A worker killed
// with SIGKILL mid-run, or Redis flushed mid-run, must lose nothing and ship every order exactly once:
// the outbox (relay + sweeper) and BullMQ's stalled-job recovery are what bring the work back.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createPgDatabase, deleteKeys, REDIS_URL, uniqueName } from '../helpers/services.js';
import { spawnEngine, waitForOutput, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import type { TestEngine } from '../helpers/engine.js';
import { settledAcross } from '../helpers/settled.js';

const ADMIN_KEY = 'e2e-fulfillment-faults-admin-key-0123';
const SKU = 'FAULT-ONE';
const LOCATION = 'tpl-auto';
const STOCK = 1000;
/** The dedicated Redis database of the flush test: FLUSHDB touches this one only. */
const FLUSH_DB_INDEX = 9;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Scenario {
  api: SpawnedEngine;
  workers: SpawnedEngine[];
  env: Record<string, string>;
  sql: pg.Client;
  orderIds: string[];
  startWorker(name: string): Promise<SpawnedEngine>;
  count(q: string, p?: unknown[]): Promise<number>;
  shipped(): Promise<number>;
  /** Polls (bounded) until `pred(shipped)`; throws with a diagnosis after timeoutMs. */
  waitShipped(pred: (n: number) => boolean, timeoutMs: number, what: string, pollMs?: number): Promise<number>;
  diagnose(): Promise<string>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
});

async function startScenario(opts: { orders: number; redisUrl: string; retryMs: number }): Promise<Scenario> {
  const db = await createPgDatabase();
  cleanups.push(() => db.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-faults-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    DATABASE_URL: db.url, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', REDIS_URL: opts.redisUrl,
    ORDO_REDIS_PREFIX: uniqueName('ordo-faults'), ORDO_OUTBOX_RETRY_MS: String(opts.retryMs),
    // One folder for every process: labels and packing slips land in the same document store.
    ORDO_DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_POOL_SIZE: '20', ORDO_REFERENCE_CACHE_MS: '0',
    // A killed worker's jobs come back once their lock runs out and a stall check finds them: within about
    // 10 s here instead of the default's 60 (the same recovery, sooner).
    ORDO_QUEUE_LOCK_MS: '5000',
  };
  // This run's queues and channels go when it ends (after its processes: cleanups run in reverse).
  cleanups.push(() => deleteKeys(opts.redisUrl, env.ORDO_REDIS_PREFIX));
  const workers: SpawnedEngine[] = [];
  const api = await spawnEngine({ ...env, ORDO_DISABLE_WORKERS: '1' });
  cleanups.push(async () => {
    await Promise.all(workers.map((w) => w.stop(10_000).catch(() => w.kill('SIGKILL'))));
    await api.stop(10_000).catch(() => api.kill('SIGKILL'));
  });
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  // Ends before the database is dropped (cleanups run in reverse).
  cleanups.push(() => sql.end());

  // The shop, through the API process's admin API.
  const viaApi = { admin: (q: string, v?: Record<string, unknown>) => gqlAt(api.url, q, v, ADMIN_KEY) } as unknown as TestEngine;
  ok(await viaApi.admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id autoFulfill } }`, {
    i: { code: LOCATION, name: 'Automated 3PL', kind: 'THIRD_PARTY_LOGISTICS', countryCode: 'DE', priority: 1, autoFulfill: true },
  }));
  await setupShop(viaApi, { locations: [], variants: [{ sku: SKU, price: 1200, stock: { [LOCATION]: STOCK } }] });

  // The orders, placed while no worker runs: their events wait in the outbox and in Redis.
  const orderIds: string[] = [];
  const errors: unknown[] = [];
  for (let i = 0; i < opts.orders; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, opts.orders - i) }, (_, k) =>
        gqlAt(api.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: `fault-${i + k}@example.com` }) }),
      ),
    );
    for (const r of batch) {
      if (r.errors?.length || !r.data) errors.push(r.errors);
      else orderIds.push(r.data.placeOrder.order.id);
    }
  }
  expect(errors, 'placeOrder errors').toEqual([]);
  expect(orderIds).toHaveLength(opts.orders);

  const count = async (q: string, p: unknown[] = []) => Number((await sql.query(q, p)).rows[0].n);
  const shipped = () => count(`SELECT count(*) AS n FROM orders WHERE status = 'SHIPPED'`);

  const diagnose = async () => {
    const rows = async (q: string) => (await sql.query(q)).rows.map((r) => JSON.stringify(r)).join('\n  ');
    const failed = await gqlAt(api.url, `query { failedJobs { queue name id attempts error } }`, {}, ADMIN_KEY).catch((e) => ({ errors: [String(e)] }));
    return [
      `orders by status:\n  ${await rows(`SELECT status, count(*)::int AS n FROM orders GROUP BY 1 ORDER BY 1`)}`,
      `shipments by status:\n  ${await rows(`SELECT status, count(*)::int AS n FROM shipment GROUP BY 1 ORDER BY 1`)}`,
      `orders without a shipment: ${await count(`SELECT count(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = o.id)`)}`,
      `outbox, unprocessed by type:\n  ${await rows(`SELECT type, count(*)::int AS n, max(attempts) AS max_attempts, count(published_at_ms)::int AS published FROM outbox_event WHERE processed_at_ms IS NULL GROUP BY 1 ORDER BY 1`)}`,
      `outbox, processed by type:\n  ${await rows(`SELECT type, count(*)::int AS n FROM outbox_event WHERE processed_at_ms IS NOT NULL GROUP BY 1 ORDER BY 1`)}`,
      // Work whose trigger was acknowledged but never done: the shipment still stands where its last event
      // left it, and that event is processed (its handler enqueued the next step's job, which is gone).
      `open shipments whose last shipment.<status> event is processed (the chained job was lost):\n  ${await rows(
        `SELECT s.status, count(*)::int AS n FROM shipment s
         WHERE s.status IN ('PENDING', 'PICKED', 'PACKED', 'LABELLED')
           AND EXISTS (SELECT 1 FROM outbox_event e
             WHERE e.type = CASE s.status WHEN 'PENDING' THEN 'shipment.created' ELSE 'shipment.' || lower(s.status) END AND e.payload->>'shipmentId' = s.id AND e.processed_at_ms IS NOT NULL)
         GROUP BY 1 ORDER BY 1`,
      )}`,
      `failed jobs: ${JSON.stringify((failed as any).data?.failedJobs ?? (failed as any).errors).slice(0, 2000)}`,
      ...workers.map((w, i) => `worker ${i + 1} (pid ${w.proc.pid}), warnings and errors:\n${noteworthy(w)}`),
      `api, warnings and errors:\n${noteworthy(api)}`,
    ].join('\n');
  };

  const waitShipped = async (pred: (n: number) => boolean, timeoutMs: number, what: string, pollMs = 100) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = await shipped();
      if (pred(n)) return n;
      if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (${n} of ${opts.orders} orders SHIPPED)\n${await diagnose()}`);
      await sleep(pollMs);
    }
  };

  const startWorker = async (name: string) => {
    const w = await spawnEngine(env, { entry: 'dist/src/worker.js', waitForReady: false });
    workers.push(w);
    await waitForOutput(w, /Ordo workers running/, 60_000).catch((e) => {
      throw new Error(`${name} did not start: ${e.message}`);
    });
    return w;
  };

  return { api, workers, env, sql, orderIds, startWorker, count, shipped, waitShipped, diagnose };
}

/** The warn/error lines of a process's log (pino JSON), shortened, for failure messages. */
function noteworthy(e: SpawnedEngine, max = 25): string {
  const out: string[] = [];
  for (const line of e.output().split('\n')) {
    let level = 0;
    let msg = line;
    try {
      const j = JSON.parse(line);
      level = j.level ?? 0;
      msg = [j.msg, j.err?.message ?? j.err, j.queue, j.job].filter(Boolean).join(' | ');
    } catch {
      level = line.trim() && !line.startsWith('---') && !line.includes('admin API key') ? 50 : 0;
    }
    if (level >= 40) out.push(`    ${msg.slice(0, 300)}`);
  }
  const counts = new Map<string, number>();
  for (const m of out) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].slice(0, max).map(([m, n]) => `${n}× ${m}`).join('\n') || '    (none)';
}

/** Every order shipped exactly once: the rows, not the statuses alone. */
async function assertShippedExactlyOnce(s: Scenario, n: number): Promise<void> {
  const { sql, count } = s;
  const diag = await s.diagnose();
  expect(await count(`SELECT count(*) AS n FROM orders`)).toBe(n);
  expect(await count(`SELECT count(*) AS n FROM orders WHERE status = 'SHIPPED'`), diag).toBe(n);
  // One shipment per order, every one SHIPPED, with one tracking number of its own.
  expect(await count(`SELECT count(*) AS n FROM shipment`), diag).toBe(n);
  expect(await count(`SELECT count(DISTINCT order_id) AS n FROM shipment`)).toBe(n);
  expect(await count(`SELECT count(*) AS n FROM shipment WHERE status = 'SHIPPED' AND shipped_at IS NOT NULL`)).toBe(n);
  expect(await count(`SELECT count(*) AS n FROM shipment WHERE tracking_number IS NULL`)).toBe(0);
  expect(await count(`SELECT count(DISTINCT tracking_number) AS n FROM shipment`)).toBe(n);
  expect(await count(`SELECT count(*) AS n FROM shipment_line`)).toBe(n);
  // One SHIPPED movement per order line (single-line orders: one per order), of exactly its quantity.
  const movements = await sql.query(
    `SELECT ol.id, ol.quantity, count(m.id)::int AS moves, coalesce(sum(m.delta), 0)::int AS delta
     FROM order_line ol LEFT JOIN stock_movement m ON m.order_id = ol.order_id AND m.sku = ol.sku AND m.reason = 'SHIPPED'
     GROUP BY ol.id, ol.quantity`,
  );
  expect(movements.rows).toHaveLength(n);
  const wrong = movements.rows.filter((r) => r.moves !== 1 || r.delta !== -r.quantity);
  expect(wrong, 'order lines without exactly one SHIPPED movement of their quantity').toEqual([]);
  expect(await count(`SELECT count(*) AS n FROM stock_movement WHERE reason = 'SHIPPED'`)).toBe(n);
  // The stock left on_hand and reserved together, once.
  const level = (await sql.query(`SELECT on_hand, reserved FROM stock_level WHERE sku = $1`, [SKU])).rows;
  expect(level).toEqual([{ on_hand: STOCK - n, reserved: 0 }]);
  // Every line counts its units as shipped, and holds no allocation any more.
  expect(await count(`SELECT count(*) AS n FROM order_line WHERE quantity_shipped <> quantity`)).toBe(0);
  expect(await count(`SELECT count(*) AS n FROM order_line WHERE allocations::text <> '[]'`)).toBe(0);
}

/**
 * After the last order shipped: a late duplicate (a stalled job run again once BullMQ's stall check
 * finds it, a replayed event) must change nothing, so the check waits until every such run is over:
 * every event handled, no job waiting, running or delayed in any queue, none finished between two looks.
 */
function settle(s: Scenario, ms: number): Promise<void> {
  return settledAcross({ pgUrl: s.env.DATABASE_URL, redisUrl: s.env.REDIS_URL, prefix: s.env.ORDO_REDIS_PREFIX }, ms);
}

describe('fulfillment under faults (PostgreSQL, Redis, separate worker processes)', () => {
  it('a worker killed with SIGKILL mid-run loses nothing and ships every order exactly once', async () => {
    const N = 60;
    const s = await startScenario({ orders: N, redisUrl: REDIS_URL, retryMs: 2_000 });
    expect(await s.shipped()).toBe(0);

    const w1 = await s.startWorker('W1');
    await s.waitShipped((n) => n >= 12, 90_000, 'W1 ships some orders', 20);
    w1.kill('SIGKILL');
    const exit = await w1.waitForExit(10_000);
    expect(exit.signal).toBe('SIGKILL');
    const atKill = await s.shipped();
    expect(atKill, 'W1 must be killed mid-run, with orders left to ship').toBeLessThan(N);

    // W2 takes over: the events W1 had claimed come back after their claim, its jobs after BullMQ's stall check.
    const w2 = await s.startWorker('W2');
    await s.waitShipped((n) => n === N, 90_000, `W2 ships the rest (${N - atKill} orders left when W1 was killed)`, 250);
    await settle(s, 120_000);
    await assertShippedExactlyOnce(s, N);
    expect(w2.proc.exitCode, w2.output()).toBeNull();
  }, 300_000);

  it('Redis flushed mid-run: the outbox sweeper republishes and nothing is lost', async () => {
    const N = 40;
    const redisUrl = `${REDIS_URL.replace(/\/\d*$/, '')}/${FLUSH_DB_INDEX}`;
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => redis.disconnect());
    expect(await redis.ping()).toBe('PONG');
    const s = await startScenario({ orders: N, redisUrl, retryMs: 1_500 });

    await s.startWorker('W');
    await s.waitShipped((n) => n >= 8, 90_000, 'the worker ships some orders', 20);
    expect(await redis.flushdb()).toBe('OK');
    const atFlush = await s.shipped();
    expect(atFlush, 'Redis must be flushed mid-run, with orders left to ship').toBeLessThan(N);

    await s.waitShipped((n) => n === N, 90_000, `all orders ship after the flush (${N - atFlush} left at the flush)`, 250);
    await settle(s, 120_000);
    await assertShippedExactlyOnce(s, N);
  }, 300_000);
});
