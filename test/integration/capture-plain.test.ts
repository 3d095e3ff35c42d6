// The capture job's plain path (payments/capture-plain.ts) against the ORM's (captureIn), on both
// databases: two engines with the same shop take the same orders, one as it is and one with a guard on
// the payment machine that refuses nothing (a guard sends the capture the ORM's way). The job's work is
// run directly (the channel captures at the first shipment, and nothing ships here): both must capture
// the same money and leave the same payment, ledger row, history, events and order, the plain one in
// fewer statements; a refusal, a repeat and a cancelled order end alike too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { normalizer } from '../helpers/normalize.js';
import { definePlugin } from '../../src/kernel/module.js';
import { sqlCounter } from '../../src/kernel/db/sql-counter.js';
import { captureForOrder } from '../../src/payments/capture-for-order.js';
import type { Em } from '../../src/kernel/db/orm.js';

const paymentGuard = definePlugin({ name: 'pass-through-payment-guard', guards: { payment: [() => undefined] } });

/**
 * The orders each engine places: a plain card, a card whose captures fail, one to cancel; then four
 * captured at once (a card, another card, one whose captures fail, one cancelled first).
 */
const TOKENS = ['tok_visa', 'tok_capture_fails', 'tok_visa', 'tok_visa', 'tok_mastercard', 'tok_capture_fails', 'tok_visa'] as const;

interface Run {
  t: TestEngine;
  orders: string[];
}

