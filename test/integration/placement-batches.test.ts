// placeOrder's group commit (PostgreSQL, orders/placement-batches.ts): one-SKU orders that arrive together
// share a transaction, and a batch with a refused order in it gives every caller the answer it would have
// had alone: the refused one its error and nothing of it written, the others their orders; each order's
// events carry its own request's trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../../src/kernel/tracing.js';
import { definePlugin, type PaymentProvider } from '../../src/index.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';

const exporter = new InMemorySpanExporter();
beforeAll(() => startTracing({ serviceName: 'ordo-test', exporter }));
afterAll(() => stopTracing());

/** Keys it was asked to authorize with, in order; declines tok_declined. Answers in process (local). */
const asked: string[] = [];
const recordingCard: PaymentProvider = {
  code: 'recording-card',
  local: true,
  async authorize(req) {
    asked.push(req.idempotencyKey);
    return req.token === 'tok_declined' ? { outcome: 'declined', reason: 'Declined by the test.' } : { outcome: 'authorized', transactionId: `rc_${req.idempotencyKey}` };
  },
  async capture(req) { return { outcome: 'captured', transactionId: `rc_cap_${req.idempotencyKey}` }; },
  async void() {},
  async refund(req) { return { outcome: 'succeeded', transactionId: `rc_ref_${req.idempotencyKey}` }; },
};
/** A gateway across the network (not local): its orders keep their own transactions. */
const gatewayCard: PaymentProvider = {
  ...recordingCard,
  code: 'gateway-card',
  local: undefined,
  async authorize(req) {
    await new Promise((r) => setTimeout(r, 2));
    return { outcome: 'authorized', transactionId: `gw_${req.idempotencyKey}` };
  },
};

