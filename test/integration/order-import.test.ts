// importOrders (issue 17): a marketplace's orders arrive in batches, each order on its own; prices and
// taxes as the channel charged them; paid by the channel; stock by the channel's policy; one order per
// (channel, externalId) however often a batch is sent. On both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';

const IMPORT = `mutation($channel: String!, $orders: [ImportOrderInput!]!, $key: String!) {
  importOrders(channelCode: $channel, orders: $orders, idempotencyKey: $key) {
    created existing failed
    results { externalId created error { code message field }
      order { id number status paymentStatus externalId subtotal shippingTotal taxTotal discountTotal total currencyCode
        lines { sku name quantity unitPrice taxTotal lineTotal quantityBackordered quantityShipped }
        payments { method status amount amountCaptured transactionId } } }
  }
}`;
const ORDER = `query($id: ID!) { order(id: $id) { id status paymentStatus shipments { id status trackingNumber }
  payments { method status amount amountCaptured amountRefunded } history { type message } } }`;
const BY_EXTERNAL = `query($f: OrderFilter) { orders(first: 10, filter: $f) { edges { node { id externalId } } } }`;
const LEVEL = `query($sku: String!) { stockLevels(sku: $sku) { location { code } onHand reserved } }`;

/** An order as a marketplace sends it: 2 units of `sku` at 10.00 net + 19 % tax, 4.95 shipping (+0.94 tax). */
function marketOrder(externalId: string, lines: { sku: string; quantity: number; unitPrice?: number }[] = [{ sku: 'IMP-1', quantity: 2 }], extra: Record<string, unknown> = {}) {
  const ls = lines.map((l) => {
    const unitPrice = l.unitPrice ?? 1000;
    return { sku: l.sku, quantity: l.quantity, unitPrice, taxTotal: Math.round(unitPrice * l.quantity * 0.19) };
  });
  const total = ls.reduce((s, l) => s + l.unitPrice * l.quantity + l.taxTotal, 0) + 495 + 94;
  return { externalId, email: 'Buyer@Marketplace.example', lines: ls, shippingAddress: ADDRESS, shippingMethodCode: 'standard', shippingTotal: 495, shippingTax: 94, total, paymentReference: `pay-${externalId}`, ...extra };
}

