// The fulfillment sweeper, on both databases: when Redis loses a chained job after its event was
// acknowledged (a confirmed order's routing job, the routing job that was walking a shipment and stopped
// at PACKED for a carrier outage), the sweeper adds the next step's job once the work has stood still for the retry time, and the job runs: the order is routed and its
// shipment walks on to SHIPPED. Nothing but the sweeper can bring these jobs back (the events are
// processed, so the outbox has nothing to republish).
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { REDIS_URL } from '../helpers/services.js';
import { until } from '../helpers/until.js';
import { CarrierService } from '../../src/fulfillment/carriers/carrier.service.js';
import { SimCarrier } from '../../src/fulfillment/carriers/sim-carrier.js';

/** The retry time: work that stood still this long is swept (the sweeper also runs this often). */
const RETRY_MS = 1_000;
const ORDER = `query($id: ID!) { order(id: $id) { id status shipments { id status } } }`;

describe.each(DB_KINDS)('fulfillment sweeper on %s', (kind) => {
  let t: TestEngine;
  let redis: Redis;
  const queues: Queue[] = [];
  /** A BullMQ handle on one of the engine's queues, in the engine's Redis prefix: what an operator (or a failover) does to Redis. */
  const queue = (name: string) => {
    const q = new Queue(name, { connection: redis as unknown as ConnectionOptions, prefix: t.env.ORDO_REDIS_PREFIX });
    queues.push(q);
    return q;
  };

  beforeAll(async () => {
    t = await startTestEngine(kind, { redis: true, env: { ORDO_OUTBOX_RETRY_MS: String(RETRY_MS) } });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await setupShop(t, { locations: [{ code: 'auto', priority: 5, autoFulfill: true }], variants: [{ sku: 'SW', price: 1000, stock: { auto: 10 } }] });
  });
  afterAll(async () => {
    for (const q of queues) await q.close();
    redis?.disconnect();
    await t?.stop();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = async () => ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SW', quantity: 1 }]) })).placeOrder.order;
  const processed = async (type: string, orderId: string) =>
    (await t.sql('SELECT processed_at_ms FROM outbox_event WHERE type = ? AND aggregate_id = ?', [type, orderId])).some((r: any) => r.processed_at_ms != null);
  /** The jobs waiting in a paused queue. */
  const waiting = async (q: Queue) => (await q.getJobs(['wait', 'paused', 'prioritized'] as Parameters<Queue['getJobs']>[0])).map((j) => ({ id: j.id!, name: j.name, data: j.data }));

  /** Redis forgets a queue's jobs: every key of it is deleted; workers pick up whatever is added after. */
  async function lose(q: Queue, jobIds: string[]) {
    await q.obliterate({ force: true });
    await q.resume();
    // The jobs the event handlers added are gone (what the sweeper adds from now on has ids of its own).
    for (const id of jobIds) expect(await q.getJob(id)).toBeUndefined();
  }

  it('a routing job lost after order.confirmed was handled: added again, the order is routed and shipped', async () => {
    const fulfillment = queue('fulfillment');
    // Paused: the routing jobs wait in Redis where a flush can take them.
    await fulfillment.pause();
    const placed = [await place(), await place()];
    for (const o of placed) expect(o.status).toBe('CONFIRMED');
    // The events are handled (their handler added the routing job) and acknowledged.
    const before = await until(async () => ({
      handled: await Promise.all(placed.map((o) => processed('order.confirmed', o.id))),
      jobs: await waiting(fulfillment),
    }), (s) => s.handled.every(Boolean) && placed.every((o) => s.jobs.some((j) => j.name === 'fulfillment.route' && j.data.orderId === o.id)));
    await lose(fulfillment, before.jobs.map((j) => j.id));

    // Only the sweeper can bring them back; it does once the orders stood still for RETRY_MS.
    const done = await Promise.all(placed.map((o) => until(() => order(o.id), (x) => x.status === 'SHIPPED', 20_000)));
    for (const o of done) {
      expect(o.shipments).toHaveLength(1);
      expect(o.shipments[0].status).toBe('SHIPPED');
    }
    const logged = await t.sql("SELECT COUNT(*) AS n FROM stock_movement WHERE reason = 'SHIPPED' AND order_id IN (?, ?)", placed.map((o) => o.id));
    expect(Number(logged[0].n)).toBe(2);
  });

  it('a walk stopped at PACKED by a carrier outage, its job lost: the sweeper restarts it, the shipment is labelled and shipped', async () => {
    // The carrier is down: the routing job walks the shipment to PACKED, then fails at the label and
    // waits out its backoff in Redis, where it is lost.
    const sim = new SimCarrier();
    let down = true;
    t.engine.app.service(CarrierService).register({
      code: 'sim', cancelLabel: (n) => sim.cancelLabel(n), parseWebhook: (b, h) => sim.parseWebhook(b, h),
      createLabel: async (req) => {
        if (down) throw new Error('carrier unavailable');
        return sim.createLabel(req);
      },
    });
    const fulfillment = queue('fulfillment');
    const placed = await place();
    const packed = await until(() => order(placed.id), (x) => x.shipments[0]?.status === 'PACKED');
    const shipmentId = packed.shipments[0].id;
    const retrying = await until(async () => (await fulfillment.getJobs(['delayed', 'wait', 'active'])).filter((j) => j.name === 'fulfillment.route' && j.data.orderId === placed.id), (jobs) => jobs.length > 0 && jobs.every((j) => j.attemptsMade > 0));
    await fulfillment.pause();
    await lose(fulfillment, retrying.map((j) => j.id!));
    down = false;

    const shipped = await until(() => order(placed.id), (x) => x.status === 'SHIPPED', 20_000);
    expect(shipped.shipments).toEqual([{ id: shipmentId, status: 'SHIPPED' }]);
    const [s] = await t.sql('SELECT tracking_number FROM shipment WHERE id = ?', [shipmentId]);
    expect(s.tracking_number).toBeTruthy();
    t.engine.app.service(CarrierService).register(sim);
  });
});
