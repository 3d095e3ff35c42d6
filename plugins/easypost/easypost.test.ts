// The easypost plugin on both databases, against a local fake of EasyPost's HTTP API (test/fakes/easypost-api.ts)
// spoken to through the official SDK: a carrier-rated method is quoted at the fake's live rate (parcel from
// the variants' weights and the location's box) and charged at that price; an auto-fulfilled order gets a
// bought label (the PDF stored, the tracking code on the shipment); signed tracking webhooks move the
// shipment to DELIVERED once however often and in whatever order they come; a forged one is refused; a
// cancelled shipment's postage is refunded; a label bought whose answer was lost is not bought twice;
// an approved return gets a return label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, pluginImport, startTestEngine, type TestEngine } from '../../test/helpers/engine.js';
import { codeOf, fieldOf, ok } from '../../test/helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop, snapshot } from '../../test/helpers/fixtures.js';
import { until } from '../../test/helpers/until.js';
import { settled } from '../../test/helpers/settled.js';
import { APPROVE_RETURN, REQUEST_RETURN } from '../../test/helpers/returns.js';
import { startFakeEasyPost, type FakeEasyPost } from '../../test/fakes/easypost-api.js';
import { pdfTextLines } from '../../src/documents/pdf/pdf-text.js';

const SHIPMENT = `id status carrierCode trackingNumber trackingUrl labelUrl deliveredAt`;
const ORDER = `query($id: ID!) { order(id: $id) { id status shippingTotal total shipments { ${SHIPMENT} } history { type message } } }`;
const QUOTE = `query($i: PlaceOrderInput!) { quoteOrder(input: $i) { shippingMethods { code price carrierCode maxTransitDays selected } shippingTotal problems { path code } } }`;
const METHOD = `mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { code carrierRated serviceCode } }`;

