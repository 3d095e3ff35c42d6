// A worker process (no API) answers its probes and scrapes on ORDO_WORKER_PORT: /health while it lives,
// /ready 200 while its database and Redis answer and 503 naming Redis when Redis cannot be reached (a
// second worker pointed at a closed port: the shared Redis stays up for the other tests), /metrics with
// the jobs it ran. Without ORDO_WORKER_PORT it opens no port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';

const TOKEN = 'metrics-token-0123456789abcdef';

async function get(url: string, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, text: await res.text() };
}

describe.each(DB_KINDS)('worker port on %s', (kind) => {
  let api: TestEngine;
  let worker: TestEngine;
  let base: string;

  beforeAll(async () => {
    // An API process without workers, and a worker process on the same database and Redis.
    api = await startTestEngine(kind, { redis: true, env: { ORDO_DISABLE_WORKERS: '1' } });
    worker = await startTestEngine(kind, {
      role: 'worker',
      env: { ...sharedWith(api), ORDO_WORKER_PORT: '0', ORDO_METRICS_TOKEN: TOKEN },
    });
    base = `http://127.0.0.1:${worker.engine.workerPort}`;
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
  });

  it('has no API, and answers /health and /ready (database and Redis up)', async () => {
    expect(worker.engine.port).toBeUndefined();
    expect(await get(`${base}/health`)).toMatchObject({ status: 200 });
    const ready = await get(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks: { database: 'ok', queue: 'bullmq', redis: 'ok' } });
    expect((await get(`${base}/graphql`)).status).toBe(404);
  });

  it('serves /metrics with the token: the jobs this worker ran', async () => {
    await setupShop(api, { variants: [{ sku: 'A', price: 1000, stock: { 'wh-a': 10 } }] });
    ok(await api.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 1 }]) }));
    expect((await get(`${base}/metrics`)).status).toBe(401);
    const body = await until(async () => (await get(`${base}/metrics`, TOKEN)).text, (b) => /^ordo_job_duration_seconds_count\{queue="events",name="order\.[a-z_.]+",outcome="ok"\} [1-9]/m.test(b));
    expect(body).toMatch(/^ordo_queue_jobs\{queue="events",state="waiting"\} \d+$/m);
    expect(body).toMatch(/^ordo_process_resident_memory_bytes \d+/m);
    // The API counts the operation, the worker does not serve any.
    expect(body).not.toContain('ordo_graphql_operations_total{');
  });
});

describe('a worker whose Redis cannot be reached', () => {
  it('answers /ready 503 naming Redis, /health still 200', async () => {
    // Its own SQLite database: what is down is Redis, and only for this worker.
    const cut = await startTestEngine('sqlite', { role: 'worker', env: { REDIS_URL: 'redis://127.0.0.1:1', ORDO_WORKER_PORT: '0' } });
    try {
      const at = `http://127.0.0.1:${cut.engine.workerPort}`;
      expect((await get(`${at}/health`)).status).toBe(200);
      const ready = await get(`${at}/ready`);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toMatchObject({ status: 'not ready', checks: { database: 'ok', queue: 'bullmq', redis: 'down' } });
    } finally {
      await stopWithin(cut, 3_000);
    }
  });
});

describe('a worker without ORDO_WORKER_PORT', () => {
  it('opens no port', async () => {
    const w = await startTestEngine('sqlite', { role: 'worker' });
    try {
      expect(w.engine.workerPort).toBeUndefined();
      expect(w.engine.port).toBeUndefined();
    } finally {
      await w.stop();
    }
  });
});

/** The API engine's database and Redis (and prefix), for a worker of the same deployment. */
function sharedWith(t: TestEngine): Record<string, string> {
  const keep = ['DATABASE_URL', 'REDIS_URL', 'ORDO_REDIS_PREFIX', 'ORDO_DATA_DIR'];
  return Object.fromEntries(Object.entries(t.env).filter(([k]) => keep.includes(k)));
}

/**
 * BullMQ's workers do not close while their Redis cannot be reached (the engine's stop waits on them):
 * after `ms` the test closes its servers and database itself.
 */
async function stopWithin(t: TestEngine, ms: number): Promise<void> {
  const stopped = await Promise.race([t.stop().then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  if (!stopped) await t.engine.app.orm.close(true).catch(() => {});
}
