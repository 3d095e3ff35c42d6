// /ready says whether this process can serve: 200 while the database (and Redis, when REDIS_URL is set)
// answer, 503 naming what is down as soon as one does not, and 200 again when it is back. Redis is a
// server of this test's own (a redis-server child on a free port, nothing saved), never the shared one;
// the database is this test's own PostgreSQL database, dropped under the running engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { PG_ADMIN_URL } from '../helpers/services.js';
import { freePort } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';

async function ready(t: TestEngine): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL('/ready', t.url), { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

/** A redis-server of our own on `port`; resolves when it answers PING. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {}); // refused while it starts: expected
  try {
    await until(async () => probe.connect().then(() => probe.ping(), () => 'down').catch(() => 'down'), (r) => r === 'PONG', 10_000);
  } finally {
    probe.disconnect();
  }
  return child;
}

function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    child.once('exit', () => res());
    child.kill('SIGKILL');
  });
}

describe('/ready with Redis down', () => {
  let redis: ChildProcess | undefined;
  let t: TestEngine | undefined;
  afterAll(async () => {
    await t?.stop();
    await stopRedis(redis);
  });

  it('answers 503 naming Redis while its Redis is down, and 200 again once it is back', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    // An API process (workers off): BullMQ's Worker.close() can hang for good once its Redis has been
    // restarted under it (taskforcesh/bullmq#2466, #4656), which would hang this test's stop, not /ready.
    t = await startTestEngine('sqlite', { env: { REDIS_URL: `redis://127.0.0.1:${port}`, ORDO_DISABLE_WORKERS: '1' } });
    expect(await ready(t)).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', queue: 'bullmq', redis: 'ok' } } });

    await stopRedis(redis);
    const down = await until(() => ready(t!), (r) => r.status !== 200, 15_000);
    expect(down).toMatchObject({ status: 503, body: { status: 'not ready', checks: { database: 'ok', redis: 'down' } } });

    redis = await startRedis(port);
    await until(() => ready(t!), (r) => r.status === 200, 15_000);
  });
});

describe('/ready with the database down', () => {
  let t: TestEngine | undefined;
  afterAll(async () => {
    await t?.stop().catch(() => {}); // its database is gone: closing the pool may complain
  });

  it('answers 503 naming the database once its PostgreSQL database is gone', async () => {
    t = await startTestEngine('postgresql');
    expect(await ready(t)).toMatchObject({ status: 200, body: { checks: { database: 'ok' } } });
    // Dropped under the running engine: its connections are terminated, new ones are refused.
    const name = new URL(t.env.DATABASE_URL).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    const down = await until(() => ready(t!), (r) => r.status !== 200, 15_000);
    expect(down).toMatchObject({ status: 503, body: { status: 'not ready', checks: { database: 'down' } } });
    // It stays so (each request tries the database again).
    expect((await ready(t)).status).toBe(503);
  });
});