describe.each(DB_KINDS)('easypost carrier on %s', (kind) => {
  let t: TestEngine;
  let fake: FakeEasyPost;
  beforeAll(async () => {
    fake = await startFakeEasyPost();
    fake.rates = fake.rates.map((r) => ({ ...r, currency: 'EUR' }));
    // Enabled by a config file, as a deployment enables it.
    t = await startTestEngine(kind, {
      configFile: `import { easypost } from ${JSON.stringify(pluginImport('plugins/easypost/index.ts'))};
export default { plugins: [easypost({ apiKey: ${JSON.stringify(fake.apiKey)}, apiBase: ${JSON.stringify(fake.url)}, webhookSecret: ${JSON.stringify(fake.webhookSecret)}, timeoutMs: 2000 })] };`,
    });
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 10, autoFulfill: true }, { code: 'hand', priority: 20 }],
      variants: [{ sku: 'MUG', price: 1200, weightGrams: 400, stock: { auto: 50 } }, { sku: 'LAMP', price: 5000, stock: { hand: 20 } }],
    });
    // The address and box the locations pack in: what the carrier is asked to rate and to carry.
    for (const code of ['auto', 'hand']) {
      ok(await t.admin(`mutation($c: String!, $i: UpdateStockLocationInput!) { updateStockLocation(code: $c, input: $i) { code } }`, {
        c: code, i: { address: { line1: 'Lagerstr. 5', city: 'Hamburg', postalCode: '20095', phone: '+49 40 1234567', company: 'Ordo Shop GmbH' }, parcelBox: { lengthCm: 40, widthCm: 30, heightCm: 20, tareGrams: 300 } },
      }));
    }
    ok(await t.admin(METHOD, { i: { code: 'ep-priority', name: 'Priority', carrierCode: 'easypost', serviceCode: 'USPS/Priority', carrierRated: true, price: 150, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 9 } }));
    ok(await t.admin(METHOD, { i: { code: 'ep-cheapest', name: 'Economy', carrierCode: 'easypost', carrierRated: true, price: 0, currencyCode: 'EUR', minTransitDays: 3, maxTransitDays: 9 } }));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const post = (body: string, signature: string) => fetch(new URL('/webhooks/carriers/easypost', t.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-hmac-signature': signature }, body });

  it('quotes the live rates of the parcel and charges the quoted price; the label is bought at that service and stored', async () => {
    const input = orderInput([{ sku: 'MUG', quantity: 3 }], { shippingMethodCode: 'ep-priority' });
    const quote = ok(await t.gql(QUOTE, { i: input })).quoteOrder;
    expect(quote.problems).toEqual([]);
    const options = Object.fromEntries(quote.shippingMethods.map((m: any) => [m.code, m]));
    // Fake rates: USPS GroundAdvantage 6.95 (5 days), Priority 9.45 (2 days); the method adds its handling.
    expect(options['ep-cheapest']).toMatchObject({ price: 695, carrierCode: 'easypost', maxTransitDays: 5, selected: false });
    expect(options['ep-priority']).toMatchObject({ price: 945 + 150, maxTransitDays: 2, selected: true });
    expect(options.standard).toMatchObject({ price: 495 });
    expect(quote.shippingTotal).toBe(1095);
    const rateCalls = fake.requests.filter((r) => r.path === '/beta/rates');
    // 3 mugs of 400 g in a 300 g box, 40 × 30 × 20 cm: in EasyPost's ounces and inches.
    expect(rateCalls.at(-1)!.body.shipment.parcel).toEqual({ length: 15.7, width: 11.8, height: 7.9, weight: 52.9 });
    expect(rateCalls.at(-1)!.body.shipment.from_address).toMatchObject({ street1: 'Lagerstr. 5', city: 'Hamburg', zip: '20095', country: 'DE', company: 'Ordo Shop GmbH' });

    const placed = ok(await t.gql(PLACE_ORDER, { input })).placeOrder.order;
    expect(placed.shippingTotal).toBe(1095);
    // The price of the quote, without asking the carrier again.
    expect(fake.requests.filter((r) => r.path === '/beta/rates')).toHaveLength(rateCalls.length);

    const shipped = await until(() => order(placed.id), (o) => o.status === 'SHIPPED' && !!o.shipments[0]?.labelUrl);
    const s = shipped.shipments[0];
    const ep = [...fake.shipments.values()].find((x) => x.reference === s.id)!;
    expect(ep.selected_rate).toMatchObject({ carrier: 'USPS', service: 'Priority' });
    expect(s).toMatchObject({ carrierCode: 'easypost', trackingNumber: ep.tracking_code, trackingUrl: `https://track.easypost.com/${ep.tracking_code}` });
    expect(ep.to_address).toMatchObject({ name: ADDRESS.name, street1: ADDRESS.line1, zip: ADDRESS.postalCode, country: 'DE' });
    const label = await fetch(new URL(s.labelUrl, t.url));
    expect(label.headers.get('content-type')).toMatch(/application\/pdf/);
    const text = pdfTextLines(Buffer.from(await label.arrayBuffer())).join('\n');
    expect(text).toContain(`Tracking ${ep.tracking_code}`);
    expect(text).toContain('USPS Priority');
  });

  it('a carrier without a rate for the parcel: the quote leaves its methods out and placeOrder refuses, changing nothing', async () => {
    const kept = fake.rates;
    fake.rates = [];
    try {
      const input = orderInput([{ sku: 'MUG', quantity: 7 }], { shippingMethodCode: 'ep-priority' });
      const quote = ok(await t.gql(QUOTE, { i: input })).quoteOrder;
      expect(quote.shippingMethods.map((m: any) => m.code)).toEqual(['standard']);
      expect(quote.problems).toEqual([{ path: 'shippingMethodCode', code: 'BAD_USER_INPUT' }]);
      await settled(t);
      const before = await snapshot(t);
      const res = await t.gql(PLACE_ORDER, { input });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(fieldOf(res)).toMatch(/shippingMethodCode/);
      expect(await snapshot(t)).toEqual(before);
    } finally {
      fake.rates = kept;
    }
  });

  it('an edit that switches a placed order to a carrier-rated method prices it at the rate for the edited parcel', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'LAMP', quantity: 2 }]) })).placeOrder.order;
    expect(placed.shippingTotal).toBe(495);
    const edit = ok(await t.admin(`mutation($o: ID!) { beginOrderEdit(orderId: $o) { id } }`, { o: placed.id })).beginOrderEdit;
    ok(await t.admin(`mutation($e: ID!) { orderEditSetShippingMethod(editId: $e, shippingMethodCode: "ep-priority") { id } }`, { e: edit.id }));
    const preview = ok(await t.admin(`query($e: ID!) { orderEditPreview(editId: $e) { shippingTotal total previousTotal } }`, { e: edit.id })).orderEditPreview;
    expect(preview.shippingTotal).toBe(945 + 150);
    expect(preview.total - preview.previousTotal).toBe(Math.round((945 + 150 - 495) * 1.19));
    // Two lamps without a weight of their own (500 g each) in the 300 g box.
    expect(fake.requests.filter((r) => r.path === '/beta/rates').at(-1)!.body.shipment.parcel.weight).toBe(45.9);
    ok(await t.admin(`mutation($e: ID!) { discardOrderEdit(editId: $e) { id } }`, { e: edit.id }));
  });

  it('tracking webhooks: delivered once when sent three times and out of order; a forged signature is refused and changes nothing', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MUG', quantity: 1 }], { shippingMethodCode: 'ep-cheapest' }) })).placeOrder.order;
    const shipped = await until(() => order(placed.id), (o) => o.status === 'SHIPPED' && !!o.shipments[0]?.trackingNumber);
    const code = shipped.shipments[0].trackingNumber;

    const forged = fake.trackerEvent(code, ['in_transit', 'delivered']);
    const refused = await post(forged, fake.sign(forged, 'not-the-secret'));
    expect(refused.status).toBe(401);
    expect((await order(placed.id)).shipments[0].status).toBe('SHIPPED');

    const start = new Date(Date.now() - 4 * 3_600_000);
    const full = fake.trackerEvent(code, ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'], { start });
    const early = fake.trackerEvent(code, ['pre_transit', 'in_transit'], { start });
    for (const body of [full, early, full, full]) {
      const res = await post(body, fake.sign(body));
      expect(res.status).toBe(200);
    }
    const delivered = await until(() => order(placed.id), (o) => o.status === 'DELIVERED');
    expect(delivered.shipments[0].status).toBe('DELIVERED');
    expect(delivered.history.filter((h: any) => h.type === 'SHIPMENT_DELIVERED' || /DELIVERED/.test(h.message)).length).toBeGreaterThan(0);
    const deliveredMoves = delivered.history.filter((h: any) => /: DELIVERED/.test(h.message));
    expect(deliveredMoves).toHaveLength(1);
    const [{ n }] = await t.sql(`SELECT COUNT(*) AS n FROM tracking_event WHERE shipment_id = ? AND status = 'DELIVERED'`, [delivered.shipments[0].id]);
    expect(Number(n)).toBe(1);
  });

  it('a label bought whose answer was lost is not bought twice; cancelling the shipment refunds its postage', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'LAMP', quantity: 1 }], { shippingMethodCode: 'ep-cheapest' }) })).placeOrder.order;
    const routed = await until(() => order(placed.id), (o) => o.shipments.length === 1);
    const s = routed.shipments[0].id;
    // EasyPost does not answer the shipment's creation in time (the job retries and creates another, left
    // unbought: EasyPost charges only for labels); the answer to the purchase is lost (the provider finds the
    // label on the shipment); then the label file cannot be fetched (the job fails after buying, and its
    // retry takes the label already bought).
    fake.failNext('/v2/shipments', 'hang');
    fake.failNext('/v2/shipments/', 'drop');
    fake.failNext('/files/postage_label/', 'server-error');
    for (const m of ['markShipmentPicked', 'markShipmentPacked']) ok(await t.admin(`mutation($id: ID!) { ${m}(id: $id) { id } }`, { id: s }));
    const labelled = await until(() => order(placed.id), (o) => o.shipments[0].status === 'LABELLED', 30_000);
    const created = [...fake.shipments.values()].filter((x) => x.reference === s);
    expect(created).toHaveLength(2);
    const mine = created.filter((x) => x.postage_label);
    expect(mine).toHaveLength(1);
    expect(mine[0].tracking_code).toBe(labelled.shipments[0].trackingNumber);
    expect(fake.requests.filter((r) => r.path === `/v2/shipments/${mine[0].id}/buy`)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.startsWith('/files/postage_label/')).length).toBeGreaterThanOrEqual(2);

    ok(await t.admin(`mutation($id: ID!) { cancelShipment(id: $id, reason: "damaged in the warehouse") { status } }`, { id: s }));
    await until(async () => fake.shipments.get(mine[0].id)!.refund_status, (r) => r === 'submitted');
    await settled(t);
    expect(fake.requests.filter((r) => r.path === `/v2/shipments/${mine[0].id}/refund`)).toHaveLength(1);
  });

  it('an approved return gets an EasyPost return label back to the location', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MUG', quantity: 2 }], { shippingMethodCode: 'ep-cheapest' }) })).placeOrder;
    const shipped = await until(() => order(placed.order.id), (o) => o.status === 'SHIPPED' && !!o.shipments[0]?.trackingNumber);
    const body = fake.trackerEvent(shipped.shipments[0].trackingNumber, ['in_transit', 'delivered']);
    expect((await post(body, fake.sign(body))).status).toBe(200);
    const delivered = await until(() => order(placed.order.id), (o) => o.status === 'DELIVERED');
    const lineId = ok(await t.admin(`query($id: ID!) { order(id: $id) { lines { id } } }`, { id: delivered.id })).order.lines[0].id;
    const ret = ok(await t.gql(REQUEST_RETURN, { i: { orderId: delivered.id, resolution: 'REFUND', lines: [{ orderLineId: lineId, quantity: 1, reason: 'DAMAGED' }] } }, placed.accessToken)).requestReturn;
    ok(await t.admin(APPROVE_RETURN, { id: ret.id }));
    const labelled = await until(async () => ok(await t.admin(`query($id: ID!) { returnRequest(id: $id) { trackingNumber labelUrl } }`, { id: ret.id })).returnRequest, (r) => !!r.trackingNumber);
    const ep = [...fake.shipments.values()].find((x) => x.reference === ret.id)!;
    expect(ep).toMatchObject({ is_return: true, tracking_code: labelled.trackingNumber });
    // Given the way the parcel first went (EasyPost swaps a return's addresses itself).
    expect(ep.from_address).toMatchObject({ street1: 'Lagerstr. 5', city: 'Hamburg' });
    expect(ep.to_address).toMatchObject({ street1: ADDRESS.line1, name: ADDRESS.name });
    const text = pdfTextLines(Buffer.from(await (await fetch(new URL(labelled.labelUrl, t.url))).arrayBuffer())).join('\n');
    expect(text).toContain(`Tracking ${labelled.trackingNumber}`);
  });
});

