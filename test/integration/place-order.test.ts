// placeOrder through GraphQL on both databases: totals, every bad input (answers its code, writes
// nothing), payment declines, backorders, the rush for the last units, idempotent retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';

describe.each(DB_KINDS)('placeOrder on %s', (kind) => {
  let t: TestEngine;

  beforeAll(async () => {
    // No workers: fulfillment jobs would add rows while these tests check that a refused request changed nothing.
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [
        { sku: 'A', price: 1999, stock: { 'wh-a': 100, 'wh-b': 100 } },
        { sku: 'B', price: 333, stock: { 'wh-a': 5, 'wh-b': 7 } },
        { sku: 'RUSH', price: 1000, stock: { 'wh-a': 20 } },
        { sku: 'BO', price: 500, allowBackorder: true, stock: { 'wh-a': 2 } },
        { sku: 'DIGITAL', price: 100, trackInventory: false },
        { sku: 'USD-ONLY', price: 100, stock: { 'wh-a': 5 } },
      ],
      taxPercent: 19,
      shippingPrice: 495,
    });
  });
  afterAll(async () => t?.stop());

  it('prices, taxes (half-up per line) and confirms an order with its stock reserved and payment authorized', async () => {
    const r = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 3 }]) }));
    const o = r.placeOrder.order;
    expect(o.status).toBe('CONFIRMED');
    expect(o.paymentStatus).toBe('AUTHORIZED');
    // A: 3998 net, tax 759.62 -> 760; B: 999 net, tax 189.81 -> 190; shipping 495, tax 94.05 -> 94.
    expect(o.lines.map((l: any) => [l.sku, l.quantity, l.unitPrice, l.taxTotal, l.lineTotal])).toEqual([
      ['A', 2, 1999, 760, 4758], ['B', 3, 333, 190, 1189],
    ]);
    expect([o.subtotal, o.shippingTotal, o.taxTotal, o.total]).toEqual([4997, 495, 1044, 6536]);
    expect(o.payments).toEqual([expect.objectContaining({ status: 'AUTHORIZED', amount: 6536, method: 'test-card' })]);
    expect(o.history.map((h: any) => [h.type, h.toStatus])).toEqual([['ORDER_PLACED', 'PENDING'], ['STATUS_CHANGED', 'CONFIRMED']]);
    expect(r.placeOrder.accessToken).toMatch(/^ot_/);
    // Transit of the standard method is 2-4 days: the estimate is 4 days out.
    expect(new Date(o.estimatedDeliveryAt).getTime() - Date.now()).toBeGreaterThan(3.9 * 86_400_000);
    const levels = ok(await t.admin(`{ stockLevels(sku: "A") { location { code } onHand reserved available } }`)).stockLevels;
    expect(levels).toEqual([
      { location: { code: 'wh-a' }, onHand: 100, reserved: 2, available: 98 },
      { location: { code: 'wh-b' }, onHand: 100, reserved: 0, available: 100 },
    ]);
  });

  it('takes a line from the first location that can fill it whole, and splits it in priority order when none can', async () => {
    const before = ok(await t.gql(`{ variant(sku: "B") { available } }`)).variant.available;
    expect(before).toBe(12 - 3);
    const levels = async () => ok(await t.admin(`{ stockLevels(sku: "B") { location { code } reserved available } }`)).stockLevels;
    // wh-a (priority 10) has 2 left, so 6 units come whole from wh-b.
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'B', quantity: 6 }]) }));
    expect(await levels()).toEqual([
      { location: { code: 'wh-a' }, reserved: 3, available: 2 },
      { location: { code: 'wh-b' }, reserved: 6, available: 1 },
    ]);
    // 3 units: no location has 3, so 2 from wh-a and 1 from wh-b.
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'B', quantity: 3 }]) }));
    expect(await levels()).toEqual([
      { location: { code: 'wh-a' }, reserved: 5, available: 0 },
      { location: { code: 'wh-b' }, reserved: 7, available: 0 },
    ]);
  });

  const bad: [string, Record<string, unknown>, string, string?][] = [
    ['quantity 0', orderInput([{ sku: 'A', quantity: 0 }]), 'BAD_USER_INPUT'],
    ['quantity above the bound', orderInput([{ sku: 'A', quantity: 10_001 }]), 'BAD_USER_INPUT'],
    ['no lines', orderInput([]), 'BAD_USER_INPUT'],
    ['unknown SKU', orderInput([{ sku: 'A', quantity: 1 }, { sku: 'NOPE', quantity: 1 }]), 'BAD_USER_INPUT', 'NOPE'],
    ['bad email', orderInput([{ sku: 'A', quantity: 1 }], { email: 'not-an-email' }), 'BAD_USER_INPUT', 'email'],
    ['address without city', orderInput([{ sku: 'A', quantity: 1 }], { shippingAddress: { ...ADDRESS, city: '' } }), 'BAD_USER_INPUT', 'city'],
    ['bad country code', orderInput([{ sku: 'A', quantity: 1 }], { shippingAddress: { ...ADDRESS, countryCode: 'Germany' } }), 'BAD_USER_INPUT', 'countryCode'],
    ['unknown shipping method', orderInput([{ sku: 'A', quantity: 1 }], { shippingMethodCode: 'teleport' }), 'BAD_USER_INPUT', 'teleport'],
    ['unknown channel', orderInput([{ sku: 'A', quantity: 1 }], { channelCode: 'mars' }), 'BAD_USER_INPUT', 'mars'],
    ['unknown payment method', orderInput([{ sku: 'A', quantity: 1 }], { payment: { method: 'iou' } }), 'BAD_USER_INPUT', 'iou'],
    ['card without token', orderInput([{ sku: 'A', quantity: 1 }], { payment: { method: 'test-card' } }), 'BAD_USER_INPUT', 'token'],
    ['declined card', orderInput([{ sku: 'A', quantity: 1 }], { payment: { method: 'test-card', token: 'tok_declined' } }), 'PAYMENT_DECLINED'],
    ['insufficient funds', orderInput([{ sku: 'A', quantity: 1 }], { payment: { method: 'test-card', token: 'tok_insufficient_funds' } }), 'PAYMENT_DECLINED'],
    ['more than in stock', orderInput([{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }]), 'INSUFFICIENT_STOCK', 'B'],
  ];
  it.each(bad)('refuses %s with its code and changes nothing', async (_name, input, code, mentions) => {
    const before = await snapshot(t);
    const r = await t.gql(PLACE_ORDER, { input });
    expect(codeOf(r)).toBe(code);
    if (mentions) expect(r.errors![0].message).toContain(mentions);
    expect(r.data ?? null).toBeNull();
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a variant priced in another currency than the channel', async () => {
    ok(await t.admin(`mutation { createChannel(input: {code: "us", name: "US", kind: WEB_STORE, currencyCode: "USD"}) { id } }`));
    const before = await snapshot(t);
    const r = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'USD-ONLY', quantity: 1 }], { channelCode: 'us' }) });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await snapshot(t)).toEqual(before);
  });

  it('sells the last units exactly once in a rush: 100 orders for 20 units', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'RUSH', quantity: 1 }], { email: `rush${i}@example.com` }) })),
    );
    const codes = results.map((r) => (r.errors ? codeOf(r) : 'OK'));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(20);
    expect(codes.filter((c) => c === 'INSUFFICIENT_STOCK')).toHaveLength(80);
    const [level] = await t.sql(`SELECT on_hand, reserved FROM stock_level WHERE sku = 'RUSH'`);
    expect([Number(level.on_hand), Number(level.reserved)]).toEqual([20, 20]);
    const numbers = results.filter((r) => !r.errors).map((r) => r.data.placeOrder.order.number);
    expect(new Set(numbers).size).toBe(20);
  });

  it('accepts an order beyond stock for a backorderable variant: BACKORDERED with the missing units noted', async () => {
    const o = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'BO', quantity: 5 }]) })).placeOrder.order;
    expect(o.status).toBe('BACKORDERED');
    expect(o.lines[0].quantityBackordered).toBe(3);
    const [level] = await t.sql(`SELECT reserved FROM stock_level WHERE sku = 'BO'`);
    expect(Number(level.reserved)).toBe(2);
  });

  it('sells untracked variants without stock', async () => {
    const o = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'DIGITAL', quantity: 3 }]) })).placeOrder.order;
    expect(o.status).toBe('CONFIRMED');
  });

  it('keeps a manual-payment order PENDING with its stock reserved', async () => {
    const o = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 1 }], { payment: { method: 'manual' } }) })).placeOrder.order;
    expect([o.status, o.paymentStatus, o.payments[0].status]).toEqual(['PENDING', 'PENDING', 'PENDING']);
  });

  it('answers 10 simultaneous retries of one idempotency key with one order, one reservation, one authorization', async () => {
    const before = await snapshot(t);
    const input = orderInput([{ sku: 'A', quantity: 4 }], { email: 'retry@example.com' });
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(PLACE_ORDER, { input, key: 'checkout-42' })));
    const payloads = results.map((r) => ok(r).placeOrder);
    expect(new Set(payloads.map((p) => p.order.id)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.accessToken)).size).toBe(1);
    const after = await snapshot(t);
    expect(after.orders - before.orders).toBe(1);
    expect(after.payments - before.payments).toBe(1);
    expect(after.reserved - before.reserved).toBe(4);
    // A later retry still answers with the first order; the same key for another order is a conflict.
    const again = ok(await t.gql(PLACE_ORDER, { input, key: 'checkout-42' })).placeOrder;
    expect(again.order.id).toBe(payloads[0].order.id);
    const other = await t.gql(PLACE_ORDER, { input: { ...input, lines: [{ sku: 'A', quantity: 1 }] }, key: 'checkout-42' });
    expect(codeOf(other)).toBe('CONFLICT');
    expect((await snapshot(t)).orders).toBe(after.orders);
  });
});
