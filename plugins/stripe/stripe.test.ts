// The stripe plugin on both databases, against a local fake of Stripe's HTTP API (test/fakes/stripe-api.ts)
// spoken to through the official SDK: an order authorizes a PaymentIntent with manual capture, is captured
// by the channel's policy (in part when units were cancelled first), voided or refunded when cancelled; a
// declined card changes nothing; every call that moves money carries an idempotency key made from the
// engine's own, so a retried placement creates one intent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../../test/helpers/engine.js';
import { codeOf, fieldOf, ok } from '../../test/helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../../test/helpers/fixtures.js';
import { until } from '../../test/helpers/until.js';
import { settled } from '../../test/helpers/settled.js';
import { expectReconciled } from '../../test/helpers/reconcile.js';
import { startFakeStripe, type FakeStripe } from '../../test/fakes/stripe-api.js';
import { stripe } from './index.js';

const ORDER = `query($id: ID!) { order(id: $id) { id status paymentStatus total lines { id } payments { id status amount amountCaptured amountRefunded transactionId } invoices { kind total } shipments { id status } } }`;
const CARD = (pm: string) => ({ method: 'stripe', token: pm });

describe.each(DB_KINDS)('stripe payments on %s', (kind) => {
  let t: TestEngine;
  let fake: FakeStripe;
  beforeAll(async () => {
    fake = await startFakeStripe();
    t = await startTestEngine(kind, { plugins: [stripe({ secretKey: fake.secretKey, apiBase: fake.url, statementDescriptor: 'ORDO SHOP' })] });
    await setupShop(t, { locations: [{ code: 'wh-a', priority: 10 }], variants: [{ sku: 'ST', price: 1250, stock: { 'wh-a': 100 } }] });
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
      i: { code: 'eager', name: 'Capture on placement', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT' },
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = (pm: string, extra: Record<string, unknown> = {}, key?: string) => t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'ST', quantity: 2 }], { payment: CARD(pm), ...extra }), key });

  it('authorizes a PaymentIntent with manual capture, captures it on placement, refunds it when the order is cancelled', async () => {
    const key = `st-${kind}-1`;
    const placed = ok(await place('pm_card_visa', { channelCode: 'eager' }, key)).placeOrder.order;
    expect(placed.status).toBe('CONFIRMED');
    const pi = fake.intents.get(placed.payments[0].transactionId)!;
    expect(pi).toMatchObject({ amount: placed.total, currency: 'eur', capture_method: 'manual', payment_method: 'pm_card_visa', receipt_email: 'jane@example.com', statement_descriptor_suffix: 'ORDO SHOP' });
    // A retry with the engine's key: the engine answers the first order, Stripe holds one intent for it.
    expect(ok(await place('pm_card_visa', { channelCode: 'eager' }, key)).placeOrder.order.id).toBe(placed.id);
    expect([...fake.intents.values()].filter((i) => i.amount === placed.total && i.created >= pi.created)).toHaveLength(1);
    const creation = fake.requests.find((r) => r.path === '/v1/payment_intents' && r.method === 'POST')!;
    expect(creation.idempotencyKey).toMatch(/^ordo-auth-/);

    const paid = await until(() => order(placed.id), (o) => o.paymentStatus === 'PAID');
    expect(paid.payments[0].amountCaptured).toBe(placed.total);
    expect(fake.intents.get(pi.id)).toMatchObject({ status: 'succeeded', amount_received: placed.total });
    const capture = fake.requests.find((r) => r.path === `/v1/payment_intents/${pi.id}/capture`)!;
    expect(capture.idempotencyKey).toBe(`ordo-capture-${placed.payments[0].id}`);

    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "changed mind") { status } }`, { id: placed.id }));
    const refunded = await until(() => order(placed.id), (o) => o.paymentStatus === 'REFUNDED' && o.invoices.length === 2);
    expect(refunded.invoices.map((i: any) => i.kind)).toEqual(['INVOICE', 'CREDIT_NOTE']);
    expect(fake.refunds.filter((r) => r.payment_intent === pi.id)).toMatchObject([{ amount: placed.total, status: 'succeeded' }]);
    await settled(t);
    await expectReconciled(t, { orderIds: [placed.id] });
  });

  it('captures only what the order owes after units were cancelled, and cancels the intent of an order cancelled before capture', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'ST', quantity: 3 }], { payment: CARD('pm_card_mastercard') }) })).placeOrder.order;
    const routed = await until(() => order(placed.id), (o) => o.shipments.length === 1);
    const cut = ok(await t.admin(`mutation($o: ID!, $l: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $o, lines: $l) { total } }`, { o: placed.id, l: [{ orderLineId: routed.lines[0].id, quantity: 1 }] })).cancelOrderLines;
    const s = routed.shipments[0].id;
    for (const m of ['markShipmentPicked', 'markShipmentPacked']) ok(await t.admin(`mutation($id: ID!) { ${m}(id: $id) { id } }`, { id: s }));
    await until(() => order(placed.id), (o) => o.shipments[0].status === 'LABELLED');
    ok(await t.admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { id } }`, { id: s }));
    await until(() => order(placed.id), (o) => o.paymentStatus === 'PAID');
    expect(fake.intents.get(placed.payments[0].transactionId)).toMatchObject({ status: 'succeeded', amount: placed.total, amount_received: cut.total });

    const other = ok(await place('pm_card_visa')).placeOrder.order;
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "fraud check") { status } }`, { id: other.id }));
    expect(fake.intents.get(other.payments[0].transactionId)!.status).toBe('canceled');
    await settled(t);
    await expectReconciled(t, { orderIds: [placed.id, other.id] });
  });

  it("a declined card is PAYMENT_DECLINED with Stripe's reason and changes nothing; a token that is no PaymentMethod is BAD_USER_INPUT", async () => {
    const before = await snapshot(t);
    const declined = await place('pm_card_chargeDeclinedInsufficientFunds');
    expect(codeOf(declined)).toBe('PAYMENT_DECLINED');
    expect(declined.errors![0].message).toBe('Payment declined: Your card has insufficient funds. (insufficient_funds)');
    const wrong = await place('tok_visa');
    expect([codeOf(wrong), fieldOf(wrong)]).toEqual(['BAD_USER_INPUT', 'payment.token']);
    expect(await snapshot(t)).toEqual(before);
    // The secret key is nowhere the API can reach: the plugin keeps no options.
    expect((t.engine.app.modules.find((m) => m.name === 'stripe') as { options?: unknown }).options).toBeUndefined();
  });
});
