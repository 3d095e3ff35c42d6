// loyalty on both databases, through GraphQL over HTTP: points arrive after delivery and go after a
// refund, are spent as a discount at placement (atomically with the order), come back when that order
// is cancelled; bad requests change nothing; Order.loyalty over a page costs one statement whatever its size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DB_KINDS, pluginImport, startTestEngine, type TestEngine } from '../../test/helpers/engine.js';
import { codeOf, gqlAt, ok } from '../../test/helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../../test/helpers/fixtures.js';
import { until } from '../../test/helpers/until.js';
import { eventJobId } from '../../src/kernel/outbox/event-group.js';
import { follow, wsClient } from '../../test/e2e/subscriptions.helpers.js';
import { allInFlightAtOnce, describeSpans, RACE_HEADER, watchRequests } from '../../test/helpers/concurrency.js';
import { authorizations, gatewayCard } from '../../test/helpers/gateway-card.js';
import type { Client } from 'graphql-ws';

const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const ME = `{ me { id loyaltyPoints } }`;
const LEDGER = `query($c: ID, $first: Int, $after: String) { loyaltyLedger(customerId: $c, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { kind points balanceAfter orderId note } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status total discountTotal discounts { kind label amount }
  loyalty { earned redeemed } payments { id status amount amountCaptured }
  shipments { trackingNumber } invoices { kind total lines { description total } } } }`;
const TRACK = `mutation($i: TrackingEventInput!) { recordTrackingEvent(input: $i) { status } }`;
const REFUND = `mutation($id: ID!, $amount: Money!) { refundPayment(id: $id, amount: $amount, reason: "Returned") { status } }`;
// Enabled as a deployment enables it: 1 point per currency unit paid, a point is worth 1 cent, points
// may pay half of the goods at most.
// gateway-card: a card gateway that answers after a network round trip (the retries test).
const configFile = `
import { loyalty } from ${JSON.stringify(pluginImport('plugins/loyalty/index.ts'))};
import { gatewayCard } from ${JSON.stringify(pluginImport('test/helpers/gateway-card.ts'))};
export default {
  plugins: [loyalty({ pointsPerCurrencyUnit: 1, pointValue: 1, maxRedeemPercent: 50 })],
  providers: { payment: [gatewayCard] },
  settings: { ORDO_DEBUG_SQL: 1 },
};
`;
const LOYALTY_DISCOUNT = (amount: number) => ({ discounts: [{ kind: 'loyalty-points', amount }] });