describe.each(DB_KINDS)('importOrders on %s', (kind: DbKind) => {
  let t: TestEngine;
  const levels = async (sku: string) => ok(await t.admin(LEVEL, { sku })).stockLevels as { location: { code: string }; onHand: number; reserved: number }[];

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'staffed', priority: 10 }],
      variants: [
        { sku: 'IMP-1', price: 1200, stock: { auto: 20 } },
        { sku: 'IMP-2', price: 800, stock: { auto: 1 } },
        { sku: 'IMP-3', price: 500, stock: { staffed: 5 } },
      ],
    });
    ok(await t.admin(`mutation { createChannel(input: { code: "market", name: "Marketplace", kind: MARKETPLACE, currencyCode: "EUR" }) { id importStockPolicy } }`));
    ok(await t.admin(`mutation { createChannel(input: { code: "social", name: "Social shop", kind: SOCIAL, currencyCode: "EUR", importStockPolicy: BACKORDER }) { id } }`));
  });
  afterAll(async () => t?.stop());

  it('imports each order of a batch on its own: kept prices, paid by the channel, refused ones named by field', async () => {
    const batch = [
      marketOrder('M-100', [{ sku: 'IMP-1', quantity: 2, unitPrice: 999 }]),
      marketOrder('M-101', [{ sku: 'NOPE', quantity: 1 }]),
      marketOrder('M-102', [{ sku: 'IMP-2', quantity: 3 }]),
      { ...marketOrder('M-103'), total: 1 },
    ];
    const r = ok(await t.admin(IMPORT, { channel: 'market', orders: batch, key: `batch-1-${kind}` })).importOrders;
    expect([r.created, r.existing, r.failed]).toEqual([1, 0, 3]);
    const [a, b, c, d] = r.results;
    expect(a).toMatchObject({ externalId: 'M-100', created: true, error: null });
    // The channel's prices and taxes, not the catalog's 12.00; its payment, captured.
    // Confirmed by the import; the automated location's walk runs meanwhile in this process, so by the time
    // the answer is written (after the batch's other orders) it may have been routed or shipped already.
    expect(['CONFIRMED', 'IN_FULFILLMENT', 'SHIPPED']).toContain(a.order.status);
    expect(a.order).toMatchObject({ paymentStatus: 'PAID', externalId: 'M-100', subtotal: 1998, shippingTotal: 495, taxTotal: 380 + 94, total: 1998 + 495 + 380 + 94, currencyCode: 'EUR' });
    // The shipment takes both units at once. The lines are read after the order, so an order caught
    // SHIPPED has them shipped; one caught before may have shipped by the time its lines are read.
    const unitsShipped = a.order.lines[0]?.quantityShipped;
    expect(a.order.status === 'SHIPPED' ? [2] : [0, 2]).toContain(unitsShipped);
    expect(a.order.lines).toEqual([{ sku: 'IMP-1', name: 'Variant IMP-1', quantity: 2, unitPrice: 999, taxTotal: 380, lineTotal: 2378, quantityBackordered: 0, quantityShipped: unitsShipped }]);
    expect(a.order.payments).toEqual([{ method: 'external', status: 'PAID', amount: a.order.total, amountCaptured: a.order.total, transactionId: 'pay-M-100' }]);
    expect(b).toMatchObject({ created: false, order: null, error: { code: 'BAD_USER_INPUT', field: 'orders[1].lines[0].sku' } });
    expect(c).toMatchObject({ created: false, order: null, error: { code: 'INSUFFICIENT_STOCK' } });
    expect(c.error.message).toContain('IMP-2');
    expect(d).toMatchObject({ created: false, order: null, error: { code: 'BAD_USER_INPUT', field: 'orders[3].total' } });
    // The refused order reserved nothing: its one unit is still for sale.
    expect(await levels('IMP-2')).toEqual([{ location: { code: 'auto' }, onHand: 1, reserved: 0 }]);

    // It goes on like any order: routed to the automated location and shipped; nothing captured again.
    const shipped = await until(async () => ok(await t.admin(ORDER, { id: a.order.id })).order, (o) => o.status === 'SHIPPED');
    expect(shipped.shipments).toHaveLength(1);
    expect(shipped.shipments[0].trackingNumber).toMatch(/^SIM/);
    await settled(t);
    const after = ok(await t.admin(ORDER, { id: a.order.id })).order;
    expect(after.payments).toEqual([{ method: 'external', status: 'PAID', amount: a.order.total, amountCaptured: a.order.total, amountRefunded: 0 }]);
    expect(after.history.map((h: { type: string }) => h.type)).toContain('ORDER_IMPORTED');
    expect(await levels('IMP-1')).toEqual([{ location: { code: 'auto' }, onHand: 18, reserved: 0 }]);

    // Found by the channel's id, with or without the channel; not in another channel.
    const find = async (f: Record<string, unknown>) => ok(await t.admin(BY_EXTERNAL, { f })).orders.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await find({ externalId: 'M-100', channelCode: 'market' })).toEqual([a.order.id]);
    expect(await find({ externalId: 'M-100' })).toEqual([a.order.id]);
    expect(await find({ externalId: 'M-100', channelCode: 'default' })).toEqual([]);
    await expectReconciled(t, { orderIds: [a.order.id] });
  });

  it('a repeated call answers the same; the same key for other orders is CONFLICT; an externalId is one order', async () => {
    const batch = [marketOrder('M-200'), marketOrder('M-201', [{ sku: 'IMP-1', quantity: 1 }])];
    const first = ok(await t.admin(IMPORT, { channel: 'market', orders: batch, key: `batch-2-${kind}` })).importOrders;
    expect(first.created).toBe(2);
    await settled(t);
    const before = await snapshot(t);

    const again = ok(await t.admin(IMPORT, { channel: 'market', orders: batch, key: `batch-2-${kind}` })).importOrders;
    expect(again.results.map((x: any) => [x.externalId, x.order.id, x.created])).toEqual(first.results.map((x: any) => [x.externalId, x.order.id, x.created]));
    const otherOrders = await t.admin(IMPORT, { channel: 'market', orders: [marketOrder('M-202')], key: `batch-2-${kind}` });
    expect(codeOf(otherOrders)).toBe('CONFLICT');

    // Another call (a new key) with an order imported before: the same content is answered with it, other content refused.
    const resent = ok(await t.admin(IMPORT, { channel: 'market', orders: [batch[0], marketOrder('M-201', [{ sku: 'IMP-1', quantity: 5 }])], key: `batch-3-${kind}` })).importOrders;
    expect([resent.created, resent.existing, resent.failed]).toEqual([0, 1, 1]);
    expect(resent.results[0]).toMatchObject({ created: false, error: null, order: { id: first.results[0].order.id } });
    expect(resent.results[1]).toMatchObject({ created: false, order: null, error: { code: 'CONFLICT', field: 'orders[1]' } });

    // A storefront cannot take an imported id in the same channel again.
    const placed = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'IMP-1', quantity: 1 }], { channelCode: 'market', externalId: 'M-200' }) });
    expect(codeOf(placed)).toBe('CONFLICT');
    await settled(t);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a bad batch whole: duplicate externalIds, an unknown channel, too many orders, a storefront paying "external"', async () => {
    await settled(t);
    const before = await snapshot(t);
    const dup = await t.admin(IMPORT, { channel: 'market', orders: [marketOrder('M-300'), marketOrder('M-301'), marketOrder('M-300')], key: `bad-1-${kind}` });
    expect(codeOf(dup)).toBe('BAD_USER_INPUT');
    expect(fieldOf(dup)).toBe('orders[2].externalId');
    expect(codeOf(await t.admin(IMPORT, { channel: 'nowhere', orders: [marketOrder('M-302')], key: `bad-2-${kind}` }))).toBe('NOT_FOUND');
    const many = Array.from({ length: 501 }, (_, i) => marketOrder(`M-4${String(i).padStart(3, '0')}`));
    const tooMany = await t.admin(IMPORT, { channel: 'market', orders: many, key: `bad-3-${kind}` });
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(fieldOf(tooMany)).toBe('orders');
    expect(codeOf(await t.gql(IMPORT, { channel: 'market', orders: [marketOrder('M-303')], key: `bad-4-${kind}` }))).toBe('UNAUTHENTICATED');
    // A connector's key kept to one channel imports there and nowhere else.
    const connector = ok(await t.admin(`mutation { createApiKey(name: "social-connector-${kind}", roles: ["orders"], channelCodes: ["social"]) { token } }`)).createApiKey.token;
    expect(codeOf(await t.gql(IMPORT, { channel: 'market', orders: [marketOrder('M-304')], key: `bad-5-${kind}` }, connector))).toBe('FORBIDDEN');
    const external = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'IMP-1', quantity: 1 }], { payment: { method: 'external' } }) });
    expect(codeOf(external)).toBe('BAD_USER_INPUT');
    expect(fieldOf(external)).toBe('payment.method');
    expect(await snapshot(t)).toEqual(before);
  });

  it("follows the channel's stock policy, and keeps orders the channel fulfilled out of the warehouse", async () => {
    // BACKORDER: the one unit is reserved, two wait.
    const social = ok(await t.admin(IMPORT, { channel: 'social', orders: [marketOrder('S-1', [{ sku: 'IMP-2', quantity: 3 }])], key: `social-1-${kind}` })).importOrders;
    expect(social.results[0].order).toMatchObject({ status: 'BACKORDERED', lines: [{ sku: 'IMP-2', quantityBackordered: 2 }] });
    expect(await levels('IMP-2')).toEqual([{ location: { code: 'auto' }, onHand: 1, reserved: 1 }]);

    await settled(t);
    const stock = await levels('IMP-3');
    const fbc = ok(await t.admin(IMPORT, { channel: 'market', orders: [marketOrder('M-500', [{ sku: 'IMP-3', quantity: 2 }], { fulfilledByChannel: true })], key: `fbc-1-${kind}` })).importOrders;
    const o = fbc.results[0].order;
    expect(o).toMatchObject({ status: 'SHIPPED', paymentStatus: 'PAID', lines: [{ sku: 'IMP-3', quantity: 2, quantityShipped: 2, quantityBackordered: 0 }] });
    await settled(t);
    expect(ok(await t.admin(ORDER, { id: o.id })).order.shipments).toEqual([]);
    expect(await levels('IMP-3')).toEqual(stock);
  });

  it('a cancelled imported order refunds the channel\'s payment (recorded, nothing charged) and releases its stock', async () => {
    const r = ok(await t.admin(IMPORT, { channel: 'market', orders: [marketOrder('M-600', [{ sku: 'IMP-3', quantity: 1 }])], key: `refund-1-${kind}` })).importOrders;
    const id = r.results[0].order.id;
    expect(await levels('IMP-3')).toEqual([{ location: { code: 'staffed' }, onHand: 5, reserved: 1 }]);
    ok(await t.admin(`mutation($id: ID!, $key: String!) { cancelOrder(id: $id, reason: "buyer cancelled on the marketplace", idempotencyKey: $key) { id } }`, { id, key: `cancel-M-600-${kind}` }));
    const o = await until(async () => ok(await t.admin(ORDER, { id })).order, (x) => x.payments[0].status === 'REFUNDED');
    expect(o.status).toBe('CANCELLED');
    expect(o.payments[0]).toMatchObject({ method: 'external', amountCaptured: r.results[0].order.total, amountRefunded: r.results[0].order.total });
    await settled(t);
    expect(await levels('IMP-3')).toEqual([{ location: { code: 'staffed' }, onHand: 5, reserved: 0 }]);
    await expectReconciled(t, { orderIds: [id] });
  });

  it('two imports of the same orders at once make each order once', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => marketOrder(`M-70${i}`, [{ sku: 'IMP-1', quantity: 1 }]));
    const [x, y] = await Promise.all([
      t.admin(IMPORT, { channel: 'market', orders: batch, key: `race-a-${kind}` }),
      t.admin(IMPORT, { channel: 'market', orders: batch, key: `race-b-${kind}` }),
    ]);
    const a = ok(x).importOrders;
    const b = ok(y).importOrders;
    expect(a.created + b.created).toBe(5);
    expect(a.failed + b.failed).toBe(0);
    expect(a.results.map((r: any) => r.order.id)).toEqual(b.results.map((r: any) => r.order.id));
    const [row] = await t.sql("SELECT COUNT(*) AS n FROM orders WHERE external_id LIKE 'M-70%'");
    expect(Number(row.n)).toBe(5);
  });
});
