// Capture policy PER_SHIPMENT (issue 13, item 2), on both databases: each shipment captures what it
// carries (its lines with tax; the shipping charge with the first), with an invoice per capture, so the
// customer is not charged for units still waiting; the last captures the rest of what the order owes, and
// when the rest is cancelled instead, what is left of the authorization is released.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';

const ORDER = `query($id: ID!) { order(id: $id) {
  id status paymentStatus total
  lines { id sku quantity quantityShipped quantityBackordered lineTotal }
  payments { id status amount amountCaptured }
  invoices { kind total }
  shipments { id status location { code } }
  history { type message }
} }`;
const PICK = `mutation($id: ID!) { markShipmentPicked(id: $id) { status } }`;
const PACK = `mutation($id: ID!) { markShipmentPacked(id: $id) { status } }`;
const SHIP = `mutation($id: ID!) { markShipmentShipped(id: $id) { status } }`;

describe.each(DB_KINDS)('capturing per shipment on %s', (kind: DbKind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [{ sku: 'NEAR', price: 1000, stock: { 'wh-a': 10 } }, { sku: 'FAR', price: 2500, stock: { 'wh-b': 10 } }, { sku: 'LATER', price: 800, allowBackorder: true }],
    });
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code capturePolicy } }`, {
      i: { code: 'split', name: 'Pay as it ships', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'PER_SHIPMENT' },
    }));
  }, 60_000);
  afterAll(async () => t?.stop());

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  async function ship(orderId: string, shipmentId: string) {
    for (const m of [PICK, PACK]) ok(await t.admin(m, { id: shipmentId }));
    await until(() => order(orderId), (x) => x.shipments.find((s: any) => s.id === shipmentId).status === 'LABELLED');
    ok(await t.admin(SHIP, { id: shipmentId }));
  }

  it('two shipments from two warehouses: the first captures its line and the shipping, the second the rest', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'NEAR', quantity: 2 }, { sku: 'FAR', quantity: 1 }], { channelCode: 'split' }) })).placeOrder.order;
    const o = await until(() => order(placed.id), (x) => x.shipments.length === 2);
    expect(o.payments).toMatchObject([{ status: 'AUTHORIZED', amount: o.total, amountCaptured: 0 }]);
    const near = o.shipments.find((s: any) => s.location.code === 'wh-a');
    const far = o.shipments.find((s: any) => s.location.code === 'wh-b');
    const lineTotal = (sku: string) => o.lines.find((l: any) => l.sku === sku).lineTotal;

    await ship(o.id, near.id);
    // 2 × 10.00 + 19 % = 23.80, and shipping 4.95 + 19 % = 5.89: 29.69; the 29.75 of FAR stays authorized.
    const first = await until(() => order(o.id), (x) => x.payments[0].amountCaptured > 0 && x.invoices.length === 1);
    expect(first.payments[0]).toMatchObject({ status: 'PAID', amount: o.total, amountCaptured: lineTotal('NEAR') + 589 });
    expect(first.payments[0].amountCaptured).toBe(2969);
    expect(first.invoices).toEqual([{ kind: 'INVOICE', total: 2969 }]);
    expect(first.history.find((h: any) => h.type === 'PAYMENT_CAPTURED').message)
      .toMatch(/^Payment captured: €29\.69 for shipment shp_\w+ \(transaction tc_cap_\w+\)\. €29\.75 stays authorized for what is still to ship\.$/);
    await settled(t);
    await expectReconciled(t, { orderIds: [o.id] });

    await ship(o.id, far.id);
    const all = await until(() => order(o.id), (x) => x.status === 'SHIPPED' && x.payments[0].amountCaptured === o.total && x.invoices.length === 2);
    expect(all.invoices.map((i: any) => i.total)).toEqual([2969, lineTotal('FAR')]);
    await settled(t);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('what waits for stock is not charged; cancelled instead, the rest of the authorization is released', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'NEAR', quantity: 1 }, { sku: 'LATER', quantity: 2 }], { channelCode: 'split' }) })).placeOrder.order;
    const o = await until(() => order(placed.id), (x) => x.shipments.length === 1);
    await ship(o.id, o.shipments[0].id);
    // 10.00 + 19 % = 11.90 and shipping 5.89: 17.79 of 36.83 (the two backordered units: 19.04).
    const partly = await until(() => order(o.id), (x) => x.payments[0].amountCaptured > 0);
    expect(partly.payments[0]).toMatchObject({ status: 'PAID', amount: o.total, amountCaptured: 1779 });
    expect(partly.status).toBe('PARTIALLY_SHIPPED');

    const later = o.lines.find((l: any) => l.sku === 'LATER');
    ok(await t.admin(`mutation($o: ID!, $l: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $o, lines: $l, reason: "too long") { id } }`, { o: o.id, l: [{ orderLineId: later.id, quantity: 2 }] }));
    const done = await until(() => order(o.id), (x) => x.status === 'SHIPPED' && x.history.some((h: any) => h.type === 'PAYMENT_RELEASED'));
    // Nothing was captured for the cancelled units, so nothing is refunded: the authorization's rest goes.
    expect(done.total).toBe(1779);
    expect(done.payments[0]).toMatchObject({ status: 'PAID', amountCaptured: 1779 });
    expect(done.history.find((h: any) => h.type === 'PAYMENT_RELEASED').message).toBe('The remaining €19.04 of the authorization is released: everything has shipped.');
    expect(done.history.some((h: any) => h.type === 'PAYMENT_REFUND_PENDING')).toBe(false);
    await settled(t);
    await expectReconciled(t, { orderIds: [o.id] });
  });
});