async function start(kind: DbKind, plugins: ReturnType<typeof definePlugin>[]): Promise<Run> {
  const t = await startTestEngine(kind, { plugins });
  await setupShop(t, { variants: [{ sku: 'CAP', price: 1250, stock: { 'wh-a': 20 } }] });
  const orders: string[] = [];
  for (const token of TOKENS) {
    orders.push(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CAP', quantity: 2 }], { payment: { method: 'test-card', token } }) })).placeOrder.order.id);
  }
  await settled(t);
  return { t, orders };
}

/** The capture job's work for one order, and the statements it sent. */
async function capture(r: Run, orderId: string, attempt: number, attempts: number): Promise<{ captured?: number; error?: string; statements: number }> {
  const [outcome] = await captureAtOnce(r, [orderId], attempt, attempts);
  return outcome;
}

/** The capture jobs of several orders run at the same moment, as a worker runs them; all their statements in `statements`. */
async function captureAtOnce(r: Run, orderIds: string[], attempt: number, attempts: number): Promise<{ captured?: number; error?: string; statements: number }[]> {
  const store = { count: 0 };
  const outcomes = await sqlCounter.run(store, () => Promise.all(orderIds.map((orderId) => {
    const em = r.t.engine.app.orm.em.fork() as Em;
    return captureForOrder(r.t.engine.app, em, orderId, attempt, attempts, 'captured by the test').then((n) => ({ captured: n }), (e: Error) => ({ error: e.message }));
  })));
  await settled(r.t); // what their events start (the invoices) has run
  return outcomes.map((o) => ({ ...o, statements: store.count }));
}

/** What a capture writes, comparable across the engines. */
async function rowsOf(r: Run, orderId: string) {
  const { t } = r;
  const [order] = await t.sql('SELECT status, held_from, payment_status, version FROM orders WHERE id = ?', [orderId]);
  const payments = await t.sql('SELECT id, status, amount, amount_captured, amount_refunded, captures_open, version FROM payment WHERE order_id = ? ORDER BY id', [orderId]);
  const operations = await t.sql('SELECT kind, amount, status, reason, provider_transaction_id, idempotency_key, settles_change FROM payment_operation WHERE order_id = ? ORDER BY id', [orderId]);
  const history = await t.sql('SELECT type, from_status, to_status, actor, message FROM order_history_entry WHERE order_id = ? ORDER BY id', [orderId]);
  const events = (await t.sql('SELECT type, payload FROM outbox_event WHERE aggregate_id = ? ORDER BY id', [orderId]))
    .map((e: any) => ({ type: e.type, payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload }));
  const n = (v: unknown) => Number(v);
  // Numbers and booleans as numbers: the databases' drivers answer them differently.
  return normalizer()({
    order: { ...order, version: n(order.version) },
    payments: payments.map((p: any) => ({ ...p, amount: n(p.amount), amount_captured: n(p.amount_captured), amount_refunded: n(p.amount_refunded), captures_open: n(p.captures_open), version: n(p.version) })),
    operations: operations.map((o: any) => ({ ...o, amount: n(o.amount), settles_change: n(o.settles_change) })),
    history, events,
  });
}

describe.each(DB_KINDS)('the plain capture and the ORM capture on %s', (kind: DbKind) => {
  let plain: Run;
  let orm: Run;

  beforeAll(async () => {
    [plain, orm] = [await start(kind, []), await start(kind, [paymentGuard])];
  }, 120_000);
  afterAll(async () => {
    await plain?.t.stop();
    await orm?.t.stop();
  });

  it('captures the order total and writes the same rows, in fewer statements', async () => {
    const [a, b] = [await capture(plain, plain.orders[0], 1, 5), await capture(orm, orm.orders[0], 1, 5)];
    expect(a.captured).toBe(1);
    expect(b.captured).toBe(1);
    // Two reads and three writes (on PostgreSQL one insert for the ledger row, the history and the events), BEGIN and COMMIT.
    expect(a.statements).toBeLessThanOrEqual(kind === 'postgresql' ? 7 : 9);
    expect(b.statements).toBeGreaterThan(a.statements + 3);
    const rows = await rowsOf(plain, plain.orders[0]) as any;
    expect(rows).toEqual(await rowsOf(orm, orm.orders[0]));
    expect(rows.payments).toMatchObject([{ status: 'PAID', version: 2 }]);
    expect(rows.payments[0].amount_captured).toBe(rows.payments[0].amount);
    expect(rows.payments[0].amount).toBeGreaterThan(2 * 1250);
    expect(rows.operations).toMatchObject([{ kind: 'CAPTURE', amount: rows.payments[0].amount, status: 'SUCCEEDED' }]);
    expect(rows.order.payment_status).toBe('PAID');
    expect(rows.events.map((e: any) => e.type).filter((t: string) => t.startsWith('payment.') || t.startsWith('order.payment'))).toEqual(['payment.captured', 'order.payment_status_changed']);
    const captured = rows.history.find((h: any) => h.type === 'PAYMENT_CAPTURED');
    expect(captured).toMatchObject({ actor: 'system' });
    expect(captured.message).toMatch(/^Payment captured: .* \(transaction <tc_\d+>\)\. Captured by the test; attempt 1 of 5\.$/);
  });

  it('a repeated job captures nothing more', async () => {
    for (const r of [plain, orm]) {
      const before = await rowsOf(r, r.orders[0]);
      expect((await capture(r, r.orders[0], 2, 5)).captured).toBe(0);
      expect(await rowsOf(r, r.orders[0])).toEqual(before);
    }
  });

  it('a refused capture is written to the history and retried; the last refusal holds the order in both', async () => {
    const [a, b] = [await capture(plain, plain.orders[1], 1, 2), await capture(orm, orm.orders[1], 1, 2)];
    expect(normalizer()(a.error)).toBe(normalizer()(b.error));
    expect(a.error).toMatch(/^capture failed \(payment pay_\w+: The issuer refused the capture/);
    expect(await rowsOf(plain, plain.orders[1])).toEqual(await rowsOf(orm, orm.orders[1]));
    const [c, d] = [await capture(plain, plain.orders[1], 2, 2), await capture(orm, orm.orders[1], 2, 2)];
    expect([c.captured, d.captured]).toEqual([0, 0]);
    const rows = await rowsOf(plain, plain.orders[1]) as any;
    expect(rows).toEqual(await rowsOf(orm, orm.orders[1]));
    expect(rows.order).toMatchObject({ status: 'ON_HOLD', held_from: 'CONFIRMED', payment_status: 'AUTHORIZED' });
    expect(rows.history.map((h: any) => h.type).filter((t: string) => t.startsWith('PAYMENT_CAPTURE'))).toEqual(['PAYMENT_CAPTURE_FAILED', 'PAYMENT_CAPTURE_FAILED']);
    expect(rows.operations).toEqual([]);
  });

  it('a cancelled order is not captured', async () => {
    for (const r of [plain, orm]) {
      ok(await r.t.admin('mutation($id: ID!) { cancelOrder(id: $id, reason: "test") { status } }', { id: r.orders[2] }));
      await settled(r.t);
      const before = await rowsOf(r, r.orders[2]);
      expect((await capture(r, r.orders[2], 1, 5)).captured).toBe(0);
      expect(await rowsOf(r, r.orders[2])).toEqual(before);
    }
    expect(await rowsOf(plain, plain.orders[2])).toEqual(await rowsOf(orm, orm.orders[2]));
  });

  it('captures asked at once share one transaction and end as each would alone', async () => {
    const batch = (r: Run) => r.orders.slice(3);
    for (const r of [plain, orm]) {
      ok(await r.t.admin('mutation($id: ID!) { cancelOrder(id: $id, reason: "test") { status } }', { id: batch(r)[3] }));
      await settled(r.t);
    }
    const a = await captureAtOnce(plain, batch(plain), 1, 5);
    // The ORM's engine one after the other: what each would do alone.
    const b = [];
    for (const id of batch(orm)) b.push(await capture(orm, id, 1, 5));
    const outcomes = (os: typeof a) => normalizer()(os.map((o) => [o.captured, o.error]));
    expect(outcomes(a)).toEqual(outcomes(b));
    expect(a.map((o) => o.captured)).toEqual([1, 1, undefined, 0]);
    expect(a[2].error).toMatch(/^capture failed \(payment pay_\w+: The issuer refused the capture/);
    // The invoices their captures start are numbered in the order they run: side by side here, one after the other there.
    const unnumbered = async (r: Run, id: string) => JSON.parse(JSON.stringify(await rowsOf(r, id)).replace(/INV-DEFAULT-\d+/g, 'INV-DEFAULT-n'));
    for (const [i, id] of batch(plain).entries()) expect(await unnumbered(plain, id)).toEqual(await unnumbered(orm, batch(orm)[i]));
    // One BEGIN, two reads, the writes of both captures and one insert per table, one COMMIT (PostgreSQL):
    // fewer than two captures alone.
    if (kind === 'postgresql') expect(a[0].statements).toBeLessThan(2 * 7);
    const captured = (await plain.t.sql("SELECT order_id FROM payment WHERE status = 'PAID' ORDER BY order_id")).map((p: any) => p.order_id);
    expect(captured).toEqual(expect.arrayContaining(batch(plain).slice(0, 2)));
    expect(captured).not.toContain(batch(plain)[2]);
    expect(captured).not.toContain(batch(plain)[3]);
  });
});