const METRICS_TOKEN = 'batch-metrics-token-0123456789';
/** One sample of /metrics, by its exact series name. */
async function metric(t: TestEngine, series: string): Promise<number> {
  const body = await (await fetch(new URL('/metrics', t.url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

const LEVELS = `query($sku: String!) { stockLevels(sku: $sku) { location { code } onHand reserved } }`;

describe('placeOrder group commit on PostgreSQL', () => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine('postgresql', {
      env: { ORDO_DISABLE_WORKERS: '1', ORDO_METRICS_TOKEN: METRICS_TOKEN },
      plugins: [definePlugin({ name: 'test-cards', providers: { payment: [recordingCard, gatewayCard] } })],
    });
    await setupShop(t, {
      locations: [{ code: 'wh', priority: 10 }],
      variants: [
        ...Array.from({ length: 12 }, (_, i) => ({ sku: `G${i}`, price: 1000 + i, stock: { wh: 1000 } })),
        { sku: 'FEW', price: 700, stock: { wh: 3 } },
      ],
      taxPercent: 19,
      shippingPrice: 495,
    });
  });
  afterAll(async () => t?.stop());

  const reserved = async (sku: string) => ok(await t.admin(LEVELS, { sku })).stockLevels[0].reserved as number;

  it('commits orders placed at the same moment together: fewer transactions than orders, every order whole', async () => {
    const N = 48;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => t.gql(PLACE_ORDER, { input: orderInput([{ sku: `G${i % 12}`, quantity: 1 + (i % 3) }]) })));
    const orders = answers.map((a) => ok(a).placeOrder.order);
    expect(orders.every((o) => o.status === 'CONFIRMED' && o.paymentStatus === 'AUTHORIZED')).toBe(true);
    expect(new Set(orders.map((o) => o.number)).size).toBe(N);
    // The transaction that inserted each order row (PostgreSQL's xmin): shared ones commit together.
    const rows = await t.sql<{ id: string; tx: string; lines: string; payments: string; history: string; events: string }>(
      `SELECT o.id, o.xmin::text AS tx,
        (SELECT count(*) FROM order_line l WHERE l.order_id = o.id AND l.xmin = o.xmin) AS lines,
        (SELECT count(*) FROM payment p WHERE p.order_id = o.id AND p.xmin = o.xmin) AS payments,
        (SELECT count(*) FROM order_history_entry h WHERE h.order_id = o.id AND h.xmin = o.xmin) AS history,
        (SELECT count(*) FROM outbox_event e WHERE e.aggregate_id = o.id) AS events
       FROM orders o WHERE o.id IN (${orders.map(() => '?').join(', ')})`, orders.map((o) => o.id));
    expect(rows).toHaveLength(N);
    const transactions = new Set(rows.map((r) => r.tx)).size;
    expect(transactions).toBeLessThan(N);
    // What an operator sees: every order in one batch, fewer batches than orders, none placed again.
    expect(await metric(t, 'ordo_place_batch_size_sum')).toBe(N);
    expect(await metric(t, 'ordo_place_batch_size_count')).toBeLessThan(N);
    expect(await metric(t, 'ordo_place_batches_placed_again_total')).toBe(0);
    // Each order's line, payment and history were written by its order's transaction, its events too.
    for (const r of rows) expect([Number(r.lines), Number(r.payments), Number(r.history), Number(r.events) >= 2]).toEqual([1, 1, 2, true]);
    // Stock: each SKU reserved exactly what its orders asked for.
    for (let s = 0; s < 12; s++) {
      const asked = orders.flatMap((o) => o.lines).filter((l: any) => l.sku === `G${s}`).reduce((n: number, l: any) => n + l.quantity, 0);
      expect(await reserved(`G${s}`)).toBe(asked);
    }
  });

  it('answers a refused order of a batch with its own error and writes nothing of it; its neighbours are placed', async () => {
    const before = { few: await reserved('FEW'), g0: await reserved('G0'), orders: (await t.sql(`SELECT count(*) AS n FROM orders`))[0].n };
    // At the same moment: good orders, declined cards, and more FEW than there is (3 units, 5 orders of 1).
    const asks = [
      ...Array.from({ length: 10 }, () => orderInput([{ sku: 'G0', quantity: 1 }])),
      ...Array.from({ length: 4 }, () => orderInput([{ sku: 'G0', quantity: 1 }], { payment: { method: 'test-card', token: 'tok_declined' } })),
      ...Array.from({ length: 5 }, () => orderInput([{ sku: 'FEW', quantity: 1 }])),
    ];
    const answers = await Promise.all(asks.map((input) => t.gql(PLACE_ORDER, { input })));
    const good = answers.slice(0, 10), declined = answers.slice(10, 14), few = answers.slice(14);
    expect(good.map((a) => ok(a).placeOrder.order.status)).toEqual(Array(10).fill('CONFIRMED'));
    expect(declined.map(codeOf)).toEqual(Array(4).fill('PAYMENT_DECLINED'));
    const placedFew = few.filter((a) => !a.errors);
    expect(placedFew).toHaveLength(3);
    expect(few.filter((a) => a.errors).map(codeOf)).toEqual(['INSUFFICIENT_STOCK', 'INSUFFICIENT_STOCK']);
    // Only the placed orders hold stock, and only they exist.
    expect(await reserved('G0')).toBe(before.g0 + 10);
    expect(await reserved('FEW')).toBe(before.few + 3);
    expect(Number((await t.sql(`SELECT count(*) AS n FROM orders`))[0].n)).toBe(Number(before.orders) + 13);
  });

  it("records each batched order's events under its own request's trace", async () => {
    exporter.reset();
    const N = 16;
    const PLACE = `mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }`;
    const ids = (await Promise.all(Array.from({ length: N }, (_, i) => t.gql(PLACE, { input: orderInput([{ sku: `G${i % 12}`, quantity: 1 }]) }))))
      .map((a) => ok(a).placeOrder.order.id as string);
    const marks = ids.map(() => '?').join(', ');
    const shared = await t.sql(`SELECT count(DISTINCT xmin::text) AS n FROM orders WHERE id IN (${marks})`, ids);
    expect(Number(shared[0].n)).toBeLessThan(N); // some of them were batched
    const events = await t.sql<{ aggregate_id: string; trace_parent: string | null }>(
      `SELECT aggregate_id, trace_parent FROM outbox_event WHERE type = 'order.placed' AND aggregate_id IN (${marks})`, ids);
    expect(events).toHaveLength(N);
    const traces = events.map((e) => e.trace_parent?.split('-')[1]);
    // The traces of the N placeOrder operations, one each: every order's event is in its own.
    const operations = new Set(exporter.getFinishedSpans().filter((sp) => sp.name === 'mutation PlaceOrder').map((sp) => sp.spanContext().traceId));
    expect(operations.size).toBe(N);
    expect(new Set(traces).size).toBe(N);
    for (const tr of traces) expect(operations.has(tr!)).toBe(true);
  });

  it('asks the payment provider again with the same key when a batch is placed again alone', async () => {
    asked.length = 0;
    const againBefore = await metric(t, 'ordo_place_batches_placed_again_total');
    const pay = (token: string) => ({ payment: { method: 'recording-card', token } });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.gql(PLACE_ORDER, { input: orderInput([{ sku: `G${i % 12}`, quantity: 1 }], pay(i % 5 === 4 ? 'tok_declined' : 'tok_visa')) })));
    const placed = answers.filter((a) => !a.errors).map((a) => a.data.placeOrder.order);
    expect(placed).toHaveLength(16);
    expect(answers.filter((a) => a.errors).map(codeOf)).toEqual(Array(4).fill('PAYMENT_DECLINED'));
    // Each placement kept one key however often it was asked (a batch with a decline in it is placed
    // again, order by order); a placed order's key is its id, and its payment the one authorization.
    expect(new Set(asked).size).toBe(20);
    expect(asked.length).toBeGreaterThan(20);
    expect(await metric(t, 'ordo_place_batches_placed_again_total')).toBeGreaterThan(againBefore);
    for (const o of placed) expect(o.payments.map((p: any) => p.transactionId)).toEqual([`rc_${o.id}`]);
  });

  it('keeps orders paid through a gateway in transactions of their own', async () => {
    const N = 12;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
      t.gql(PLACE_ORDER, { input: orderInput([{ sku: `G${i}`, quantity: 1 }], { payment: { method: 'gateway-card', token: 'tok_visa' } }) })));
    const ids = answers.map((a) => ok(a).placeOrder.order.id as string);
    const rows = await t.sql(`SELECT count(DISTINCT xmin::text) AS n FROM orders WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    expect(Number(rows[0].n)).toBe(N);
  });
});
