// The stripe plugin on both databases, against a local fake of Stripe's HTTP API (test/fakes/stripe-api.ts)
// spoken to through the official SDK: an order authorizes a PaymentIntent with manual capture, is captured
// by the channel's policy (in part when units were cancelled first), voided or refunded when cancelled; a
// declined card changes nothing; every call that moves money carries an idempotency key made from the
// engine's own, so a retried placement creates one intent. A channel that captures per shipment captures
// each shipment from one intent with Stripe's multicapture (final_capture=false until the last), releases
// what it still holds when the rest is cancelled, and takes the whole order at the first shipment when the
// card has no multicapture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, pluginImport, startTestEngine, type TestEngine } from '../../test/helpers/engine.js';
import { codeOf, fieldOf, ok } from '../../test/helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../../test/helpers/fixtures.js';
import { until } from '../../test/helpers/until.js';
import { settled } from '../../test/helpers/settled.js';
import { expectReconciled } from '../../test/helpers/reconcile.js';
import { startFakeStripe, type FakeStripe } from '../../test/fakes/stripe-api.js';
import { stripeProvider } from './stripe-provider.js';
import Stripe from 'stripe';

const WEBHOOK_SECRET = 'whsec_ordofaketestsecret0123456789';
const signer = new Stripe('sk_test_signer_only_0123456789');

const ORDER = `query($id: ID!) { order(id: $id) { id status paymentStatus total lines { id } payments { id status amount amountCaptured amountRefunded transactionId } invoices { kind total } shipments { id status } } }`;
const CARD = (pm: string) => ({ method: 'stripe', token: pm });

