// Promotions and coupons on both databases, through GraphQL: 50 simultaneous orders with a 10-use coupon
// give exactly 10 discounts; per-customer limits; each effect's amount (JPY too); stacking and
// exclusivity; dates; first-order and tag conditions; a quote shows what the order gets; bulk codes are
// unique and single-use; a cancelled order gives its use back; a return refunds a unit's discounted share.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok, type GqlResult } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { deliveredOrder, RECEIVE_RETURN, REQUEST_RETURN } from '../helpers/returns.js';

const CREATE = `mutation($i: CreatePromotionInput!) { createPromotion(input: $i) { id name automatic effect } }`;
const ARCHIVE = `mutation($id: ID!) { archivePromotion(id: $id) { id status } }`;
const UPDATE = `mutation($id: ID!, $i: UpdatePromotionInput!) { updatePromotion(id: $id, input: $i) { id endsAt } }`;
const PROMOTION = `query($id: ID!) { promotion(id: $id) { id timesUsed usageLimit codes { code uses usageLimit } } }`;
const GENERATE = `mutation($id: ID!, $n: Int!, $prefix: String) { generateCouponCodes(promotionId: $id, count: $n, prefix: $prefix) { code usageLimit uses } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status total discountTotal shippingTotal taxTotal subtotal discounts { kind label amount } } }`;
const QUOTE = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { total discountTotal placeable discounts { kind label amount } problems { path code message } } }`;
const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const reasonOf = (r: GqlResult) => r.errors?.[0]?.extensions?.reason;

describe.each(DB_KINDS)('promotions on %s', (kind: DbKind) => {
  let t: TestEngine;
  let n = 0;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'auto', priority: 20, autoFulfill: true }],
      variants: [
        { sku: 'A', price: 1000, stock: { 'wh-a': 1000 } },
        { sku: 'B', price: 2000, stock: { 'wh-a': 1000 } },
        { sku: 'C', price: 300, stock: { 'wh-a': 1000 } },
        { sku: 'RACE', price: 1000, stock: { 'wh-a': 100 } },
        { sku: 'RET', price: 1000, stock: { auto: 50 } },
      ],
      taxPercent: 10, shippingPrice: 500,
    });
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
      i: { code: 'jp', name: 'Shop JPY', kind: 'WEB_STORE', currencyCode: 'JPY', capturePolicy: 'ON_PLACEMENT' },
    }));
    ok(await t.admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
      i: { name: 'Tea', variants: [{ sku: 'TEA-JPY', name: 'Green tea', price: 1200, currencyCode: 'JPY' }] },
    }));
    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'TEA-JPY', locationCode: 'wh-a', delta: 100, reason: 'RECEIVED' } }));
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code: 'standard-jp', name: 'Standard', carrierCode: 'sim', price: 500, currencyCode: 'JPY', minTransitDays: 2, maxTransitDays: 4 },
    }));
  }, 120_000);
  afterAll(async () => t?.stop());

  const create = async (i: Record<string, unknown>) => ok(await t.admin(CREATE, { i: { automatic: false, ...i } })).createPromotion.id as string;
  const email = () => `buyer-${kind}-${++n}@example.com`;
  const input = (lines: { sku: string; quantity: number }[], codes: string[] = [], extra: Record<string, unknown> = {}) =>
    orderInput(lines, { email: email(), discounts: codes.map((code) => ({ kind: 'coupon', code })), ...extra });
  const place = (lines: { sku: string; quantity: number }[], codes: string[] = [], extra: Record<string, unknown> = {}, token?: string) =>
    t.gql(PLACE_ORDER, { input: input(lines, codes, extra) }, token);
  const placed = async (lines: { sku: string; quantity: number }[], codes: string[] = [], extra: Record<string, unknown> = {}, token?: string) => {
    const o = ok(await place(lines, codes, extra, token)).placeOrder.order;
    return ok(await t.admin(ORDER, { id: o.id })).order;
  };
  /** Automatic promotions apply to every order: each test archives its own. */
  const withAutomatic = async (ids: string[], run: () => Promise<void>) => {
    try {
      await run();
    } finally {
      for (const id of ids) ok(await t.admin(ARCHIVE, { id }));
    }
  };

  it('50 simultaneous orders with a 10-use coupon: exactly 10 are discounted, the others refused, none oversold', async () => {
    const id = await create({ name: 'Race ten', effect: 'ORDER_AMOUNT', amount: 100, currencyCode: 'EUR', code: 'RACE10', usageLimit: 10 });
    const results = await Promise.all(Array.from({ length: 50 }, () => place([{ sku: 'RACE', quantity: 1 }], ['race10'])));
    const won = results.filter((r) => !r.errors);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(10);
    expect(lost.map((r) => [codeOf(r), reasonOf(r), fieldOf(r)])).toEqual(Array(40).fill(['BAD_USER_INPUT', 'COUPON_EXHAUSTED', 'input.discounts[0].code']));
    // 1000 + 10 % tax + 550 shipping − 100.
    for (const r of won) expect(r.data.placeOrder.order.total).toBe(1100 + 550 - 100);
    expect(ok(await t.admin(PROMOTION, { id })).promotion.timesUsed).toBe(10);
    const [row] = await t.sql('SELECT uses FROM promotion WHERE id = ?', [id]);
    expect(Number(row.uses)).toBe(10);
    // The refused orders reserved nothing.
    const [level] = await t.sql("SELECT SUM(reserved) AS r FROM stock_level WHERE sku = 'RACE'");
    expect(Number(level.r)).toBe(10);
  }, 120_000);

  it('a per-customer limit counts by account, or by email for guests', async () => {
    await create({ name: 'Once each', effect: 'ORDER_PERCENT', percent: 10, code: 'ONCE-EACH', perCustomerLimit: 1 });
    const guest = email();
    ok(await place([{ sku: 'A', quantity: 1 }], ['once-each'], { email: guest }));
    const again = await place([{ sku: 'A', quantity: 1 }], ['ONCE-EACH'], { email: guest });
    expect([codeOf(again), reasonOf(again)]).toEqual(['BAD_USER_INPUT', 'COUPON_CUSTOMER_LIMIT']);
    ok(await place([{ sku: 'A', quantity: 1 }], ['ONCE-EACH']));
    const { token } = ok(await t.gql(REGISTER, { i: { email: email(), password: 'correct horse battery' } })).registerCustomer;
    ok(await place([{ sku: 'A', quantity: 1 }], ['once-each'], {}, token));
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['once-each'], {}, token))).toBe('COUPON_CUSTOMER_LIMIT');
  });

  it('each effect takes off what it says, after tax, shipping included for free shipping', async () => {
    await create({ name: 'Ten percent', effect: 'ORDER_PERCENT', percent: 10, code: 'PCT10' });
    await create({ name: 'Three off', effect: 'ORDER_AMOUNT', amount: 300, currencyCode: 'EUR', code: 'AMT300' });
    await create({ name: 'Half B', effect: 'PRODUCTS_PERCENT', percent: 50, skus: ['B'], code: 'HALFB' });
    await create({ name: 'One off A', effect: 'PRODUCTS_AMOUNT', amount: 100, currencyCode: 'EUR', skus: ['A'], code: 'ONEOFFA' });
    await create({ name: '3 for 2', effect: 'BUY_X_GET_Y', buyQuantity: 2, getQuantity: 1, skus: ['A', 'C'], code: 'THREEFORTWO' });
    await create({ name: 'Free shipping', effect: 'FREE_SHIPPING', code: 'SHIPFREE' });
    const cart = [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }]; // goods 2200 + 2200 with tax, shipping 550
    const cases: [string, number][] = [['PCT10', 440], ['AMT300', 300], ['HALFB', 1100], ['ONEOFFA', 200], ['SHIPFREE', 550]];
    for (const [code, off] of cases) {
      const o = await placed(cart, [code]);
      expect([code, o.discountTotal, o.total]).toEqual([code, off, 4950 - off]);
    }
    // Buy 2 get 1: of A, A, C, C, C (1100, 1100, 330, 330, 330) one group of three: the cheapest unit free.
    const o = await placed([{ sku: 'A', quantity: 2 }, { sku: 'C', quantity: 3 }], ['threefortwo']);
    expect(o.discounts).toEqual([{ kind: 'coupon', label: '3 for 2 (THREEFORTWO)', amount: 330 }]);
    const [d] = await t.sql('SELECT discounts FROM orders WHERE id = ?', [o.id]);
    const stored = typeof d.discounts === 'string' ? JSON.parse(d.discounts) : d.discounts;
    expect(stored[0].lines).toEqual([{ sku: 'C', amount: 330 }]);
    // A product coupon for products not in the cart takes nothing: refused.
    const none = await place([{ sku: 'C', quantity: 1 }], ['halfb']);
    expect([codeOf(none), reasonOf(none)]).toEqual(['BAD_USER_INPUT', 'COUPON_NOT_APPLICABLE']);
  });

  it('JPY (no minor unit): percentages round half-up to whole yen; an EUR amount coupon is refused there', async () => {
    await create({ name: 'Seven percent', effect: 'ORDER_PERCENT', percent: 7, code: 'JP7' });
    const jp = { channelCode: 'jp', shippingMethodCode: 'standard-jp' };
    // 1200 + 10 % = 1320; 7 % = 92.4 → 92.
    const o = await placed([{ sku: 'TEA-JPY', quantity: 1 }], ['jp7'], jp);
    expect([o.discountTotal, o.total]).toEqual([92, 1320 + 550 - 92]);
    const three = await placed([{ sku: 'TEA-JPY', quantity: 3 }], ['jp7'], jp); // 3960 × 7 % = 277.2 → 277
    expect(three.discountTotal).toBe(277);
    const eur = await place([{ sku: 'TEA-JPY', quantity: 1 }], ['AMT300'], jp);
    expect(reasonOf(eur)).toBe('COUPON_CONDITION_NOT_MET');
  });

  it('stacking: the best exclusive promotion against the sum of the combinable ones; a coupon that loses is refused', async () => {
    const ten = await create({ name: 'Ten off everything', automatic: true, effect: 'ORDER_PERCENT', percent: 10 });
    const ship = await create({ name: 'Free delivery', automatic: true, effect: 'FREE_SHIPPING', combinable: true, priority: 5 });
    await create({ name: 'One euro', effect: 'ORDER_AMOUNT', amount: 100, currencyCode: 'EUR', code: 'EURO1', combinable: true, priority: 1 });
    await withAutomatic([ten, ship], async () => {
      // One A (1100): 10 % = 110 < free delivery 550 (+ the coupon's 100).
      const small = await placed([{ sku: 'A', quantity: 1 }]);
      expect(small.discounts).toEqual([{ kind: 'promotion', label: 'Free delivery', amount: 550 }]);
      const both = await placed([{ sku: 'A', quantity: 1 }], ['euro1']);
      expect(both.discounts).toEqual([{ kind: 'promotion', label: 'Free delivery', amount: 550 }, { kind: 'coupon', label: 'One euro (EURO1)', amount: 100 }]);
      expect(both.total).toBe(1100 + 550 - 650);
      // Ten A (11000): 10 % = 1100 beats 650: the exclusive one alone, and the coupon cannot be used.
      const big = await placed([{ sku: 'A', quantity: 10 }]);
      expect(big.discounts).toEqual([{ kind: 'promotion', label: 'Ten off everything', amount: 1100 }]);
      const lost = await place([{ sku: 'A', quantity: 10 }], ['EURO1']);
      expect([reasonOf(lost), fieldOf(lost)]).toEqual(['COUPON_NOT_COMBINABLE', 'input.discounts[0].code']);
    });
  });

  it('a quote shows exactly the discounts the order gets, and a coupon problem with no discount', async () => {
    const auto = await create({ name: 'Welcome', automatic: true, effect: 'PRODUCTS_PERCENT', percent: 20, skus: ['B'], combinable: true });
    await create({ name: 'Two euro', effect: 'ORDER_AMOUNT', amount: 200, currencyCode: 'EUR', code: 'TWO-EURO', combinable: true, usageLimit: 5 });
    await withAutomatic([auto], async () => {
      const i = input([{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }], ['two-euro']);
      const quote = ok(await t.gql(QUOTE, { input: i })).quoteOrder;
      expect(quote.placeable).toBe(true);
      const order = ok(await t.gql(PLACE_ORDER, { input: i })).placeOrder.order;
      const o = ok(await t.admin(ORDER, { id: order.id })).order;
      expect(o.discounts).toEqual(quote.discounts);
      expect([o.discountTotal, o.total]).toEqual([quote.discountTotal, quote.total]);
      expect(quote.discounts).toEqual([{ kind: 'promotion', label: 'Welcome', amount: 880 }, { kind: 'coupon', label: 'Two euro (TWO-EURO)', amount: 200 }]);
      // The quote took no use; the order did.
      expect(Number((await t.sql("SELECT uses FROM promotion WHERE name = 'Two euro'"))[0].uses)).toBe(1);
      const bad = ok(await t.gql(QUOTE, { input: { ...i, discounts: [{ kind: 'coupon', code: 'TWO-EURO' }, { kind: 'coupon', code: 'NOPE' }] } })).quoteOrder;
      expect(bad.placeable).toBe(false);
      expect(bad.discounts).toEqual([]);
      expect(bad.problems).toEqual([expect.objectContaining({ path: 'discounts[1].code', code: 'BAD_USER_INPUT' })]);
    });
  });

  it('dates: a coupon before its start or after its end is refused; codes match whatever the case', async () => {
    const later = await create({ name: 'Later', effect: 'ORDER_PERCENT', percent: 5, code: 'Later5', startsAt: new Date(Date.now() + 86_400_000).toISOString() });
    const ended = await create({ name: 'Ended', effect: 'ORDER_PERCENT', percent: 5, code: 'ended5', endsAt: new Date(Date.now() - 60_000).toISOString() });
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['LATER5']))).toBe('COUPON_NOT_STARTED');
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['Ended5']))).toBe('COUPON_EXPIRED');
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['NO-SUCH-CODE']))).toBe('COUPON_UNKNOWN');
    ok(await t.admin(UPDATE, { id: ended, i: { endsAt: null } }));
    expect((await placed([{ sku: 'A', quantity: 1 }], ['ENDED5'])).discountTotal).toBe(55);
    ok(await t.admin(ARCHIVE, { id: ended }));
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['ended5']))).toBe('COUPON_EXPIRED');
    expect(later).toBeTruthy();
  });

  it('first order only, and customer tags read at placement', async () => {
    await create({ name: 'First', effect: 'ORDER_PERCENT', percent: 10, code: 'FIRST10', firstOrderOnly: true });
    await create({ name: 'VIP', effect: 'ORDER_PERCENT', percent: 10, code: 'VIP10', customerTags: ['VIP'] });
    const guest = email();
    ok(await place([{ sku: 'A', quantity: 1 }], ['first10'], { email: guest }));
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['first10'], { email: guest }))).toBe('COUPON_CONDITION_NOT_MET');
    const reg = ok(await t.gql(REGISTER, { i: { email: email(), password: 'correct horse battery' } })).registerCustomer;
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['vip10'], {}, reg.token))).toBe('COUPON_CONDITION_NOT_MET');
    ok(await t.admin(`mutation($id: ID!, $tags: [String!]!) { tagCustomer(customerId: $id, tags: $tags) { tags } }`, { id: reg.customer.id, tags: ['vip'] }));
    expect((await placed([{ sku: 'A', quantity: 1 }], ['vip10'], {}, reg.token)).discountTotal).toBe(110);
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['vip10']))).toBe('COUPON_CONDITION_NOT_MET'); // a guest has no tags
  });

  it('bulk codes are unique, single use, matched whatever the case', async () => {
    const id = await create({ name: 'Mailing', effect: 'ORDER_AMOUNT', amount: 50, currencyCode: 'EUR' });
    const codes = ok(await t.admin(GENERATE, { id, n: 200, prefix: 'mail-' })).generateCouponCodes;
    expect(codes).toHaveLength(200);
    expect(new Set(codes.map((c: any) => c.code.toLowerCase())).size).toBe(200);
    expect(codes.every((c: any) => /^MAIL-[A-Z0-9]{10}$/.test(c.code) && c.usageLimit === 1 && c.uses === 0)).toBe(true);
    ok(await place([{ sku: 'A', quantity: 1 }], [codes[0].code.toLowerCase()]));
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], [codes[0].code]))).toBe('COUPON_EXHAUSTED');
    ok(await place([{ sku: 'A', quantity: 1 }], [codes[1].code]));
    const p = ok(await t.admin(PROMOTION, { id })).promotion;
    expect(p.timesUsed).toBe(2);
  });

  it('a cancelled order gives its use back', async () => {
    const id = await create({ name: 'Just one', effect: 'ORDER_AMOUNT', amount: 100, currencyCode: 'EUR', code: 'JUSTONE', usageLimit: 1 });
    const first = ok(await place([{ sku: 'A', quantity: 1 }], ['justone'])).placeOrder.order;
    expect(reasonOf(await place([{ sku: 'A', quantity: 1 }], ['justone']))).toBe('COUPON_EXHAUSTED');
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: first.id }));
    await until(async () => ok(await t.admin(PROMOTION, { id })).promotion.timesUsed, (used) => used === 0);
    ok(await place([{ sku: 'A', quantity: 1 }], ['justone']));
  });

  it('a return of a discounted product refunds its discounted share of its own line', async () => {
    const half = await create({ name: 'Half RET', automatic: true, effect: 'PRODUCTS_PERCENT', percent: 50, skus: ['RET'] });
    const reg = ok(await t.gql(REGISTER, { i: { email: email(), password: 'correct horse battery' } })).registerCustomer;
    let orderId = '';
    let lineId = '';
    await withAutomatic([half], async () => {
      const { order } = await deliveredOrder(t, [{ sku: 'RET', quantity: 2 }], reg.token);
      orderId = order.id;
      lineId = order.lines[0].id;
    });
    // 2 × 1100 − 1100 + 550 shipping.
    expect(ok(await t.admin(ORDER, { id: orderId })).order.total).toBe(1650);
    const r = ok(await t.admin(REQUEST_RETURN, { i: { orderId, lines: [{ orderLineId: lineId, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND' }, approve: true })).requestReturn;
    const received = ok(await t.admin(RECEIVE_RETURN, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] })).receiveReturn;
    // One unit: 1100 less its 550 share of the product discount (not a share of the shipping).
    const done = await until(async () => ok(await t.admin(`query($id: ID!) { returnRequest(id: $id) { status refundTotal } }`, { id: received.id })).returnRequest,
      (x) => x.status === 'REFUNDED' || x.status === 'COMPLETED');
    expect(done.refundTotal).toBe(550);
  });
});
