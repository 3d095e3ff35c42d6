// The housekeeping jobs as they run in production: scheduled by the engine as repeatable jobs and run
// by its workers through the queue (no direct call, no made-up clock), with short settings. Once on the
// in-process queue (SQLite) and once on Redis with BullMQ job schedulers (PostgreSQL). The effects: an
// unpaid `manual` order is CANCELLED once the TTL has passed (not before), its stock released; a paid
// one is left alone; a shipment that stands still is flagged EXCEPTION.
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { REDIS_URL } from '../helpers/services.js';
import { until } from '../helpers/until.js';

const EVERY_MS = 300;
const UNPAID_TTL_MS = 2_000;
const STUCK_MS = 2_000;
/** Timestamps are taken by different statements a few milliseconds apart: "not before" allows for that. */
const SLACK_MS = 50;
const ORDER = `query($id: ID!) { order(id: $id) {
  id status paymentStatus
  history { type toStatus actor message at }
  shipments { id status }
} }`;
const CAPTURE = `mutation($id: ID!) { capturePayment(id: $id) { status } }`;

const SETUPS: { queue: string; kind: DbKind; redis: boolean }[] = [
  { queue: 'the in-process queue', kind: 'sqlite', redis: false },
  { queue: 'BullMQ job schedulers in Redis', kind: 'postgresql', redis: true },
];

describe.each(SETUPS)('housekeeping jobs scheduled on $queue ($kind)', ({ kind, redis }) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind, {
      redis,
      env: { ORDO_HOUSEKEEPING_EVERY_MS: String(EVERY_MS), ORDO_UNPAID_ORDER_TTL_MS: String(UNPAID_TTL_MS), ORDO_STUCK_SHIPMENT_MS: String(STUCK_MS) },
    });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [
        { sku: 'UNPAID', price: 400, stock: { 'wh-b': 10 } },
        { sku: 'MAN', price: 700, stock: { 'wh-a': 20 } },
      ],
    });
  });
  afterAll(async () => t?.stop());

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = async (sku: string, quantity: number, extra = {}) => ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }], extra) })).placeOrder.order;
  const level = async (sku: string, code: string) => {
    const [row] = await t.sql('SELECT sl.on_hand, sl.reserved FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?', [sku, code]);
    return { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
  };
  const ms = (at: string) => new Date(at).getTime();

  it('cancels an unpaid manual order once the TTL has passed and releases its stock; a paid one stays', async () => {
    const unpaid = await place('UNPAID', 4, { payment: { method: 'manual' } });
    const paid = await place('UNPAID', 1, { payment: { method: 'manual' } });
    expect([unpaid.status, paid.status]).toEqual(['PENDING', 'PENDING']);
    expect(ok(await t.admin(CAPTURE, { id: paid.payments[0].id })).capturePayment.status).toBe('PAID');
    expect(await level('UNPAID', 'wh-b')).toEqual({ onHand: 10, reserved: 5 });

    const cancelled = await until(() => order(unpaid.id), (o) => o.status === 'CANCELLED', UNPAID_TTL_MS + 15_000);
    const placedAt = ms(cancelled.history[0].at);
    const cancel = cancelled.history.find((h: any) => h.toStatus === 'CANCELLED');
    expect(cancel).toMatchObject({ type: 'STATUS_CHANGED', actor: 'system' });
    expect(cancel.message).toMatch(/not paid within/);
    // Not before the TTL: the job's cutoff is the setting, not "whenever it runs".
    expect(ms(cancel.at) - placedAt).toBeGreaterThanOrEqual(UNPAID_TTL_MS - SLACK_MS);
    // The reserved units are back on sale; the paid order keeps its unit.
    expect(await level('UNPAID', 'wh-b')).toEqual({ onHand: 10, reserved: 1 });
    expect((await order(paid.id)).status).not.toBe('CANCELLED');
    if (redis) await expectSchedulers();
  });

  it('flags a shipment that stood still longer than the setting as EXCEPTION', async () => {
    const placed = await place('MAN', 1);
    const routed = await until(() => order(placed.id), (o) => o.shipments.length === 1);
    expect(routed.shipments[0].status).toBe('PENDING');
    await until(() => order(placed.id), (o) => o.shipments[0].status === 'EXCEPTION', STUCK_MS + 15_000);
    // Read again: one query reads the history and the shipments with statements of their own, so the answer
    // that first showed EXCEPTION may have read the history just before the flag's commit. This one cannot.
    const flagged = await order(placed.id);
    const created = flagged.history.find((h: any) => h.type === 'SHIPMENT_CREATED');
    const exception = flagged.history.find((h: any) => h.type === 'SHIPMENT_EXCEPTION');
    expect(exception).toMatchObject({ actor: 'system' });
    expect(exception.message).toMatch(/flagged: PENDING/);
    expect(ms(exception.at) - ms(created.at)).toBeGreaterThanOrEqual(STUCK_MS - SLACK_MS);
    if (redis) await expectSchedulers();
  });

  /** With Redis the schedule lives in Redis (one job scheduler per job, every EVERY_MS) and its runs are BullMQ jobs. */
  async function expectSchedulers() {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const q = new Queue('housekeeping', { connection: connection as unknown as ConnectionOptions, prefix: t.env.ORDO_REDIS_PREFIX });
    try {
      const schedulers = await q.getJobSchedulers();
      expect(schedulers.map((s) => [s.name, Number(s.every)]).sort()).toEqual([
        ['housekeeping.cancelUncollectedPickups', EVERY_MS],
        ['housekeeping.cancelUnpaidOrders', EVERY_MS],
        ['housekeeping.flagStuckShipments', EVERY_MS],
        ['housekeeping.releasePreorders', EVERY_MS],
      ]);
      const done = new Set((await q.getCompleted(0, 200)).map((j) => j.name));
      expect([...done].sort()).toEqual(expect.arrayContaining(['housekeeping.cancelUnpaidOrders', 'housekeeping.flagStuckShipments']));
      expect([...done].every((name) => name.startsWith('housekeeping.'))).toBe(true);
    } finally {
      await q.close();
      connection.disconnect();
    }
  }
});
