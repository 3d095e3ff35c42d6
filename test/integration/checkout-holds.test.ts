// Checkout holds (issue 17, part 7) through GraphQL on both databases: the rush for the last units,
// all-or-nothing carts, bad input changing nothing, idempotent repeats, release, expiry by the sweeper,
// and placeOrder turning a hold into the order's reservation even once the rest of the stock has sold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { until } from '../helpers/until.js';
import { HOLD, READ, RELEASE } from '../helpers/checkout-holds.js';
import { dialectOf } from '../../src/kernel/db/dialect.js';
import { CheckoutHoldService } from '../../src/checkout-holds/checkout-hold.service.js';


describe.each(DB_KINDS)('checkout holds on %s', (kind) => {
  let t: TestEngine;

  beforeAll(async () => {
    // The sweeper every 300 ms: a backdated hold expires within a moment.
    t = await startTestEngine(kind, { env: { ORDO_CHECKOUT_HOLD_SWEEP_MS: '300' } });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [
        { sku: 'LAST', price: 1000, stock: { 'wh-a': 6, 'wh-b': 4 } },
        { sku: 'A', price: 500, stock: { 'wh-a': 50, 'wh-b': 50 } },
        { sku: 'B', price: 300, stock: { 'wh-a': 5 } },
        { sku: 'SOLD', price: 800, stock: { 'wh-a': 3 } },
        { sku: 'EXP', price: 800, stock: { 'wh-a': 2 } },
        { sku: 'DIGITAL', price: 100, trackInventory: false },
      ],
    });
    ok(await t.admin(`mutation { createChannel(input: { code: "other", name: "Other", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
  });
  afterAll(async () => t?.stop());

  const hold = (lines: { sku: string; quantity: number }[], extra: { ttl?: number; key?: string; channelCode?: string } = {}) =>
    t.gql(HOLD, { input: { lines, ...(extra.channelCode ? { channelCode: extra.channelCode } : {}) }, ttl: extra.ttl, key: extra.key });
  const levels = async (sku: string) => ok(await t.admin(`query($s: String!) { stockLevels(sku: $s) { location { code } reserved available } }`, { s: sku })).stockLevels;
  const available = async (sku: string) => ok(await t.gql(`query($s: String!) { variant(sku: $s) { available } }`, { s: sku })).variant.available;
  const reservedTotal = async () => Number((await t.sql('SELECT COALESCE(SUM(reserved), 0) AS n FROM stock_level'))[0].n);
  const holdCount = async () => Number((await t.sql('SELECT COUNT(*) AS n FROM checkout_hold'))[0].n);
  const backdate = (id: string) => t.sql('UPDATE checkout_hold SET expires_at = ? WHERE id = ?', [dialectOf(t.em()).date(new Date(Date.now() - 1000)), id]);

  it('holds the last 10 units for exactly 10 of 100 buyers at once: reserved, not available, never oversold', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => hold([{ sku: 'LAST', quantity: 1 }])));
    const refused = results.filter((r) => r.errors);
    expect(results.length - refused.length).toBe(10);
    expect(new Set(refused.map(codeOf))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(refused[0].errors![0].extensions).toMatchObject({ sku: 'LAST', field: 'input.lines[0].quantity' });
    const ids = results.filter((r) => !r.errors).map((r) => r.data.holdCheckoutStock.id);
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) expect(id).toMatch(/^chk_[\w-]{24}$/);
    expect(await levels('LAST')).toEqual([
      { location: { code: 'wh-a' }, reserved: 6, available: 0 },
      { location: { code: 'wh-b' }, reserved: 4, available: 0 },
    ]);
    expect(await available('LAST')).toBe(0);
    // An order finds nothing left.
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'LAST', quantity: 1 }]) }))).toBe('INSUFFICIENT_STOCK');
    await expectReconciled(t);
  });

  it('holds a cart all or nothing: a short line rolls the others back and is named', async () => {
    const before = await reservedTotal();
    const r = await hold([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 6 }]);
    expect(codeOf(r)).toBe('INSUFFICIENT_STOCK');
    expect(r.errors![0].extensions).toMatchObject({ sku: 'B', field: 'input.lines[1].quantity' });
    expect(r.errors![0].message).toMatch(/Only 5 of B/);
    expect(await reservedTotal()).toBe(before);
  });

  it('refuses bad input with the field at fault, reserving and recording nothing', async () => {
    const before = { reserved: await reservedTotal(), holds: await holdCount() };
    const cases: [string, Promise<any>, string, string?][] = [
      ['unknown SKU', hold([{ sku: 'A', quantity: 1 }, { sku: 'NOPE', quantity: 1 }]), 'BAD_USER_INPUT', 'input.lines[1].sku'],
      ['unknown channel', hold([{ sku: 'A', quantity: 1 }], { channelCode: 'mars' }), 'BAD_USER_INPUT', 'input.channelCode'],
      ['ttl too short', hold([{ sku: 'A', quantity: 1 }], { ttl: 5 }), 'BAD_USER_INPUT', 'ttlSeconds'],
      ['ttl too long', hold([{ sku: 'A', quantity: 1 }], { ttl: 3601 }), 'BAD_USER_INPUT', 'ttlSeconds'],
      ['a guessable guest key', hold([{ sku: 'A', quantity: 1 }], { key: 'cart-1' }), 'BAD_USER_INPUT', 'idempotencyKey'],
      ['quantity 0', hold([{ sku: 'A', quantity: 0 }]), 'BAD_USER_INPUT'],
      ['no lines', hold([]), 'BAD_USER_INPUT'],
      ['unknown hold released', t.gql(RELEASE, { id: 'chk_nothing-here' }), 'NOT_FOUND', 'holdId'],
    ];
    for (const [what, call, code, field] of cases) {
      const r = await call;
      expect(codeOf(r), what).toBe(code);
      if (field) expect(fieldOf(r) ?? JSON.stringify(r.errors![0].extensions), what).toContain(field);
    }
    expect(ok(await t.gql(READ, { id: 'chk_nothing-here' })).checkoutHold).toBeNull();
    expect({ reserved: await reservedTotal(), holds: await holdCount() }).toEqual(before);
  });

  it('answers a repeat with the same key with the first hold, holding once; another cart with the key is CONFLICT', async () => {
    const key = `hold-${kind}-0123456789abcdef`;
    const before = await reservedTotal();
    const [first, second] = await Promise.all([hold([{ sku: 'A', quantity: 3 }], { key }), hold([{ sku: 'A', quantity: 3 }], { key })]);
    expect(ok(first).holdCheckoutStock.id).toBe(ok(second).holdCheckoutStock.id);
    const third = ok(await hold([{ sku: 'A', quantity: 3 }], { key })).holdCheckoutStock;
    expect(third.id).toBe(first.data.holdCheckoutStock.id);
    expect(await reservedTotal()).toBe(before + 3);
    expect(codeOf(await hold([{ sku: 'A', quantity: 4 }], { key }))).toBe('CONFLICT');
    ok(await t.gql(RELEASE, { id: third.id }));
  });

  it('gives a released hold back at once; a repeat of the release answers the same', async () => {
    const before = await available('A');
    const h = ok(await hold([{ sku: 'A', quantity: 4 }, { sku: 'DIGITAL', quantity: 1 }])).holdCheckoutStock;
    expect(h.status).toBe('ACTIVE');
    expect(h.lines).toHaveLength(2);
    expect(h.lines).toEqual(expect.arrayContaining([{ sku: 'A', quantity: 4 }, { sku: 'DIGITAL', quantity: 1 }]));
    expect(new Date(h.expiresAt).getTime() - Date.now()).toBeGreaterThan(590_000);
    expect(await available('A')).toBe(before - 4);
    expect(ok(await t.gql(RELEASE, { id: h.id })).releaseCheckoutHold.status).toBe('RELEASED');
    expect(await available('A')).toBe(before);
    expect(ok(await t.gql(RELEASE, { id: h.id })).releaseCheckoutHold.status).toBe('RELEASED');
    expect(await available('A')).toBe(before);
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 4 }], { holdId: h.id }) }))).toBe('CONFLICT');
    await expectReconciled(t);
  });

  it('returns an expired hold to available (the sweeper job), and says so in the outbox for the stock sync', async () => {
    const before = await available('A');
    const h = ok(await hold([{ sku: 'A', quantity: 5 }], { ttl: 30 })).holdCheckoutStock;
    expect(await available('A')).toBe(before - 5);
    await backdate(h.id);
    const swept = await until(async () => ok(await t.gql(READ, { id: h.id })).checkoutHold, (x) => x.status === 'EXPIRED');
    expect(swept.orderId).toBeNull();
    expect(await available('A')).toBe(before);
    const events = await t.sql(`SELECT type FROM outbox_event WHERE type LIKE 'checkout_hold.%'`);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['checkout_hold.created', 'checkout_hold.released', 'checkout_hold.expired']));
    await expectReconciled(t);
  });

  it('places an order with a hold even when the rest of the stock sold meanwhile; the hold is then used up', async () => {
    const h = ok(await hold([{ sku: 'SOLD', quantity: 2 }])).holdCheckoutStock;
    // Another buyer takes the last free unit; a third finds none.
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SOLD', quantity: 1 }], { email: 'fast@example.com' }) }));
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SOLD', quantity: 1 }], { email: 'late@example.com' }) }))).toBe('INSUFFICIENT_STOCK');
    // A hold of another channel is not this one's.
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SOLD', quantity: 2 }], { holdId: h.id, channelCode: 'other' }) }))).toBe('NOT_FOUND');

    // The buyer's quote counts the held units as theirs; without the hold it finds none.
    const QUOTE = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { placeable lines { sku available } problems { code } } }`;
    expect(ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'SOLD', quantity: 2 }], { holdId: h.id }) })).quoteOrder).toMatchObject({ placeable: true, lines: [{ sku: 'SOLD', available: 2 }] });
    expect(ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'SOLD', quantity: 2 }]) })).quoteOrder).toMatchObject({ placeable: false, lines: [{ available: 0 }], problems: [{ code: 'INSUFFICIENT_STOCK' }] });
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SOLD', quantity: 2 }], { holdId: h.id }) })).placeOrder.order;
    expect(placed.status).toBe('CONFIRMED');
    expect(await levels('SOLD')).toEqual([{ location: { code: 'wh-a' }, reserved: 3, available: 0 }]);
    const used = ok(await t.gql(READ, { id: h.id })).checkoutHold;
    expect(used).toMatchObject({ status: 'CONSUMED', orderId: placed.id });
    // A used hold is refused, by placeOrder and by release, and changes nothing.
    const again = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SOLD', quantity: 2 }], { holdId: h.id, email: 'again@example.com' }) });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(fieldOf(again)).toBe('input.holdId');
    expect(codeOf(await t.gql(RELEASE, { id: h.id }))).toBe('CONFLICT');
    expect(await levels('SOLD')).toEqual([{ location: { code: 'wh-a' }, reserved: 3, available: 0 }]);
    await expectReconciled(t);
  });

  it('lets one of two simultaneous placements with a hold have it; a placement racing the sweeper gets one answer', async () => {
    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'B', locationCode: 'wh-b', delta: 4, reason: 'RECEIVED' } }));
    const h = ok(await hold([{ sku: 'B', quantity: 2 }])).holdCheckoutStock;
    const both = await Promise.all(['one', 'two'].map((who) => t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'B', quantity: 2 }], { holdId: h.id, email: `${who}@example.com` }) })));
    expect(both.map((r) => (r.errors ? codeOf(r) : 'OK')).sort()).toEqual(['CONFLICT', 'OK']);
    // An expired hold, placed with while the sweeper runs: the order reserves as without it, once.
    const late = ok(await hold([{ sku: 'B', quantity: 1 }], { ttl: 30 })).holdCheckoutStock;
    await backdate(late.id);
    const sweeper = t.engine.app.service(CheckoutHoldService);
    const [placed] = await Promise.all([
      t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'B', quantity: 1 }], { holdId: late.id, email: 'late@example.com' }) }),
      sweeper.expireDue(t.em()),
    ]);
    ok(placed);
    expect(ok(await t.gql(READ, { id: late.id })).checkoutHold.status).toBe('EXPIRED');
    await expectReconciled(t);
  });

  it('gives back held units the order does not take: a smaller quantity, a SKU left out', async () => {
    const [a0, b0] = [await available('A'), await available('B')];
    const h = ok(await hold([{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 2 }, { sku: 'DIGITAL', quantity: 1 }])).holdCheckoutStock;
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 1 }, { sku: 'DIGITAL', quantity: 2 }], { holdId: h.id }) }));
    expect([await available('A'), await available('B')]).toEqual([a0 - 1, b0]);
    await expectReconciled(t);
  });

  it('places an order with an expired hold as without one: stock permitting, else INSUFFICIENT_STOCK', async () => {
    const h1 = ok(await hold([{ sku: 'EXP', quantity: 1 }], { ttl: 30 })).holdCheckoutStock;
    await backdate(h1.id);
    // Expired (swept or not): the order reserves as any other, and the units are there.
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'EXP', quantity: 1 }], { holdId: h1.id }) }));
    expect(ok(await t.gql(READ, { id: h1.id })).checkoutHold.status).toBe('EXPIRED');
    // The last unit: held, expired, then sold to someone else; the late buyer is refused, nothing changes.
    const h2 = ok(await hold([{ sku: 'EXP', quantity: 1 }], { ttl: 30 })).holdCheckoutStock;
    await backdate(h2.id);
    await until(async () => ok(await t.gql(READ, { id: h2.id })).checkoutHold.status, (s) => s === 'EXPIRED');
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'EXP', quantity: 1 }], { email: 'other@example.com' }) }));
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'EXP', quantity: 1 }], { holdId: h2.id }) }))).toBe('INSUFFICIENT_STOCK');
    expect(await levels('EXP')).toEqual([{ location: { code: 'wh-a' }, reserved: 2, available: 0 }]);
    await expectReconciled(t);
  });
});