describe.each(DB_KINDS)('loyalty on %s', (kind) => {
  let t: TestEngine;
  let token: string;
  let customerId: string;
  const email = `loyal-${kind}@example.com`;
  const points = async () => ok(await t.gql(ME, {}, token)).me.loyaltyPoints as number;
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = async (sku: string, quantity: number, extra: Record<string, unknown> = {}, guest = false) =>
    t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }], { email, ...extra }) }, guest ? undefined : token);

  beforeAll(async () => {
    t = await startTestEngine(kind, { configFile });
    expect(t.engine.app.modules.map((m) => m.name)).toContain('loyalty');
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 10, autoFulfill: true }, { code: 'hold', priority: 20 }],
      variants: [{ sku: 'SHIPS', price: 5000, stock: { auto: 100 } }, { sku: 'WAITS', price: 3000, stock: { hold: 1_000 } }],
      taxPercent: 0, shippingPrice: 500,
    });
    const reg = ok(await t.gql(REGISTER, { i: { email, password: 'correct horse battery' } })).registerCustomer;
    token = reg.token;
    customerId = reg.customer.id;
  }, 120_000);
  afterAll(async () => t?.stop());

  it('earns points when the order is delivered, once, and takes them back as it is refunded', async () => {
    expect(await points()).toBe(0);
    const placed = ok(await place('SHIPS', 2)).placeOrder.order;
    expect(placed.total).toBe(10_500);
    // Shipped by the auto-fulfilling location, captured on shipment: no points before delivery.
    const shipped = await until(() => order(placed.id), (o) => o.status === 'SHIPPED' && o.payments[0].status === 'PAID');
    expect(await points()).toBe(0);
    ok(await t.admin(TRACK, { i: { trackingNumber: shipped.shipments[0].trackingNumber, status: 'DELIVERED' } }));
    expect(await until(points, (p) => p === 105)).toBe(105);
    expect((await order(placed.id)).loyalty).toEqual({ earned: 105, redeemed: 0 });

    // The delivery event again (as a retried job): nothing more.
    const [ev] = await t.sql(`SELECT id, type, aggregate_id, payload, created_at_ms FROM outbox_event WHERE aggregate_id = ? AND type = 'order.delivered'`, [placed.id]);
    const data = { id: Number(ev.id), type: ev.type, aggregateId: ev.aggregate_id, payload: typeof ev.payload === 'string' ? JSON.parse(ev.payload) : ev.payload, at: new Date(Number(ev.created_at_ms)) };
    await t.engine.app.events.dispatch(t.engine.app, { id: eventJobId(data.id), name: ev.type, data, attempt: 2 });
    expect(await points()).toBe(105);

    // Half refunded: the order now earns 55 points; refunded in full: none.
    const payId = shipped.payments[0].id;
    ok(await t.admin(REFUND, { id: payId, amount: 5_000 }));
    expect(await until(points, (p) => p === 55)).toBe(55);
    ok(await t.admin(REFUND, { id: payId, amount: 5_500 }));
    expect(await until(points, (p) => p === 0)).toBe(0);
    expect((await order(placed.id)).loyalty).toEqual({ earned: 0, redeemed: 0 });

    const ledger = ok(await t.gql(LEDGER, {}, token)).loyaltyLedger;
    expect(ledger.nodes.map((e: any) => [e.kind, e.points, e.balanceAfter])).toEqual([['REVERSED', -55, 0], ['REVERSED', -50, 55], ['EARNED', 105, 105]]);
    expect(ledger.nodes.every((e: any) => e.orderId === placed.id)).toBe(true);
    // Staff read any customer's ledger; another customer cannot, nor can anyone signed out.
    expect(ok(await t.admin(LEDGER, { c: customerId, first: 2 })).loyaltyLedger).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const other = ok(await t.gql(REGISTER, { i: { email: `other-${kind}@example.com`, password: 'correct horse battery' } })).registerCustomer.token;
    expect(codeOf(await t.gql(LEDGER, { c: customerId }, other))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(LEDGER, { c: customerId }))).toBe('UNAUTHENTICATED');
  });

  it('spends points as a discount at placement; the payment, the invoice and the balance agree; the app hears each change', async () => {
    const clients: Client[] = [];
    const live = follow(wsClient(t.url.replace('http', 'ws'), token, clients), `subscription { loyaltyPointsChanged { kind points balance orderId } }`);
    // Signed out, the subscription is refused.
    const anonymous = follow(wsClient(t.url.replace('http', 'ws'), undefined, clients), `subscription { loyaltyPointsChanged { kind } }`);
    await anonymous.ended;
    expect(JSON.stringify(anonymous.results[0]?.errors ?? anonymous.error)).toMatch(/UNAUTHENTICATED/);
    await new Promise((r) => setTimeout(r, 500)); // the subscription is registered on the server
    ok(await t.admin(`mutation($i: AdjustLoyaltyPointsInput!) { adjustLoyaltyPoints(input: $i) }`, {
      i: { customerId, points: 1_000, reason: 'Welcome gift', idempotencyKey: `gift-${kind}` },
    }));
    // The same request again (a retry) gives nothing twice.
    expect(ok(await t.admin(`mutation($i: AdjustLoyaltyPointsInput!) { adjustLoyaltyPoints(input: $i) }`, {
      i: { customerId, points: 1_000, reason: 'Welcome gift', idempotencyKey: `gift-${kind}` },
    })).adjustLoyaltyPoints).toBe(1_000);
    expect(await points()).toBe(1_000);

    // A checkout's quote shows what the points would take off, and spends nothing.
    const entries = async () => Number((await t.sql('SELECT COUNT(*) AS n FROM loyalty_ledger_entry'))[0].n);
    const ledgerBefore = await entries();
    const QUOTE = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { total discountTotal discounts { kind amount } problems { path code message } } }`;
    const quote = async (amount: number) => ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'SHIPS', quantity: 1 }], { email, ...LOYALTY_DISCOUNT(amount) }) }, token)).quoteOrder;
    expect(await quote(400)).toEqual({ total: 5_100, discountTotal: 400, discounts: [{ kind: 'loyalty-points', amount: 400 }], problems: [] });
    expect(await quote(2_600)).toMatchObject({ total: 5_500, discountTotal: 0, problems: [{ path: 'discounts[0]', code: 'BAD_USER_INPUT', message: 'At most 2500 loyalty points can be spent on this order; 2600 were asked for.' }] });
    expect(await points()).toBe(1_000);
    expect(await entries()).toBe(ledgerBefore);

    const placed = ok(await place('SHIPS', 1, LOYALTY_DISCOUNT(400))).placeOrder.order;
    const o = await until(() => order(placed.id), (x) => x.payments[0].status === 'PAID' && x.invoices.length === 1);
    expect(o).toMatchObject({ total: 5_100, discountTotal: 400, discounts: [{ kind: 'loyalty-points', label: 'Loyalty points (400)', amount: 400 }], loyalty: { redeemed: 400 } });
    expect(o.payments[0]).toMatchObject({ amount: 5_100, amountCaptured: 5_100 });
    expect(o.invoices[0].total).toBe(5_100);
    expect(o.invoices[0].lines.map((l: any) => [l.description, l.total])).toContainEqual(['Discount: Loyalty points (400)', -400]);
    expect(await points()).toBe(600);
    await live.until((r) => r.length >= 2);
    expect(live.results.map((r) => r.data?.loyaltyPointsChanged)).toEqual([
      { kind: 'ADJUSTED', points: 1_000, balance: 1_000, orderId: null },
      { kind: 'REDEEMED', points: -400, balance: 600, orderId: placed.id },
    ]);
    for (const c of clients) await c.dispose();
  });

  it('a return from an order paid partly with points refunds its share of the money, and its points', async () => {
    const before = await points();
    const placed = ok(await place('SHIPS', 2, LOYALTY_DISCOUNT(400))).placeOrder.order;
    expect(placed.total).toBe(10_100); // 2 × 50.00 + 5.00 shipping − 4.00 in points
    const shipped = await until(() => order(placed.id), (o) => o.status === 'SHIPPED' && o.payments[0].status === 'PAID');
    ok(await t.admin(TRACK, { i: { trackingNumber: shipped.shipments[0].trackingNumber, status: 'DELIVERED' } }));
    expect(await until(points, (p) => p === before - 400 + 101)).toBe(before - 400 + 101);

    const lineId = ok(await t.admin(`query($id: ID!) { order(id: $id) { lines { id } } }`, { id: placed.id })).order.lines[0].id;
    const RETURN = `id status refundTotal lines { id }`;
    const requested = ok(await t.gql(`mutation($i: RequestReturnInput!) { requestReturn(input: $i) { ${RETURN} } }`, {
      i: { orderId: placed.id, resolution: 'REFUND', lines: [{ orderLineId: lineId, quantity: 1, reason: 'CHANGED_MIND' }] },
    }, token)).requestReturn;
    ok(await t.admin(`mutation($id: ID!) { approveReturn(id: $id) { id } }`, { id: requested.id }));
    ok(await t.admin(`mutation($id: ID!, $l: [ReceiveReturnLineInput!]!) { receiveReturn(id: $id, lines: $l) { id } }`, {
      id: requested.id, l: [{ returnLineId: requested.lines[0].id, quantity: 1, disposition: 'RESTOCK' }],
    }));
    const done = await until(async () => ok(await t.admin(`query($id: ID!) { returnRequest(id: $id) { ${RETURN} } }`, { id: requested.id })).returnRequest,
      (r) => r.status === 'COMPLETED');
    // One of two units: 50.00 less its half of the 4.00 the points paid (shipping stays, a change of mind).
    expect(done.refundTotal).toBe(4_800);
    // What was kept (53.00) earns 53 points: 48 of the 101 go.
    expect(await until(points, (p) => p === before - 400 + 53)).toBe(before - 400 + 53);
    expect((await order(placed.id)).loyalty).toEqual({ earned: 53, redeemed: 400 });
  });

  it('gives the points back when the order that spent them is cancelled', async () => {
    const before = await points();
    const placed = ok(await place('WAITS', 1, LOYALTY_DISCOUNT(100))).placeOrder.order;
    expect(placed).toMatchObject({ status: 'CONFIRMED', total: 3_400 });
    expect(await points()).toBe(before - 100);
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "Changed mind") { status } }`, { id: placed.id }));
    expect(await until(points, (p) => p === before)).toBe(before);
    expect((await order(placed.id)).loyalty).toEqual({ earned: 0, redeemed: 0 });
  });

  it('refuses what it cannot give, with BAD_USER_INPUT, and changes nothing', async () => {
    const balance = await points();
    const cases: [string, () => Promise<any>, RegExp][] = [
      ['more points than the balance', () => place('WAITS', 10, LOYALTY_DISCOUNT(balance + 1)), new RegExp(`You have ${balance} loyalty points`)],
      ['more than half of the goods', () => place('WAITS', 1, LOYALTY_DISCOUNT(1_501)), /At most 1500 loyalty points/],
      ['a guest', () => place('WAITS', 1, LOYALTY_DISCOUNT(10), true), /Sign in/],
      ['an unknown kind', () => place('WAITS', 1, { discounts: [{ kind: 'voucher', code: 'X' }] }), /No pricing step answers discounts of kind "voucher"/],
      ['points twice', () => place('WAITS', 1, { discounts: [{ kind: 'loyalty-points', amount: 1 }, { kind: 'loyalty-points', amount: 1 }] }), /once/],
      ['zero points', () => place('WAITS', 1, LOYALTY_DISCOUNT(0)), /at least 1/],
    ];
    const snap = await snapshot(t);
    for (const [what, run, message] of cases) {
      const r = await run();
      expect(codeOf(r), what).toBe('BAD_USER_INPUT');
      expect(r.errors[0].message, what).toMatch(message);
    }
    expect(await snapshot(t)).toEqual(snap);
    expect(await points()).toBe(balance);
    expect(codeOf(await t.admin(`mutation($i: AdjustLoyaltyPointsInput!) { adjustLoyaltyPoints(input: $i) }`, {
      i: { customerId, points: -(balance + 1), reason: 'Too much', idempotencyKey: `take-${kind}` },
    }))).toBe('BAD_USER_INPUT');
    expect(await points()).toBe(balance);
  });

  it('a placement retried with its idempotencyKey at the same moment (and after) spends the points once', async () => {
    const before = await points();
    const reserved = async () => Number((await t.sql(`SELECT COALESCE(SUM(reserved), 0) AS n FROM stock_level WHERE sku = 'WAITS'`))[0].n);
    const reservedBefore = await reserved();
    // Paid through a gateway that takes GATEWAY_MS to answer: the retries arrive while the first waits.
    const input = orderInput([{ sku: 'WAITS', quantity: 1 }], { email, payment: { method: gatewayCard.code, token: 'tok_visa' }, ...LOYALTY_DISCOUNT(25) });
    const key = `retry-${kind}`;
    const asked = authorizations.length;
    // Four attempts fired together, none of them first.
    const watch = watchRequests(t.engine.http!.server);
    const together = await Promise.all([1, 2, 3, 4].map((i) => gqlAt(t.url, PLACE_ORDER, { input, key }, token, { [RACE_HEADER]: `attempt-${i}` })))
      .finally(watch.stop);
    expect(watch.spans).toHaveLength(4);
    expect(allInFlightAtOnce(watch.spans), `the server did not have all four at once: ${describeSpans(watch.spans)}`).toBe(true);
    const ids = together.map((r) => ok(r).placeOrder.order.id);
    expect(new Set(ids).size, JSON.stringify(together.map((r) => r.errors ?? r.data.placeOrder.order.id))).toBe(1);
    expect(new Set(together.map((r) => r.data.placeOrder.accessToken)).size).toBe(1);
    const [orderId] = ids;
    if (kind === 'postgresql') {
      // Where it matters: several attempts were past the "is there an order with this key?" look-up
      // before the first committed (each reserved and asked the gateway); the unique key picked one
      // winner and the others answered with its order. (SQLite's single connection runs the attempts one
      // after another, so there the later ones find the committed order.)
      expect(authorizations.length - asked).toBeGreaterThanOrEqual(2);
    }
    // What a lost race would show: a second order, points or stock taken twice.
    const keyed = await t.sql('SELECT id FROM orders WHERE idempotency_key = (SELECT idempotency_key FROM orders WHERE id = ?)', [orderId]);
    expect(keyed.map((r) => r.id)).toEqual([orderId]);
    expect(await points()).toBe(before - 25);
    expect(await reserved()).toBe(reservedBefore + 1);
    const spent = await t.sql(`SELECT points FROM loyalty_ledger_entry WHERE order_id = ?`, [orderId]);
    expect(spent.map((r) => Number(r.points))).toEqual([-25]);

    // A retry once the first has committed: the same order, nothing more.
    expect(ok(await t.gql(PLACE_ORDER, { input, key }, token)).placeOrder.order.id).toBe(orderId);
    expect(await points()).toBe(before - 25);
    expect(await reserved()).toBe(reservedBefore + 1);
  });

  it('two orders racing for the same points: one gets them, the other is refused', async () => {
    const balance = await points();
    const spend = Math.floor(balance / 2) + 1;
    const results = await Promise.all([place('WAITS', 10, LOYALTY_DISCOUNT(spend)), place('WAITS', 10, LOYALTY_DISCOUNT(spend))]);
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(codeOf(results.find((r) => r.errors)!)).toBe('BAD_USER_INPUT');
    expect(await points()).toBe(balance - spend);
  });

  it('Order.loyalty over a page of 100 orders costs one statement more, whatever the page size', async () => {
    for (let i = 0; i < 100; i += 25) {
      await Promise.all(Array.from({ length: 25 }, () => t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'WAITS', quantity: 1 }]) })));
    }
    const page = (extra: string) => `query($n: Int) { orders(first: $n) { nodes { id total lines { sku } ${extra} } } }`;
    const counted = (q: string, n: number) => gqlAt(t.url, q, { n }, ADMIN_KEY, { 'x-ordo-count-sql': '1' });
    const plain5 = await counted(page(''), 5);
    const plain100 = await counted(page(''), 100);
    const with5 = await counted(page('loyalty { earned redeemed }'), 5);
    const with100 = await counted(page('loyalty { earned redeemed }'), 100);
    expect(ok(with100).orders.nodes).toHaveLength(100);
    expect(ok(with100).orders.nodes.every((o: any) => typeof o.loyalty.earned === 'number')).toBe(true);
    expect(plain100.sqlCount).toBe(plain5.sqlCount);
    expect(with100.sqlCount).toBe(with5.sqlCount);
    expect(with100.sqlCount! - plain100.sqlCount!).toBe(1);
  }, 120_000);
});

