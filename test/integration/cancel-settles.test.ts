// Cancelling settles the money (issue 13, item 1), on both databases: an authorization is voided, what
// was captured is refunded through the provider once (by a job, keyed by the refund's id), the credit
// note follows, reservations are released, plugins hear `order.cancellation_settled`. A provider that
// refuses the refund leaves the order CANCELLED with the refund PENDING, retried, and listed in
// unreconciledOrders until the money is back. Each test ends with the reconciliation check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { definePlugin, type PaymentProvider } from '../../src/index.js';
import { retryPendingRefunds } from '../../src/payments/cancellation-refunds.js';
import type { Em } from '../../src/kernel/db/orm.js';

const PAYMENT_FIELDS = 'id status amount amountCaptured amountRefunded refunds { amount reason status }';
const ORDER = `query($id: ID!) { order(id: $id) {
  id number status paymentStatus total
  payments { ${PAYMENT_FIELDS} }
  invoices { kind total correctsInvoice { number } }
  history { type message }
} }`;
const CANCEL = `mutation($id: ID!, $reason: String, $key: String) { cancelOrder(id: $id, reason: $reason, idempotencyKey: $key) { status paymentStatus payments { ${PAYMENT_FIELDS} } } }`;
const CAPTURE = `mutation($id: ID!) { capturePayment(id: $id) { status } }`;
const REFUND = `mutation($id: ID!, $amount: Money!) { refundPayment(id: $id, amount: $amount) { status amountRefunded } }`;
const UNRECONCILED = `{ unreconciledOrders { id } }`;
const RESERVED = 'SELECT COALESCE(SUM(reserved), 0) AS n FROM stock_level sl JOIN product_variant v ON v.id = sl.variant_id WHERE v.sku = ?';

/** A card gateway whose refunds fail while `failRefunds` > 0; it keeps every refund key it was sent. */
const gateway = { failRefunds: 0, refundKeys: [] as string[] };
const flakyCard: PaymentProvider = {
  code: 'flaky-card',
  async authorize(req) { return { outcome: 'authorized', transactionId: `fc_auth_${req.idempotencyKey.slice(-12)}` }; },
  async capture(req) { return { outcome: 'captured', transactionId: `fc_cap_${req.idempotencyKey.slice(-12)}` }; },
  async void() {},
  async refund(req) {
    gateway.refundKeys.push(req.idempotencyKey);
    if (gateway.failRefunds > 0) {
      gateway.failRefunds--;
      return { outcome: 'failed', reason: 'The gateway is unavailable.' };
    }
    return { outcome: 'succeeded', transactionId: `fc_ref_${gateway.refundKeys.length}` };
  },
};

const REFUND_ATTEMPTS = 3;

