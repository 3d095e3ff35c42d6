// A marketplace's 500 orders pulled by separate worker processes on PostgreSQL and Redis (issue 17): the
// worker is killed with SIGKILL in the middle of the import, another takes over, the channel is polled
// again and again (the repeatable tick every second, and syncChannel twice) — and each order is in
// Ordo once, every one acknowledged, the cursor at the end.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPgDatabase, deleteKeys, REDIS_URL, uniqueName } from '../helpers/services.js';
import { spawnEngine, waitForOutput, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { setupShop } from '../helpers/fixtures.js';
import type { TestEngine } from '../helpers/engine.js';
import { marketOrders, startMarketplaceApi } from '../fakes/marketplace-api.js';

const ADMIN_KEY = 'e2e-channel-import-admin-key-01234';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
});

describe('channel import under faults (PostgreSQL, Redis, separate worker processes)', () => {
  it('a worker killed mid-import: 500 orders, once each', { timeout: 240_000 }, async () => {
    const market = await startMarketplaceApi();
    cleanups.push(() => market.close());
    const db = await createPgDatabase();
    cleanups.push(() => db.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'ordo-channel-faults-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = {
      DATABASE_URL: db.url, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', REDIS_URL, ORDO_REDIS_PREFIX: uniqueName('ordo-chf'),
      ORDO_DATA_DIR: dataDir, LOG_LEVEL: 'info', ORDO_REFERENCE_CACHE_MS: '0', ORDO_CHANNEL_POLL_MS: '1000', ORDO_CHANNEL_BACKOFF_MS: '50',
      // The killed worker's import job comes back after its lock and a stall check: about 10 s, not 60.
      ORDO_QUEUE_LOCK_MS: '5000',
    };
    cleanups.push(() => deleteKeys(REDIS_URL, env.ORDO_REDIS_PREFIX));
    const api = await spawnEngine({ ...env, ORDO_DISABLE_WORKERS: '1' });
    cleanups.push(() => api.stop(10_000));
    const workers: SpawnedEngine[] = [];
    cleanups.push(() => Promise.all(workers.map((w) => w.stop(10_000).catch(() => w.kill('SIGKILL')))));
    const startWorker = async () => {
      const w = await spawnEngine(env, { entry: 'dist/src/worker.js', waitForReady: false });
      workers.push(w);
      await waitForOutput(w, /Ordo workers running/, 60_000);
      return w;
    };
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    cleanups.push(() => sql.end());
    const count = async (q: string) => Number((await sql.query(q)).rows[0].n);
    const imported = () => count("SELECT COUNT(*) AS n FROM orders WHERE external_id LIKE 'MK-%'");
    const admin = (q: string, v?: Record<string, unknown>) => gqlAt(api.url, q, v, ADMIN_KEY);

    await setupShop({ admin } as unknown as TestEngine, { locations: [{ code: 'staffed', priority: 10 }], variants: [{ sku: 'MK-SLOW', price: 1200, stock: { staffed: 1000 } }] });
    ok(await admin(`mutation { createChannel(input: { code: "market", name: "Marketplace", kind: MARKETPLACE, currencyCode: "EUR" }) { id } }`));
    market.publish(marketOrders(500, 'e2e', () => 'MK-SLOW'));
    ok(await admin(`mutation($config: JSONObject!) { connectChannel(channelCode: "market", connector: "sim-marketplace", config: $config) { connector } }`, {
      config: { baseUrl: market.url, apiKey: market.apiKey, pageSize: 20, shippingMethodCode: 'standard' },
    }));

    const first = await startWorker();
    ok(await admin(`mutation { syncChannel(channelCode: "market") { connector } }`));
    // Killed while it imports: some orders in, most not.
    const deadline = Date.now() + 120_000;
    while ((await imported()) < 60 && Date.now() < deadline) await sleep(20);
    first.kill('SIGKILL');
    await first.waitForExit(10_000);
    const atKill = await imported();
    expect(atKill, 'the worker must die in the middle of the import').toBeGreaterThanOrEqual(60);
    expect(atKill).toBeLessThan(500);

    await startWorker();
    ok(await admin(`mutation { syncChannel(channelCode: "market") { connector } }`));
    ok(await admin(`mutation { syncChannel(channelCode: "market") { connector } }`));
    while ((await imported()) < 500 && Date.now() < deadline + 60_000) await sleep(100);
    // A few more ticks of the repeatable poll find nothing new.
    await sleep(3_000);
    expect(await imported()).toBe(500);
    expect(await count("SELECT COUNT(DISTINCT external_id) AS n FROM orders WHERE external_id LIKE 'MK-%'")).toBe(500);
    expect(await count("SELECT COUNT(*) AS n FROM payment p JOIN orders o ON o.id = p.order_id WHERE o.external_id LIKE 'MK-%'")).toBe(500);
    expect(await count('SELECT COALESCE(SUM(reserved), 0) AS n FROM stock_level')).toBe(500);
    expect(market.acknowledged.size).toBe(500);
    const c = (await sql.query('SELECT cursor, failures FROM channel_connection')).rows[0];
    expect(c).toEqual({ cursor: '499', failures: 0 });
  });
});
