// POST /payments/webhooks/:code on both databases, with a payment provider of a plugin that settles
// asynchronously (a bank transfer that waits for its money, refunds that settle later) and signs its
// webhooks: a signed delivery changes the payment once, the same delivery again changes nothing (200),
// a bad signature is refused with 400 and changes nothing, and a method without webhooks answers 404.
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, OrdoError, type PaymentProvider } from '../../src/index.js';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';

const SECRET = 'async-pay-webhook-secret';
const ref = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

/** A transfer provider: placement waits (PENDING), the bank's webhook says the money arrived; refunds settle later. */
const asyncPay: PaymentProvider = {
  code: 'async-pay',
  async authorize(req) {
    return { outcome: 'pending', transactionId: ref('ap_tr', req.idempotencyKey) };
  },
  async capture(req) {
    return { outcome: 'captured', transactionId: ref('ap_cap', req.idempotencyKey) };
  },
  async void() {},
  async refund(req) {
    return { outcome: 'pending', transactionId: ref('ap_ref', req.idempotencyKey) };
  },
  async webhook({ headers, rawBody }) {
    if (headers['x-async-pay-signature'] !== sign(rawBody.toString('utf8'))) throw new OrdoError('BAD_USER_INPUT', 'Bad signature.');
    return JSON.parse(rawBody.toString('utf8')).events;
  },
};

const ORDER = `query($id: ID!) { order(id: $id) { status paymentStatus
  payments { id status amountCaptured amountRefunded transactionId refunds { status transactionId amount } }
  history { type } invoices { kind total } } }`;

describe.each(DB_KINDS)('payment webhooks on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind, { plugins: [definePlugin({ name: 'async-pay', providers: { payment: [asyncPay] } })] });
    await setupShop(t, { variants: [{ sku: 'W', price: 2000, stock: { 'wh-a': 20 } }] });
  });
  afterAll(async () => t?.stop());

  const post = (code: string, body: string, signature = sign(body)) =>
    fetch(new URL(`/payments/webhooks/${code}`, t.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-async-pay-signature': signature }, body })
      .then(async (r) => ({ status: r.status, body: await r.json() }));
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const count = (o: any, type: string) => o.history.filter((h: any) => h.type === type).length;

  it('payment.captured confirms a waiting order once; a replay is harmless; a bad signature is refused', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'W', quantity: 1 }], { payment: { method: 'async-pay' } }) })).placeOrder.order;
    let o = await order(placed.id);
    expect(o).toMatchObject({ status: 'PENDING', paymentStatus: 'PENDING' });
    const body = JSON.stringify({ events: [{ type: 'payment.captured', transactionId: o.payments[0].transactionId }] });

    expect(await post('async-pay', body, sign(body).replace(/^./, (c) => (c === '0' ? '1' : '0')))).toMatchObject({ status: 400 });
    expect(await post('async-pay', body, '')).toMatchObject({ status: 400 });
    expect((await order(placed.id)).paymentStatus).toBe('PENDING');

    expect(await post('async-pay', body)).toEqual({ status: 200, body: { received: 1, applied: 1 } });
    o = await order(placed.id);
    expect(o).toMatchObject({ status: 'CONFIRMED', paymentStatus: 'PAID', payments: [{ status: 'PAID', amountCaptured: placed.total }] });
    expect(await post('async-pay', body)).toEqual({ status: 200, body: { received: 1, applied: 0 } });
    await settled(t);
    o = await order(placed.id);
    expect(count(o, 'PAYMENT_CAPTURED')).toBe(1);
    expect(o.invoices.map((i: any) => i.kind)).toEqual(['INVOICE']);
    expect(Number((await t.sql("SELECT COUNT(*) AS n FROM payment_operation WHERE order_id = ? AND kind = 'CAPTURE'", [placed.id]))[0].n)).toBe(1);
  });

  it('refund.succeeded settles a pending refund once; a replay is harmless; a bad signature is refused', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'W', quantity: 1 }], { payment: { method: 'async-pay' } }) })).placeOrder.order;
    const paid = JSON.stringify({ events: [{ type: 'payment.captured', transactionId: (await order(placed.id)).payments[0].transactionId }] });
    expect((await post('async-pay', paid)).status).toBe(200);
    const payId = (await order(placed.id)).payments[0].id;
    ok(await t.admin(`mutation($id: ID!) { refundPayment(id: $id, amount: 500, reason: "late") { status } }`, { id: payId }));
    let o = await order(placed.id);
    expect(o.payments[0].refunds).toMatchObject([{ status: 'PENDING', amount: 500 }]);
    expect(o.payments[0].amountRefunded).toBe(0);
    const body = JSON.stringify({ events: [{ type: 'refund.succeeded', refundTransactionId: o.payments[0].refunds[0].transactionId }] });

    expect(await post('async-pay', body, sign('{}'))).toMatchObject({ status: 400 });
    expect((await order(placed.id)).payments[0].refunds[0].status).toBe('PENDING');

    expect(await post('async-pay', body)).toEqual({ status: 200, body: { received: 1, applied: 1 } });
    expect(await post('async-pay', body)).toEqual({ status: 200, body: { received: 1, applied: 0 } });
    await settled(t);
    o = await order(placed.id);
    expect(o.payments[0]).toMatchObject({ status: 'PARTIALLY_REFUNDED', amountRefunded: 500, refunds: [{ status: 'SUCCEEDED', amount: 500 }] });
    expect(count(o, 'PAYMENT_REFUNDED')).toBe(1);
    expect(o.invoices.map((i: any) => [i.kind, i.total])).toEqual([['INVOICE', placed.total], ['CREDIT_NOTE', 500]]);
  });

  it('a method without webhooks answers 404; an unknown method is refused (400)', async () => {
    expect((await post('test-card', '{}')).status).toBe(404);
    expect(await post('no-such-method', '{}')).toMatchObject({ status: 400, body: { error: 'BAD_USER_INPUT' } });
  });
});
