// The transactional outbox: events are written with the change, handled after commit exactly as
// often as they happened, on the in-process queue and on BullMQ; a Redis that loses its jobs loses
// no event, because the sweeper republishes what was never acknowledged.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { defineModule, type DomainEvent } from '../../src/kernel/module.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { createPgDatabase, REDIS_URL } from '../helpers/services.js';
import { settled } from '../helpers/settled.js';
import { sleep } from '../helpers/until.js';

/**
 * A plugin that records the confirmed orders it hears about. Its handler takes `slowMs` on the first
 * event, longer than the retry interval: the sweeper publishes that event again while it runs, which
 * is what the de-duplication (job id from the event id) has to absorb.
 */
function listener(slowMs = 0) {
  const heard: DomainEvent[] = [];
  let first = true;
  const module = defineModule({
    name: 'test-listener',
    on: {
      'order.confirmed': async (e) => {
        heard.push(e);
        if (first && slowMs) {
          first = false;
          await sleep(slowMs);
        }
      },
    },
  });
  return { heard, module };
}

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

/** Short, so that a re-publish (a claim expired, an acknowledgement missing) happens within the test. */
const RETRY_MS = 300;

describe.each([
  ['in-process queue, SQLite', 'sqlite', false],
  ['BullMQ on Redis, PostgreSQL', 'postgresql', true],
] as const)('outbox with %s', (_name, kind, redis) => {
  let t: TestEngine;
  afterAll(async () => t?.stop());

  it('hands every committed event to its handlers once, past several retry intervals, and nothing of a rolled-back order', async () => {
    const l = listener(4 * RETRY_MS);
    t = await startTestEngine(kind, { redis, plugins: [l.module], env: { ORDO_OUTBOX_RETRY_MS: String(RETRY_MS) } });
    await setupShop(t, { variants: [{ sku: 'E', price: 100, stock: { 'wh-a': 5 } }] });
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'E', quantity: 1 }]) })).placeOrder.order.id);
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'E', quantity: 1 }]) }))).toBe('INSUFFICIENT_STOCK');
    await until(() => l.heard.length >= 5);
    // Every event is acknowledged (processed), whether it had a handler or not.
    await until(async () => Number((await t.sql('SELECT COUNT(*) AS n FROM outbox_event WHERE processed_at_ms IS NULL'))[0].n) === 0);
    // And marked published: on a loaded machine a relay's mark can come after the job ran, and a claim
    // older than the retry interval is taken again until it does (by design: a relay may have died).
    await until(async () => Number((await t.sql('SELECT COUNT(*) AS n FROM outbox_event WHERE published_at_ms IS NULL'))[0].n) === 0);
    await settled(t);
    // From now on nothing is claimed or published again: a relay that did not mark what it published, or
    // a sweeper that put back handled events, would do so within a retry interval or two.
    const claims = async () => (await t.sql('SELECT id, attempts FROM outbox_event ORDER BY id')).map((r: any) => `${r.id}:${r.attempts}`);
    const before = await claims();
    await sleep(4 * RETRY_MS);
    await settled(t);
    expect(await claims()).toEqual(before);
    // Each confirmed order heard once, by event id too.
    expect(l.heard.map((e) => e.payload.orderId).sort()).toEqual([...placed].sort());
    expect(new Set(l.heard.map((e) => e.id)).size).toBe(l.heard.length);
    expect(l.heard.every((e) => e.type === 'order.confirmed' && e.payload.to === 'CONFIRMED')).toBe(true);
    // The slow event was published again while its handler ran (the test did meet a re-publish), and was
    // handled once all the same: its job id is made from the event id.
    // It was published first in a group with its order's other events (event-group.ts): the replay added
    // that group's job again, which the queue ignored while it ran.
    const [slow] = await t.sql('SELECT attempts, job_key FROM outbox_event WHERE id = ?', [l.heard[0].id]);
    expect(Number(slow.attempts)).toBeGreaterThanOrEqual(2);
    expect(slow.job_key).toMatch(/^evts-/);
  });
});

describe('outbox when Redis loses the jobs', () => {
  const redisUrl = `${REDIS_URL}/7`; // a database of its own, flushed by this test only
  let a: TestEngine | undefined;
  let b: TestEngine | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await drop?.();
  });

  it('republishes unacknowledged events after a FLUSHDB: every confirmed order is handled', async () => {
    const db = await createPgDatabase();
    drop = db.drop;
    const prefix = `ordo-flush-${Date.now()}`;
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, ORDO_REDIS_PREFIX: prefix, ORDO_OUTBOX_RETRY_MS: '1000' };
    // Process A (same plugins, as every process of one deployment) takes orders but runs no workers:
    // its jobs wait in Redis...
    a = await startTestEngine('postgresql', { env: { ...env, ORDO_DISABLE_WORKERS: '1' }, plugins: [listener().module] });
    await setupShop(a, { variants: [{ sku: 'F', price: 100, stock: { 'wh-a': 50 } }] });
    const placed: string[] = [];
    for (let i = 0; i < 10; i++) placed.push(ok(await a.gql(PLACE_ORDER, { input: orderInput([{ sku: 'F', quantity: 1 }]) })).placeOrder.order.id);
    await until(async () => Number((await a!.sql('SELECT COUNT(*) AS n FROM outbox_event WHERE published_at_ms IS NULL'))[0].n) === 0);
    // The confirmations went out in groups (with their orders' other events), so the replays below add
    // group jobs again, which read their events back from the database.
    const grouped = await a.sql(`SELECT COUNT(*) AS n FROM outbox_event WHERE type = 'order.confirmed' AND job_key IS NOT NULL`);
    expect(Number(grouped[0].n)).toBe(10);
    // ...and Redis loses them all.
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.flushdb();
    redis.disconnect();
    // A worker process comes up: the sweeper finds the unprocessed events and publishes them again.
    const l = listener();
    b = await startTestEngine('postgresql', { env, plugins: [l.module] });
    await until(() => new Set(l.heard.map((e) => e.payload.orderId)).size >= 10, 30_000);
    expect([...new Set(l.heard.map((e) => e.payload.orderId))].sort()).toEqual([...placed].sort());
    await until(async () => Number((await b!.sql('SELECT COUNT(*) AS n FROM outbox_event WHERE processed_at_ms IS NULL'))[0].n) === 0, 30_000);
  });
});
