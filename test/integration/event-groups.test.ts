// Event groups (kernel/outbox/event-group.ts): the events one relay pass publishes for the first time
// share a job of the events queue. Each event is still handled once, by every handler, with its own
// payload; one that fails is retried alone while its group mates are not run again. On the in-process
// queue with SQLite and on BullMQ with PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { defineModule, type DomainEvent } from '../../src/kernel/module.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';

/** Counts every call of its handlers per event; the first confirmation it hears fails on its first attempt. */
function recorder() {
  const calls: { type: string; id: number; orderId: string; attempt: number }[] = [];
  const failed: { orderId: string | null } = { orderId: null };
  const record = async (e: DomainEvent, ctx: { attempt: number }) => {
    const orderId = String(e.aggregateId);
    calls.push({ type: e.type, id: e.id, orderId, attempt: ctx.attempt });
    if (e.type === 'order.confirmed' && ctx.attempt === 1 && (failed.orderId ?? orderId) === orderId) {
      failed.orderId = orderId;
      throw new Error('test: the first confirmation fails once');
    }
  };
  const module = defineModule({ name: 'test-recorder', on: { 'order.placed': record, 'order.confirmed': record } });
  return { calls, module, failed };
}

describe.each([
  ['in-process queue, SQLite', 'sqlite', false],
  ['BullMQ on Redis, PostgreSQL', 'postgresql', true],
] as const)('event groups with %s', (_name, kind, redis) => {
  let t: TestEngine;
  afterAll(async () => t?.stop());

  it('an order\'s events share a job, each handled once; a failing one is retried alone', async () => {
    const r = recorder();
    t = await startTestEngine(kind, { redis, plugins: [r.module] });
    await setupShop(t, { variants: [{ sku: 'G', price: 100, stock: { 'wh-a': 20 } }] });
    // The first confirmation heard fails once. The placement of that order, recorded in the same commit,
    // is in the same group and must not run again when the job is retried.
    const orders: string[] = [];
    for (let i = 0; i < 4; i++) orders.push(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'G', quantity: 1 }]) })).placeOrder.order.id);
    await until(async () => Number((await t.sql('SELECT COUNT(*) AS n FROM outbox_event WHERE processed_at_ms IS NULL'))[0].n), (n) => n === 0);
    await settled(t);
    const first = r.failed.orderId;
    expect(orders).toContain(first);

    // Both events of an order were committed together: one pass published them, as one group job.
    const rows: { id: number | string; type: string; aggregate_id: string; job_key: string | null }[] = await t.sql(
      `SELECT id, type, aggregate_id, job_key FROM outbox_event WHERE type IN ('order.placed', 'order.confirmed') ORDER BY id`,
    );
    for (const orderId of orders) {
      const own = rows.filter((x) => x.aggregate_id === orderId);
      expect(own.map((x) => x.type).sort()).toEqual(['order.confirmed', 'order.placed']);
      expect(own[0].job_key).toMatch(/^evts-\d+-\d+$/);
      expect(own[1].job_key).toBe(own[0].job_key);
    }
    // Every event reached the handler with its own payload, once; the failed confirmation twice (its
    // first attempt failed), and nothing of its group a second time.
    for (const orderId of orders) {
      const placed = r.calls.filter((c) => c.type === 'order.placed' && c.orderId === orderId);
      const confirmed = r.calls.filter((c) => c.type === 'order.confirmed' && c.orderId === orderId);
      expect(placed.map((c) => c.attempt)).toEqual([1]);
      expect(confirmed.map((c) => c.attempt)).toEqual(orderId === first ? [1, 2] : [1]);
      expect(placed[0].id).toBe(Number(rows.find((x) => x.aggregate_id === orderId && x.type === 'order.placed')!.id));
    }
    expect(await t.engine.app.queue.failed('events')).toEqual([]);
  });
});