describe.each(DB_KINDS)('cancelling settles the money on %s', (kind: DbKind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind, {
      env: { ORDO_REFUND_ATTEMPTS: String(REFUND_ATTEMPTS), ORDO_REFUND_BACKOFF_MS: '20' },
      plugins: [definePlugin({ name: 'flaky-gateway', providers: { payment: [flakyCard] } })],
    });
    await setupShop(t, { variants: [{ sku: 'C1', price: 1000, stock: { 'wh-a': 100 } }, { sku: 'C2', price: 2500, stock: { 'wh-a': 100 } }] });
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
      i: { code: 'eager', name: 'Eager shop', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT' },
    }));
  }, 60_000);
  afterAll(async () => t?.stop());

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const reserved = async (sku: string) => Number((await t.sql(RESERVED, [sku]))[0].n);
  const unreconciled = async () => ok(await t.admin(UNRECONCILED)).unreconciledOrders.map((o: any) => o.id) as string[];
  const settledEvents = async (orderId: string) =>
    (await t.sql("SELECT payload FROM outbox_event WHERE type = 'order.cancellation_settled' AND aggregate_id = ?", [orderId]))
      .map((e: any) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload));
  /** Places on the ON_PLACEMENT channel and waits for the capture job. */
  async function captured(lines: { sku: string; quantity: number }[], payment = { method: 'test-card', token: 'tok_visa' }) {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput(lines, { channelCode: 'eager', payment }) })).placeOrder;
    return until(() => order(placed.order.id), (o) => o.paymentStatus === 'PAID' && o.invoices.length === 1);
  }

  it('a captured order cancelled: refunded in full once, credit note for the invoice, stock released, plugins told', async () => {
    const o = await captured([{ sku: 'C1', quantity: 2 }, { sku: 'C2', quantity: 1 }]);
    expect(await reserved('C1')).toBe(2);
    const ask = { id: o.id, reason: 'customer called', key: `cancel-${o.id}` };
    const cancelled = ok(await t.admin(CANCEL, ask)).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');
    // A retry with its key (the answer was lost): the cancelled order, nothing more; the key for another request: CONFLICT.
    expect(ok(await t.admin(CANCEL, ask)).cancelOrder.status).toBe('CANCELLED');
    expect(codeOf(await t.admin(CANCEL, { ...ask, reason: 'other' }))).toBe('CONFLICT');
    expect(await reserved('C1')).toBe(0);
    expect(await reserved('C2')).toBe(0);

    const after = await until(() => order(o.id), (x) => x.paymentStatus === 'REFUNDED' && x.invoices.length === 2);
    expect(after.payments[0]).toMatchObject({ status: 'REFUNDED', amountCaptured: o.total, amountRefunded: o.total });
    expect(after.payments[0].refunds).toEqual([{ amount: o.total, reason: 'Order cancelled', status: 'SUCCEEDED' }]);
    const [invoice, note] = after.invoices;
    expect(note).toMatchObject({ kind: 'CREDIT_NOTE', total: o.total });
    expect(note.correctsInvoice).toBeTruthy();
    expect(invoice.kind).toBe('INVOICE');
    expect(after.history.map((h: any) => h.type)).toEqual(expect.arrayContaining(['PAYMENT_REFUND_PENDING', 'PAYMENT_REFUNDED', 'CREDIT_NOTE_ISSUED']));
    expect(after.history.find((h: any) => h.type === 'STATUS_CHANGED' && /cancelled/.test(h.message)).message).toMatch(/to be refunded/);
    expect(await until(() => settledEvents(o.id), (e) => e.length === 1)).toEqual([expect.objectContaining({ orderId: o.id, refunded: o.total, voided: 0 })]);

    // Cancelling again changes nothing and refunds nothing more.
    expect(codeOf(await t.admin(CANCEL, { id: o.id }))).toBe('INVALID_STATE_TRANSITION');
    expect((await order(o.id)).payments[0].refunds).toHaveLength(1);
    await until(unreconciled, (ids) => !ids.includes(o.id));
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('a partly refunded order cancelled: only what is left is refunded', async () => {
    const o = await captured([{ sku: 'C1', quantity: 1 }]);
    ok(await t.admin(REFUND, { id: o.payments[0].id, amount: 300 }));
    ok(await t.admin(CANCEL, { id: o.id }));
    const after = await until(() => order(o.id), (x) => x.paymentStatus === 'REFUNDED' && x.invoices.length === 3);
    expect(after.payments[0].refunds.map((r: any) => r.amount)).toEqual([300, o.total - 300]);
    expect(after.invoices.filter((i: any) => i.kind === 'CREDIT_NOTE').map((i: any) => i.total)).toEqual([300, o.total - 300]);
    await until(unreconciled, (ids) => !ids.includes(o.id));
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('an authorized order cancelled: voided, nothing refunded, plugins told', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'C1', quantity: 1 }]) })).placeOrder; // default channel: captured on shipment
    const cancelled = ok(await t.admin(CANCEL, { id: placed.order.id })).cancelOrder;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', paymentStatus: 'VOIDED' });
    expect(cancelled.payments[0].refunds).toEqual([]);
    expect(await until(() => settledEvents(placed.order.id), (e) => e.length === 1)).toEqual([expect.objectContaining({ refunded: 0, voided: placed.order.total })]);
    await expectReconciled(t, { orderIds: [placed.order.id] });
  });

  it('a refund the provider refuses: CANCELLED, refund pending and retried, unreconciled until the money is back', async () => {
    const o = await captured([{ sku: 'C2', quantity: 2 }], { method: 'flaky-card', token: 'x' });
    gateway.failRefunds = 1000;
    gateway.refundKeys = [];
    const cancelled = ok(await t.admin(CANCEL, { id: o.id })).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.payments[0]).toMatchObject({ status: 'PAID', refunds: [{ amount: o.total, reason: 'Order cancelled', status: 'PENDING' }] });
    expect(await reserved('C2')).toBe(0);

    // The job tries ORDO_REFUND_ATTEMPTS times, each with the same key, and each refusal is in the history.
    const failing = await until(() => order(o.id), (x) => x.history.filter((h: any) => h.type === 'PAYMENT_REFUND_FAILED').length === REFUND_ATTEMPTS);
    expect(failing.payments[0]).toMatchObject({ status: 'PAID', amountRefunded: 0 });
    expect(new Set(gateway.refundKeys).size).toBe(1);
    expect(gateway.refundKeys).toHaveLength(REFUND_ATTEMPTS);
    expect(await unreconciled()).toContain(o.id);

    // Housekeeping tries again while the gateway still refuses: still pending, still listed.
    expect(await retryPendingRefunds(t.engine.app, t.em() as Em, 0)).toBe(0);
    expect(await unreconciled()).toContain(o.id);

    // The gateway is back: the next housekeeping run refunds, once, with the same key.
    gateway.failRefunds = 0;
    expect(await retryPendingRefunds(t.engine.app, t.em() as Em, 0)).toBe(1);
    expect(await retryPendingRefunds(t.engine.app, t.em() as Em, 0)).toBe(0);
    const after = await until(() => order(o.id), (x) => x.paymentStatus === 'REFUNDED' && x.invoices.length === 2);
    expect(after.payments[0].refunds).toEqual([{ amount: o.total, reason: 'Order cancelled', status: 'SUCCEEDED' }]);
    expect(new Set(gateway.refundKeys).size).toBe(1);
    await until(unreconciled, (ids) => !ids.includes(o.id));
    expect(await until(() => settledEvents(o.id), (e) => e.length === 1)).toEqual([expect.objectContaining({ refunded: o.total })]);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('a refund refused twice is settled by the job on its third try', async () => {
    const o = await captured([{ sku: 'C1', quantity: 3 }], { method: 'flaky-card', token: 'x' });
    gateway.failRefunds = 2;
    gateway.refundKeys = [];
    ok(await t.admin(CANCEL, { id: o.id }));
    const after = await until(() => order(o.id), (x) => x.paymentStatus === 'REFUNDED' && x.invoices.length === 2);
    expect(after.history.filter((h: any) => h.type === 'PAYMENT_REFUND_FAILED')).toHaveLength(2);
    expect(after.history.filter((h: any) => h.type === 'PAYMENT_REFUNDED')).toHaveLength(1);
    expect(gateway.refundKeys).toHaveLength(3);
    expect(new Set(gateway.refundKeys).size).toBe(1);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('a staff capture of a cancelled order is refused; the whole shop reconciles', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'C1', quantity: 1 }]) })).placeOrder;
    ok(await t.admin(CANCEL, { id: placed.order.id }));
    expect(codeOf(await t.admin(CAPTURE, { id: placed.order.payments[0].id }))).toBe('INVALID_STATE_TRANSITION');
    await until(unreconciled, (ids) => ids.length === 0);
    await expectReconciled(t);
  });
});
