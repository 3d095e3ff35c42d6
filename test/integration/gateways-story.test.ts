// Jane's order from placement to refund with real gateways instead of `test-card` and `sim`: the stripe
// and easypost plugins, enabled from a config file, against local fakes of Stripe's and EasyPost's HTTP
// APIs (through their official SDKs). She quotes (a live rate), pays by card (a PaymentIntent authorized,
// captured when her parcel ships), her parcel gets a bought label and is tracked to her door by EasyPost's
// signed webhooks, she returns one unit with an EasyPost return label, and the refund goes back to her card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, pluginImport, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { APPROVE_RETURN, RECEIVE_RETURN, REQUEST_RETURN } from '../helpers/returns.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-api.js';
import { startFakeEasyPost, type FakeEasyPost } from '../fakes/easypost-api.js';

const ORDER = `query($id: ID!) { order(id: $id) {
  id status paymentStatus subtotal shippingTotal total
  lines { id sku quantity quantityReturned }
  payments { status amount amountCaptured amountRefunded transactionId method }
  shipments { id status carrierCode trackingNumber labelUrl }
  invoices { kind total }
} }`;
const QUOTE = `query($i: PlaceOrderInput!) { quoteOrder(input: $i) { total shippingTotal shippingMethods { code price } } }`;

describe.each(DB_KINDS)("Jane's order with Stripe and EasyPost on %s", (kind) => {
  let t: TestEngine;
  let stripe: FakeStripe;
  let easypost: FakeEasyPost;
  beforeAll(async () => {
    [stripe, easypost] = await Promise.all([startFakeStripe(), startFakeEasyPost()]);
    easypost.rates = easypost.rates.map((r) => ({ ...r, currency: 'EUR' }));
    t = await startTestEngine(kind, {
      configFile: `import { stripe } from ${JSON.stringify(pluginImport('plugins/stripe/index.ts'))};
import { easypost } from ${JSON.stringify(pluginImport('plugins/easypost/index.ts'))};
export default { plugins: [
  stripe({ secretKey: ${JSON.stringify(stripe.secretKey)}, apiBase: ${JSON.stringify(stripe.url)}, webhookSecret: 'whsec_ordofakestorysecret0123456789' }),
  easypost({ apiKey: ${JSON.stringify(easypost.apiKey)}, apiBase: ${JSON.stringify(easypost.url)}, webhookSecret: ${JSON.stringify(easypost.webhookSecret)} }),
] };`,
    });
    await setupShop(t, { locations: [{ code: 'dc', priority: 10, autoFulfill: true }], variants: [{ sku: 'TEA', price: 1500, weightGrams: 250, stock: { dc: 10 } }] });
    ok(await t.admin(`mutation($i: UpdateStockLocationInput!) { updateStockLocation(code: "dc", input: $i) { code } }`, {
      i: { address: { line1: 'Am Hafen 2', city: 'Bremen', postalCode: '28195' }, parcelBox: { lengthCm: 25, widthCm: 20, heightCm: 10, tareGrams: 150 } },
    }));
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { code } }`, {
      i: { code: 'priority', name: 'Priority', carrierCode: 'easypost', serviceCode: 'USPS/Priority', carrierRated: true, price: 0, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 5 },
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await Promise.all([stripe?.close(), easypost?.close()]);
  });

  it('placement → shipped → delivered → return → refund', async () => {
    const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
    const input = orderInput([{ sku: 'TEA', quantity: 3 }], { shippingMethodCode: 'priority', payment: { method: 'stripe', token: 'pm_card_visa' } });

    // She sees the carrier's live rate and pays exactly the quoted total.
    const quote = ok(await t.gql(QUOTE, { i: input })).quoteOrder;
    expect(quote.shippingTotal).toBe(945);
    const placed = ok(await t.gql(PLACE_ORDER, { input })).placeOrder;
    expect(placed.order).toMatchObject({ status: 'CONFIRMED', total: quote.total, shippingTotal: 945 });
    const intentId = placed.order.payments[0].transactionId;
    expect(stripe.intents.get(intentId)).toMatchObject({ amount: quote.total, status: 'requires_capture', capture_method: 'manual' });

    // The workers pack and label it with EasyPost; it ships and the card is captured.
    const shipped = await until(() => order(placed.order.id), (o) => o.status === 'SHIPPED' && o.paymentStatus === 'PAID');
    const s = shipped.shipments[0];
    const label = [...easypost.shipments.values()].find((x) => x.reference === s.id)!;
    expect(s).toMatchObject({ carrierCode: 'easypost', trackingNumber: label.tracking_code });
    expect(label.selected_rate).toMatchObject({ carrier: 'USPS', service: 'Priority' });
    expect(label.to_address).toMatchObject({ name: ADDRESS.name, street1: ADDRESS.line1 });
    expect(stripe.intents.get(intentId)).toMatchObject({ status: 'succeeded', amount_received: quote.total });

    // EasyPost tells the engine the parcel arrived.
    const body = easypost.trackerEvent(s.trackingNumber, ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered']);
    const res = await fetch(new URL('/webhooks/carriers/easypost', t.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-hmac-signature': easypost.sign(body) }, body });
    expect(res.status).toBe(200);
    const delivered = await until(() => order(placed.order.id), (o) => o.status === 'DELIVERED');

    // One tin came damaged: she returns it with the label EasyPost made, the warehouse receives it.
    const asked = ok(await t.gql(REQUEST_RETURN, {
      i: { orderId: delivered.id, resolution: 'REFUND', lines: [{ orderLineId: delivered.lines[0].id, quantity: 1, reason: 'DAMAGED' }] },
    }, placed.accessToken)).requestReturn;
    ok(await t.admin(APPROVE_RETURN, { id: asked.id }));
    const labelled = await until(async () => ok(await t.gql(`query($id: ID!) { returnRequest(id: $id) { trackingNumber labelUrl } }`, { id: asked.id }, placed.accessToken)).returnRequest, (r) => !!r.trackingNumber);
    expect([...easypost.shipments.values()].find((x) => x.reference === asked.id)).toMatchObject({ is_return: true, tracking_code: labelled.trackingNumber });
    ok(await t.admin(RECEIVE_RETURN, { id: asked.id, lines: [{ returnLineId: asked.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }));

    // The tin's price with its tax goes back to her card, and (damaged: the shop's fault) the shipping she
    // paid with its tax; the money reconciles.
    const refunded = await until(() => order(placed.order.id), (o) => o.paymentStatus === 'PARTIALLY_REFUNDED' && o.invoices.some((i: any) => i.kind === 'CREDIT_NOTE'));
    const back = refunded.payments[0].amountRefunded;
    expect(back).toBe(1500 + Math.round(1500 * 0.19) + 945 + Math.round(945 * 0.19));
    expect(stripe.refunds.filter((r) => r.payment_intent === intentId)).toMatchObject([{ amount: back, status: 'succeeded' }]);
    expect(refunded.lines[0].quantityReturned).toBe(1);
    await settled(t);
    await expectReconciled(t, { orderIds: [placed.order.id] });
  });
});
