// ORDO_INVOICE_ON=shipment: a payment captured at placement gets no invoice until the order ships; the
// invoice is issued when the shipment leaves, once, over what was captured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';

const ORDER = `query($id: ID!) { order(id: $id) { status paymentStatus total shipments { id status } invoices { kind total } history { type } } }`;

describe('ORDO_INVOICE_ON=shipment', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite', { env: { ORDO_INVOICE_ON: 'shipment' } });
    await setupShop(t, { variants: [{ sku: 'S', price: 1500, stock: { 'wh-a': 10 } }] });
    // Captured at placement, so that capture and shipment are apart.
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
      i: { code: 'eager', name: 'Eager shop', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT' },
    }));
  });
  afterAll(async () => t?.stop());

  it('issues no invoice at capture, and one when the order ships', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'S', quantity: 2 }], { channelCode: 'eager' }) })).placeOrder.order;
    const order = async () => ok(await t.admin(ORDER, { id: placed.id })).order;
    let o = await until(order, (x) => x.paymentStatus === 'PAID' && x.shipments.length === 1);
    await settled(t); // the capture's invoicing job has run (and issued nothing)
    o = await order();
    expect(o.invoices).toEqual([]);
    expect(o.history.map((h: any) => h.type)).not.toContain('INVOICE_ISSUED');

    const id = o.shipments[0].id;
    ok(await t.admin(`mutation($id: ID!) { markShipmentPicked(id: $id) { id } }`, { id }));
    ok(await t.admin(`mutation($id: ID!) { markShipmentPacked(id: $id) { id } }`, { id }));
    await until(order, (x) => x.shipments[0].status === 'LABELLED');
    await settled(t);
    expect((await order()).invoices).toEqual([]);
    ok(await t.admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { id } }`, { id }));
    await until(order, (x) => x.invoices.length > 0);
    await settled(t);
    o = await order();
    expect(o.status).toBe('SHIPPED');
    expect(o.invoices).toEqual([{ kind: 'INVOICE', total: o.total }]);
  });
});