describe('easypost ZPL labels on sqlite', () => {
  let t: TestEngine;
  let fake: FakeEasyPost;
  beforeAll(async () => {
    fake = await startFakeEasyPost();
    t = await startTestEngine('sqlite', {
      configFile: `import { easypost } from ${JSON.stringify(pluginImport('plugins/easypost/index.ts'))};
export default { plugins: [easypost({ apiKey: ${JSON.stringify(fake.apiKey)}, apiBase: ${JSON.stringify(fake.url)}, labelFormat: 'ZPL' })] };`,
    });
    await setupShop(t, { locations: [{ code: 'auto', priority: 10, autoFulfill: true }], variants: [{ sku: 'MUG', price: 1200, stock: { auto: 5 } }] });
    ok(await t.admin(`mutation { updateStockLocation(code: "auto", input: { address: { line1: "Lagerstr. 5", city: "Hamburg", postalCode: "20095" } }) { code } }`));
    ok(await t.admin(METHOD, { i: { code: 'ep', name: 'Flat via EasyPost', carrierCode: 'easypost', price: 500, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 4 } }));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  it('a thermal printer\'s label: ZPL stored and served as application/zpl; a flat-priced method asks for no rate', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MUG', quantity: 1 }], { shippingMethodCode: 'ep' }) })).placeOrder.order;
    expect(placed.shippingTotal).toBe(500);
    const shipped = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (o) => !!o.shipments[0]?.labelUrl);
    const s = shipped.shipments[0];
    expect(s.labelUrl).toMatch(/\.zpl/);
    const res = await fetch(new URL(s.labelUrl, t.url));
    expect(res.headers.get('content-type')).toMatch(/application\/zpl/);
    const zpl = await res.text();
    expect(zpl).toMatch(/^\^XA/);
    expect(zpl).toContain(`^FD${s.trackingNumber}^FS`);
    expect(fake.requests.filter((r) => r.path === '/beta/rates')).toHaveLength(0);
    // The cheapest service is bought when the method names none.
    expect([...fake.shipments.values()][0].selected_rate).toMatchObject({ service: 'GroundAdvantage' });
  });
});