describe.each(DB_KINDS)('stripe payments on %s', (kind) => {
  let t: TestEngine;
  let fake: FakeStripe;
  beforeAll(async () => {
    fake = await startFakeStripe();
    // Enabled by a config file, as a deployment enables it: keys in the file, not in the code.
    t = await startTestEngine(kind, {
      configFile: `import { stripe } from ${JSON.stringify(pluginImport('plugins/stripe/index.ts'))};
export default { plugins: [stripe({ secretKey: ${JSON.stringify(fake.secretKey)}, apiBase: ${JSON.stringify(fake.url)}, statementDescriptor: 'ORDO SHOP', webhookSecret: ${JSON.stringify(WEBHOOK_SECRET)} })] };`,
    });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [{ sku: 'ST', price: 1250, stock: { 'wh-a': 100 } }, { sku: 'FAR', price: 2500, stock: { 'wh-b': 100 } }],
    });
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
      i: { code: 'eager', name: 'Capture on placement', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT' },
    }));
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
      i: { code: 'split', name: 'Pay as it ships', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'PER_SHIPMENT' },
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

  /** Stripe's event for the intent, signed as Stripe signs it, POSTed to the plugin's endpoint. */
  async function deliver(type: string, intent: unknown, signature?: string) {
    const payload = JSON.stringify({ id: `evt_${Math.random().toString(36).slice(2)}`, object: 'event', type, api_version: '2025-10-29.clover', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: intent } });
    const res = await fetch(t.url.replace(/\/graphql$/, '/webhooks/stripe'), {
      method: 'POST', body: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': signature ?? signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
    });
    return { status: res.status, body: await res.json() as { received?: number; applied?: number } };
  }
  const BUYER_VIEW = `query($id: ID!) { order(id: $id) { status paymentStatus payments { status transactionId nextAction { type clientSecret } } history { type message } } }`;
  const reserved = async () => Number((await t.sql(`SELECT reserved FROM stock_level WHERE sku = 'ST'`))[0].reserved);

  it('3-D Secure: the order waits PENDING with the client secret; a signed webhook confirms it once, or cancels it when the step failed', async () => {
    const before = await reserved();
    const placed = ok(await place('pm_card_authenticationRequired', { channelCode: 'eager' })).placeOrder;
    const view = async () => ok(await t.gql(BUYER_VIEW, { id: placed.order.id }, placed.accessToken)).order;
    const waiting = await view();
    const pi = fake.intents.get(waiting.payments[0].transactionId)!;
    expect(waiting).toMatchObject({ status: 'PENDING', paymentStatus: 'PENDING', payments: [{ status: 'PENDING', nextAction: { type: 'use_stripe_sdk', clientSecret: pi.client_secret } }] });
    expect(await reserved()).toBe(before + 2);

    // The buyer passes 3-D Secure with Stripe.js; Stripe tells the engine. A forged event changes nothing.
    const intent = fake.authenticate(pi.id, true);
    expect((await deliver('payment_intent.amount_capturable_updated', intent, 't=1,v1=forged')).status).toBe(400);
    expect((await view()).status).toBe('PENDING');
    // Delivered three times, and a stale failure after it: the order changes once.
    expect((await deliver('payment_intent.amount_capturable_updated', intent)).body).toEqual({ received: 1, applied: 1 });
    expect((await deliver('payment_intent.amount_capturable_updated', intent)).body).toEqual({ received: 1, applied: 0 });
    expect((await deliver('payment_intent.amount_capturable_updated', intent)).body).toEqual({ received: 1, applied: 0 });
    expect((await deliver('payment_intent.payment_failed', { ...intent, status: 'requires_payment_method', last_payment_error: { message: 'late' } })).body).toEqual({ received: 1, applied: 0 });
    const paid = await until(view, (o) => o.paymentStatus === 'PAID');
    expect(paid.status).toBe('CONFIRMED');
    expect(paid.payments[0].nextAction).toBeNull();
    expect(fake.intents.get(pi.id)).toMatchObject({ status: 'succeeded', amount_received: placed.order.total });

    // Failed: the payment is DECLINED, the order cancelled, its stock back on sale.
    const second = ok(await place('pm_card_authenticationRequired')).placeOrder;
    const pi2 = (await t.sql('SELECT transaction_id FROM payment WHERE order_id = ?', [second.order.id]))[0].transaction_id as string;
    expect((await deliver('payment_intent.payment_failed', fake.authenticate(pi2, false))).body).toEqual({ received: 1, applied: 1 });
    const failed = await until(async () => ok(await t.gql(BUYER_VIEW, { id: second.order.id }, second.accessToken)).order, (o) => o.status === 'CANCELLED');
    expect(failed.paymentStatus).toBe('DECLINED');
    expect(failed.history.find((h: any) => h.type === 'PAYMENT_DECLINED').message).toMatch(/failed: The provided PaymentMethod has failed authentication\./);
    // The first order's two units stay reserved for it; the failed one's are back on sale.
    expect(await reserved()).toBe(before + 2);
    await settled(t);
    await expectReconciled(t, { orderIds: [placed.order.id, second.order.id] });
  });

  it('a capture whose answer is lost is retried with the same key and captures once; a refund Stripe answers 500 is retried too', async () => {
    const placed = ok(await place('pm_card_visa')).placeOrder.order;
    const pi = placed.payments[0].transactionId as string;
    fake.failNext(`/v1/payment_intents/${pi}/capture`, 'drop');
    const captured = ok(await t.admin(`mutation($id: ID!) { capturePayment(id: $id) { status amountCaptured } }`, { id: placed.payments[0].id })).capturePayment;
    expect(captured).toEqual({ status: 'PAID', amountCaptured: placed.total });
    const tries = fake.requests.filter((r) => r.path === `/v1/payment_intents/${pi}/capture`);
    expect(tries).toHaveLength(2);
    expect(new Set(tries.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(fake.intents.get(pi)).toMatchObject({ status: 'succeeded', amount_received: placed.total });

    fake.failNext('/v1/refunds', 'server-error');
    ok(await t.admin(`mutation($id: ID!, $a: Money!) { refundPayment(id: $id, amount: $a, reason: "scratched") { status } }`, { id: placed.payments[0].id, a: 500 }));
    expect(fake.refunds.filter((r) => r.payment_intent === pi).map((r) => r.amount)).toEqual([500]);
    await settled(t);
    await expectReconciled(t, { orderIds: [placed.id], goodwill: new Map([[placed.id, 500]]) });
  });

  it('a dispute is in the history and in unreconciledOrders until it closes; lost, it is a refund the bank made', async () => {
    const placed = ok(await place('pm_card_visa', { channelCode: 'eager' })).placeOrder.order;
    await until(() => order(placed.id), (o) => o.paymentStatus === 'PAID');
    const dispute = { id: `dp_${kind}`, object: 'dispute', amount: placed.total, currency: 'eur', payment_intent: placed.payments[0].transactionId, charge: 'ch_x', reason: 'fraudulent', status: 'needs_response' };
    expect((await deliver('charge.dispute.created', dispute)).body).toEqual({ received: 1, applied: 1 });
    expect((await deliver('charge.dispute.created', dispute)).body).toEqual({ received: 1, applied: 0 });
    const unreconciled = async () => ok(await t.admin(`{ unreconciledOrders { id } }`)).unreconciledOrders.map((o: any) => o.id);
    expect(await unreconciled()).toContain(placed.id);
    const history = async () => ok(await t.admin(`query($id: ID!) { order(id: $id) { history { type message } } }`, { id: placed.id })).order.history;
    expect((await history()).find((h: any) => h.type === 'PAYMENT_DISPUTED').message).toMatch(/^The buyer's bank disputes €\d+\.\d\d \(dispute dp_\w+, fraudulent\): answer it at the provider\.$/);

    expect((await deliver('charge.dispute.closed', { ...dispute, status: 'lost' })).body).toEqual({ received: 1, applied: 1 });
    expect((await deliver('charge.dispute.closed', { ...dispute, status: 'lost' })).body).toEqual({ received: 1, applied: 0 });
    const lost = await until(() => order(placed.id), (o) => o.paymentStatus === 'REFUNDED' && o.invoices.length === 2);
    expect(lost.payments[0]).toMatchObject({ amountCaptured: placed.total, amountRefunded: placed.total });
    await settled(t);
    expect(await unreconciled()).not.toContain(placed.id);
  });

  it('a confirmation token from Stripe.js authorizes like a PaymentMethod', async () => {
    const placed = ok(await place('ctoken_visa')).placeOrder.order;
    expect(placed.payments[0].status).toBe('AUTHORIZED');
    expect(fake.intents.get(placed.payments[0].transactionId)!.payment_method).toBe('pm_card_visa');
  });

  describe('capture policy PER_SHIPMENT (multicapture)', () => {
    const SPLIT = `query($id: ID!) { order(id: $id) { id status paymentStatus total
      lines { id sku lineTotal } payments { id status amount amountCaptured transactionId } invoices { kind total }
      shipments { id status location { code } } history { type message } } }`;
    const split = async (id: string) => ok(await t.admin(SPLIT, { id })).order;
    async function ship(orderId: string, shipmentId: string) {
      for (const m of ['markShipmentPicked', 'markShipmentPacked']) ok(await t.admin(`mutation($id: ID!) { ${m}(id: $id) { id } }`, { id: shipmentId }));
      await until(() => split(orderId), (o) => o.shipments.find((s: any) => s.id === shipmentId).status === 'LABELLED');
      ok(await t.admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { id } }`, { id: shipmentId }));
    }
    /** An order of 2 ST (from wh-a) and FAR units (from wh-b): two shipments. */
    async function placeSplit(pm: string, far = 1) {
      const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'ST', quantity: 2 }, { sku: 'FAR', quantity: far }], { channelCode: 'split', payment: CARD(pm) }) })).placeOrder.order;
      const o = await until(() => split(placed.id), (x) => x.shipments.length === 2);
      const pi = o.payments[0].transactionId as string;
      return {
        o, pi, paymentId: o.payments[0].id as string,
        near: o.shipments.find((s: any) => s.location.code === 'wh-a').id as string,
        far: o.shipments.find((s: any) => s.location.code === 'wh-b').id as string,
        farLine: o.lines.find((l: any) => l.sku === 'FAR'),
      };
    }
    /** The engine's captures of the intent (not the direct calls of a test), with what they sent. */
    const capturesOf = (pi: string) => fake.requests.filter((r) => r.method === 'POST' && r.path === `/v1/payment_intents/${pi}/capture` && r.idempotencyKey?.startsWith('ordo-capture-'));

    it('each shipment captures its share of one intent: final_capture=false for the first, the last closes the intent; PAID, reconciled', async () => {
      const { o, pi, paymentId, near, far, farLine } = await placeSplit('pm_card_visa');
      // Multicapture asked for at creation, and granted to the card.
      expect(fake.intents.get(pi)).toMatchObject({ status: 'requires_capture', amount: o.total, amount_capturable: o.total, payment_method_options: { card: { request_multicapture: 'if_available' } } });
      expect(fake.charge(pi)).toMatchObject({ payment_method_details: { card: { multicapture: { status: 'available' } } } });
      expect(o.payments[0]).toMatchObject({ status: 'AUTHORIZED', amountCaptured: 0 });

      await ship(o.id, near);
      // The two ST with tax and the shipping charge: everything but the FAR line, which stays authorized.
      const share = o.total - farLine.lineTotal;
      const first = await until(() => split(o.id), (x) => x.payments[0].amountCaptured > 0 && x.invoices.length === 1);
      expect(first.payments[0]).toMatchObject({ status: 'PAID', amountCaptured: share });
      expect(first.invoices).toEqual([{ kind: 'INVOICE', total: share }]);
      const [one] = capturesOf(pi);
      expect(one.params).toEqual({ amount_to_capture: String(share), final_capture: 'false' });
      expect(one.idempotencyKey).toBe(`ordo-capture-${paymentId}-shipment-${near}`);
      expect(fake.intents.get(pi)).toMatchObject({ status: 'requires_capture', amount_received: share, amount_capturable: farLine.lineTotal });
      expect(first.history.find((h: any) => h.type === 'PAYMENT_CAPTURED').message)
        .toMatch(new RegExp(`^Payment captured: €\\d+\\.\\d\\d for shipment ${near} \\(transaction ${pi}\\)\\. €\\d+\\.\\d\\d stays authorized for what is still to ship\\.$`));
      await settled(t);
      await expectReconciled(t, { orderIds: [o.id] });

      await ship(o.id, far);
      const all = await until(() => split(o.id), (x) => x.status === 'SHIPPED' && x.payments[0].amountCaptured === o.total && x.invoices.length === 2);
      expect(all.paymentStatus).toBe('PAID');
      expect(all.invoices.map((i: any) => i.total)).toEqual([share, farLine.lineTotal]);
      const [, two, ...more] = capturesOf(pi);
      expect(more).toEqual([]);
      // The last capture is final (no final_capture=false): Stripe closes the intent.
      expect(two.params).toEqual({ amount_to_capture: String(farLine.lineTotal) });
      // Keyed by the shipment, or by the order's `order.shipped` when its job comes first (the other then finds nothing to capture).
      expect([`ordo-capture-${paymentId}-shipment-${far}`, `ordo-capture-${paymentId}-shipment-last`]).toContain(two.idempotencyKey);
      expect(fake.intents.get(pi)).toMatchObject({ status: 'succeeded', amount_received: o.total, amount_capturable: 0 });
      await settled(t);
      await expectReconciled(t, { orderIds: [o.id] });
    });

    it('the rest cancelled instead of shipped: what the intent still holds is released at Stripe, the captured share stays', async () => {
      const { o, pi, paymentId, near, farLine } = await placeSplit('pm_card_mastercard');
      await ship(o.id, near);
      const share = o.total - farLine.lineTotal;
      await until(() => split(o.id), (x) => x.payments[0].amountCaptured === share);
      expect(fake.intents.get(pi)).toMatchObject({ status: 'requires_capture', amount_received: share, amount_capturable: farLine.lineTotal });

      ok(await t.admin(`mutation($o: ID!, $l: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $o, lines: $l, reason: "out of print") { id } }`, { o: o.id, l: [{ orderLineId: farLine.id, quantity: 1 }] }));
      const done = await until(() => split(o.id), (x) => x.status === 'SHIPPED' && x.history.some((h: any) => h.type === 'PAYMENT_RELEASED'));
      expect(done).toMatchObject({ total: share, paymentStatus: 'PAID', payments: [{ status: 'PAID', amountCaptured: share }] });
      const released = fake.requests.filter((r) => r.method === 'POST' && r.path === `/v1/payment_intents/${pi}/cancel`);
      expect(released.map((r) => r.idempotencyKey)).toEqual([`ordo-release-${paymentId}`]);
      // Stripe keeps what was captured and lets the rest go.
      expect(fake.intents.get(pi)).toMatchObject({ status: 'succeeded', amount_received: share, amount_capturable: 0 });
      expect(capturesOf(pi)).toHaveLength(1);
      expect(done.history.some((h: any) => h.type === 'PAYMENT_RELEASE_FAILED')).toBe(false);
      await settled(t);
      await expectReconciled(t, { orderIds: [o.id] });
    });

    it('a card without multicapture: the first shipment captures the whole order in one final capture; a capture of the closed intent fails plainly', async () => {
      const { o, pi, paymentId, near, far } = await placeSplit('pm_card_visa_nomulticapture');
      // Asked for, not granted: the intent can be captured once only.
      expect(fake.intents.get(pi)!.payment_method_options.card.request_multicapture).toBe('if_available');
      expect(fake.charge(pi)).toMatchObject({ payment_method_details: { card: { multicapture: { status: 'unavailable' } } } });

      await ship(o.id, near);
      const first = await until(() => split(o.id), (x) => x.payments[0].amountCaptured > 0 && x.invoices.length === 1);
      expect(first).toMatchObject({ paymentStatus: 'PAID', payments: [{ status: 'PAID', amountCaptured: o.total }], invoices: [{ kind: 'INVOICE', total: o.total }] });
      const [one, ...more] = capturesOf(pi);
      expect(more).toEqual([]);
      expect(one.params).toEqual({ amount_to_capture: String(o.total) });
      expect(one.idempotencyKey).toBe(`ordo-capture-${paymentId}-shipment-${near}`);
      expect(fake.intents.get(pi)).toMatchObject({ status: 'succeeded', amount_received: o.total, amount_capturable: 0 });
      expect(first.history.find((h: any) => h.type === 'PAYMENT_CAPTURED').message)
        .toMatch(new RegExp(`^Payment captured: €\\d+\\.\\d\\d for shipment ${near} \\(transaction ${pi}\\)\\. That is the whole rest of the order, not only the €\\d+\\.\\d\\d of what shipped: this payment can be captured once only\\.$`));

      // The intent is closed: another capture of it, final or not, is refused with a reason that says so.
      const provider = stripeProvider({ secretKey: fake.secretKey, apiBase: fake.url, maxNetworkRetries: 0 });
      for (const final of [false, undefined]) {
        const again = await provider.capture({ transactionId: pi, amount: 100, currencyCode: 'EUR', idempotencyKey: `test-closed-${kind}-${final}`, final });
        expect(again.outcome).toBe('failed');
        expect((again as { reason: string }).reason).toMatch(/^The PaymentIntent cannot be captured any more: its final capture closed it and released the rest \(.*payment_intent_unexpected_state.*\)\.$/);
      }
      expect(fake.intents.get(pi)).toMatchObject({ status: 'succeeded', amount_received: o.total });

      // The second shipment has nothing left to capture: no call to Stripe, the order is paid and settled.
      await ship(o.id, far);
      const all = await until(() => split(o.id), (x) => x.status === 'SHIPPED');
      await settled(t);
      expect(capturesOf(pi)).toHaveLength(1);
      expect(all).toMatchObject({ paymentStatus: 'PAID', payments: [{ amountCaptured: o.total }] });
      expect((await split(o.id)).invoices).toEqual([{ kind: 'INVOICE', total: o.total }]);
      const unreconciled = ok(await t.admin(`{ unreconciledOrders { id } }`)).unreconciledOrders.map((x: any) => x.id);
      expect(unreconciled).not.toContain(o.id);
      await expectReconciled(t, { orderIds: [o.id] });
    });
  });

  it("a declined card is PAYMENT_DECLINED with Stripe's reason and changes nothing; a token that is no PaymentMethod is BAD_USER_INPUT", async () => {
    await settled(t); // what earlier tests started (documents, mails) has finished writing
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