describe.each(DB_KINDS)('loyalty points paying a whole order on %s', (kind) => {
  let t: TestEngine;
  // The defaults: points may pay all of the goods.
  const fullConfig = `
import { loyalty } from ${JSON.stringify(pluginImport('plugins/loyalty/index.ts'))};
export default { plugins: [loyalty()] };
`;
  beforeAll(async () => {
    t = await startTestEngine(kind, { configFile: fullConfig });
    await setupShop(t, { locations: [{ code: 'auto', priority: 10, autoFulfill: true }], variants: [{ sku: 'FREE', price: 1_000, stock: { auto: 10 } }], taxPercent: 0, shippingPrice: 0 });
  }, 120_000);
  afterAll(async () => t?.stop());

  it('is confirmed without asking the provider, captured and invoiced at zero', async () => {
    const reg = ok(await t.gql(REGISTER, { i: { email: `free-${kind}@example.com`, password: 'correct horse battery' } })).registerCustomer;
    ok(await t.admin(`mutation($i: AdjustLoyaltyPointsInput!) { adjustLoyaltyPoints(input: $i) }`, { i: { customerId: reg.customer.id, points: 1_000, reason: 'Prize', idempotencyKey: 'prize' } }));
    // A card the provider would decline: it is not asked, there is nothing to pay.
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'FREE', quantity: 1 }], {
      email: `free-${kind}@example.com`, payment: { method: 'test-card', token: 'tok_declined' }, ...LOYALTY_DISCOUNT(1_000),
    }) }, reg.token)).placeOrder.order;
    expect(placed).toMatchObject({ status: 'CONFIRMED', total: 0, payments: [{ status: 'AUTHORIZED', amount: 0 }] });
    const o = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (x) => x.payments[0].status === 'PAID' && x.invoices.length === 1);
    expect(o.invoices[0].total).toBe(0);
    expect(o.invoices[0].lines.map((l: any) => l.total)).toEqual([1_000, -1_000]);
    expect(ok(await t.admin(`{ unreconciledOrders { id } }`)).unreconciledOrders).toEqual([]);
  });
});
