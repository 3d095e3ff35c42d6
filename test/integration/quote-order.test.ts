// quoteOrder on both databases: a checkout's quote prices like placeOrder charges (random carts), lists
// the shipping methods that serve the address, answers every problem at once as data, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';

export const QUOTE = `query($input: PlaceOrderInput!) {
  quoteOrder(input: $input) {
    currencyCode subtotal shippingTotal taxTotal discountTotal total estimatedDeliveryAt placeable
    lines { sku name quantity unitPrice taxTotal lineTotal available backordered }
    shippingMethods { code price taxTotal minTransitDays maxTransitDays estimatedDeliveryAt selected }
    discounts { kind label amount }
    problems { path code message }
  }
}`;

const SKUS = ['A', 'B', 'C', 'BO', 'DIGITAL'];

describe.each(DB_KINDS)('quoteOrder on %s', (kind) => {
  let t: TestEngine;

  beforeAll(async () => {
    // No workers: fulfillment jobs would add rows while these tests check that a quote changes nothing.
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [
        { sku: 'A', price: 1999, stock: { 'wh-a': 500, 'wh-b': 500 } },
        { sku: 'B', price: 333, stock: { 'wh-a': 300, 'wh-b': 400 } },
        { sku: 'C', price: 7, stock: { 'wh-b': 900 } },
        { sku: 'BO', price: 500, allowBackorder: true, stock: { 'wh-a': 2 } },
        { sku: 'DIGITAL', price: 1250, trackInventory: false },
        { sku: 'FEW', price: 100, stock: { 'wh-a': 3 } },
      ],
      taxPercent: 19,
      shippingPrice: 495,
    });
    ok(await t.admin(`mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'NL', ratePercent: 21 } }));
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code: 'express-de', name: 'Express (DE only)', carrierCode: 'sim', price: 1290, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 1, countries: ['DE'] },
    }));
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code: 'usd-post', name: 'US post', carrierCode: 'sim', price: 900, currencyCode: 'USD', minTransitDays: 3, maxTransitDays: 9 },
    }));
  });
  afterAll(async () => t?.stop());

  it('prices a cart as placeOrder would, with the methods that deliver to the address, and writes nothing', async () => {
    const before = await snapshot(t);
    const q = ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 3 }]) })).quoteOrder;
    expect(await snapshot(t)).toEqual(before);
    expect(q.problems).toEqual([]);
    expect(q.placeable).toBe(true);
    // A: 3998 net, tax 759.62 -> 760; B: 999 net, tax 189.81 -> 190; shipping 495, tax 94.05 -> 94.
    expect(q.lines.map((l: any) => [l.sku, l.quantity, l.unitPrice, l.taxTotal, l.lineTotal, l.backordered])).toEqual([
      ['A', 2, 1999, 760, 4758, 0], ['B', 3, 333, 190, 1189, 0],
    ]);
    expect(q.lines[0].available).toBeGreaterThan(0);
    expect([q.subtotal, q.shippingTotal, q.taxTotal, q.discountTotal, q.total]).toEqual([4997, 495, 1044, 0, 6536]);
    // DE: standard and the DE-only express, cheapest first; the USD method is not in the channel's currency.
    expect(q.shippingMethods.map((m: any) => [m.code, m.price, m.taxTotal, m.selected])).toEqual([['standard', 495, 94, true], ['express-de', 1290, 245, false]]);
    expect(new Date(q.estimatedDeliveryAt).getTime() - Date.now()).toBeGreaterThan(3.9 * 86_400_000);
  });

  it('lists for NL only the methods that deliver there, taxed at the NL rate, and refuses a DE-only method as a problem and at placement', async () => {
    const input = orderInput([{ sku: 'A', quantity: 1 }], { shippingAddress: { ...ADDRESS, countryCode: 'NL' }, shippingMethodCode: 'express-de' });
    const q = ok(await t.gql(QUOTE, { input })).quoteOrder;
    expect(q.shippingMethods.map((m: any) => m.code)).toEqual(['standard']);
    expect(q.lines[0].taxTotal).toBe(420); // 21 % of 19.99 = 4.1979 -> 4.20
    expect(q.problems).toEqual([{ path: 'shippingMethodCode', code: 'BAD_USER_INPUT', message: 'Shipping method express-de does not deliver to NL.' }]);
    expect(q.placeable).toBe(false);
    const before = await snapshot(t);
    const placed = await t.gql(PLACE_ORDER, { input });
    expect(codeOf(placed)).toBe('BAD_USER_INPUT');
    expect(placed.errors![0].message).toBe('Shipping method express-de does not deliver to NL.');
    expect(await snapshot(t)).toEqual(before);
  });

  it('a merchant changes where a method delivers; shippingMethods(countryCode) and quotes follow at once', async () => {
    const listed = async (c: string) => ok(await t.gql(`query($c: String) { shippingMethods(countryCode: $c) { code countries } }`, { c })).shippingMethods;
    expect(await listed('NL')).toEqual([{ code: 'standard', countries: null }, { code: 'usd-post', countries: null }]);
    const UPDATE = `mutation($code: String!, $i: UpdateShippingMethodInput!) { updateShippingMethod(code: $code, input: $i) { code countries price } }`;
    expect(ok(await t.admin(UPDATE, { code: 'express-de', i: { countries: ['NL', 'DE', 'NL'] } })).updateShippingMethod).toEqual({ code: 'express-de', countries: ['DE', 'NL'], price: 1290 });
    expect((await listed('NL')).map((m: any) => m.code)).toEqual(['standard', 'usd-post', 'express-de']);
    const input = orderInput([{ sku: 'A', quantity: 1 }], { shippingAddress: { ...ADDRESS, countryCode: 'NL' }, shippingMethodCode: 'express-de' });
    expect(ok(await t.gql(QUOTE, { input })).quoteOrder.problems).toEqual([]);
    // Staff only; a bad country code is refused and changes nothing.
    expect(codeOf(await t.gql(UPDATE, { code: 'express-de', i: { countries: ['FR'] } }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.admin(UPDATE, { code: 'express-de', i: { countries: ['fr'] } }))).toBe('BAD_USER_INPUT');
    ok(await t.admin(UPDATE, { code: 'express-de', i: { countries: ['DE'] } }));
    expect((await listed('NL')).map((m: any) => m.code)).toEqual(['standard', 'usd-post']);
  });

  it('answers every problem of a bad cart at once, each with its path and the code placeOrder would answer', async () => {
    const input = orderInput(
      [{ sku: 'A', quantity: 1 }, { sku: 'NOPE', quantity: 1 }, { sku: 'FEW', quantity: 5 }, { sku: 'B', quantity: 0 }],
      { shippingMethodCode: 'teleport', payment: { method: 'bitcoin' }, email: 'not-an-email', discounts: [{ kind: 'voucher', code: 'X' }] },
    );
    const before = await snapshot(t);
    const q = ok(await t.gql(QUOTE, { input })).quoteOrder;
    expect(await snapshot(t)).toEqual(before);
    const byPath = Object.fromEntries(q.problems.map((p: any) => [p.path, p.code]));
    expect(byPath).toEqual({
      email: 'BAD_USER_INPUT',
      'lines[3].quantity': 'BAD_USER_INPUT',
      'payment.method': 'BAD_USER_INPUT',
      shippingMethodCode: 'BAD_USER_INPUT',
      'discounts[0].kind': 'BAD_USER_INPUT',
      'lines[1].sku': 'BAD_USER_INPUT',
      'lines[2].quantity': 'INSUFFICIENT_STOCK',
    });
    expect(q.problems.find((p: any) => p.path === 'lines[2].quantity').message).toBe('Only 3 of FEW can be sold now; 5 were asked for.');
    // What can be priced still is: A and FEW (the unknown SKU and the zero line are left out).
    expect(q.lines.map((l: any) => [l.sku, l.available])).toEqual([['A', 1000], ['FEW', 3]]);
    expect(q.shippingTotal).toBe(0);
    // placeOrder stops at one of them, with the same code.
    expect(codeOf(await t.gql(PLACE_ORDER, { input: { ...input, email: 'jane@example.com' } }))).toBe('BAD_USER_INPUT');
  });

  it('shows what would be backordered and what is not stock-tracked', async () => {
    const q = ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'BO', quantity: 5 }, { sku: 'DIGITAL', quantity: 2 }]) })).quoteOrder;
    expect(q.problems).toEqual([]);
    expect(q.lines.map((l: any) => [l.sku, l.available, l.backordered])).toEqual([['BO', 2, 3], ['DIGITAL', null, 0]]);
  });

  it('quotes for guests, customers and staff alike', async () => {
    ok(await t.gql(`mutation { registerCustomer(input: { email: "q@example.com", password: "correct horse battery", name: "Q" }) { customer { id } } }`));
    const token = ok(await t.gql(`mutation { login(email: "q@example.com", password: "correct horse battery") { token } }`)).login.token;
    const input = orderInput([{ sku: 'C', quantity: 3 }]);
    const guest = ok(await t.gql(QUOTE, { input })).quoteOrder;
    const customer = ok(await t.gql(QUOTE, { input }, token)).quoteOrder;
    const staff = ok(await t.admin(QUOTE, { input })).quoteOrder;
    expect(customer.total).toBe(guest.total);
    expect(staff.total).toBe(guest.total);
  });

  it('for random carts, the quote total is what placeOrder then charges, and a quote writes nothing', async () => {
    const line = fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 7 }) });
    const cart = fc.record({
      lines: fc.array(line, { minLength: 1, maxLength: 5 }),
      country: fc.constantFrom('DE', 'NL'),
      method: fc.constantFrom('standard', 'express-de'),
    }).filter((c) => !(c.country === 'NL' && c.method === 'express-de'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(cart, async (c) => {
        const input = orderInput(c.lines, { shippingAddress: { ...ADDRESS, countryCode: c.country }, shippingMethodCode: c.method, email: `r${n++}@example.com` });
        const before = await snapshot(t);
        const q = ok(await t.gql(QUOTE, { input })).quoteOrder;
        expect(await snapshot(t)).toEqual(before);
        expect(q.problems).toEqual([]);
        const o = ok(await t.gql(PLACE_ORDER, { input })).placeOrder.order;
        expect([o.subtotal, o.shippingTotal, o.taxTotal, o.total]).toEqual([q.subtotal, q.shippingTotal, q.taxTotal, q.total]);
        expect(o.payments[0].amount).toBe(q.total);
        expect(o.lines.map((l: any) => [l.sku, l.quantity, l.unitPrice, l.taxTotal, l.lineTotal, l.quantityBackordered]))
          .toEqual(q.lines.map((l: any) => [l.sku, l.quantity, l.unitPrice, l.taxTotal, l.lineTotal, l.backordered]));
      }),
      { numRuns: 20 },
    );
  });
});
