// salesReport and productPerformance on both databases (docs/analytics.md): figures read from the rollups
// the outbox events keep, against known answers. Orders with a chosen placement time come in through
// importOrders (`placedAt`: when the buyer ordered on the channel), so the day boundary of a Berlin
// channel is tested with real orders: 22:30Z on 15 January is 23:30 local (the 15th), 23:30Z is the 16th.
// Placed orders (today) carry a coupon, a partial cancellation and a received return.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { deliveredOrder, RECEIVE_RETURN, REQUEST_RETURN } from '../helpers/returns.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';
import { OutboxEvent } from '../../src/kernel/outbox/outbox-event.entity.js';
import { salesPart } from '../../src/analytics/sales-part.js';

const FIGURES = 'currencyCode orders units grossSales discounts returns netSales tax shipping totalSales refunds averageOrderValue';
const REPORT = `query($from: DateTime!, $to: DateTime!, $groupBy: ReportGrouping, $channel: String) {
  salesReport(from: $from, to: $to, groupBy: $groupBy, channelCode: $channel) {
    groupBy channelCodes currencies { currencyCode buckets { start ${FIGURES} } totals { ${FIGURES} } } } }`;
const PRODUCTS = `query($from: DateTime!, $to: DateTime!, $first: Int, $channel: String) {
  productPerformance(from: $from, to: $to, first: $first, channelCode: $channel) { sku currencyCode unitsSold unitsReturned netSales returnRate available daysOfCover } }`;
const IMPORT = `mutation($orders: [ImportOrderInput!]!, $key: String!) {
  importOrders(channelCode: "berlin", orders: $orders, idempotencyKey: $key) { created failed results { externalId error { message field } order { id payments { id } } } } }`;
const REBUILD = `mutation($channel: String, $from: DateTime) { rebuildReports(channelCode: $channel, from: $from) { name counted } }`;
const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`;
const DAY = 86_400_000;

function imported(externalId: string, placedAt: string, lines: { sku: string; quantity: number; unitPrice: number; taxTotal: number }[], shipping: [number, number], discountTotal = 0) {
  const goods = lines.reduce((s, l) => s + l.unitPrice * l.quantity + l.taxTotal, 0);
  return {
    externalId, placedAt, email: 'buyer@example.com', lines, shippingAddress: ADDRESS, shippingMethodCode: 'standard',
    shippingTotal: shipping[0], shippingTax: shipping[1], discountTotal, total: goods + shipping[0] + shipping[1] - discountTotal,
  };
}

const zero = { orders: 0, units: 0, grossSales: 0, discounts: 0, returns: 0, netSales: 0, tax: 0, shipping: 0, totalSales: 0, refunds: 0, averageOrderValue: 0 };

describe.each(DB_KINDS)('sales reports on %s', (kind: DbKind) => {
  let t: TestEngine;
  const report = async (v: Record<string, unknown>) => ok(await t.admin(REPORT, v)).salesReport;
  const products = async (v: Record<string, unknown>) => ok(await t.admin(PRODUCTS, v)).productPerformance;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'wh', priority: 10 }],
      variants: [{ sku: 'A', price: 1000, stock: { wh: 100 } }, { sku: 'B', price: 2500, stock: { auto: 50 } }],
    });
    ok(await t.admin(`mutation { createChannel(input: { code: "berlin", name: "Berlin market", kind: MARKETPLACE, currencyCode: "EUR", timeZone: "Europe/Berlin" }) { code } }`));
    ok(await t.admin(`mutation { createChannel(input: { code: "gross", name: "Gross shop", kind: WEB_STORE, currencyCode: "EUR", pricesIncludeTax: true }) { code } }`));
    ok(await t.admin(`mutation($i: CreatePromotionInput!) { createPromotion(input: $i) { id } }`, { i: { name: 'Three off', automatic: false, effect: 'ORDER_AMOUNT', amount: 300, currencyCode: 'EUR', code: 'THREEOFF' } }));
  }, 60_000);
  afterAll(async () => t?.stop());

  it('buckets by the local day of the Berlin channel, drops a cancelled order and counts refunds', async () => {
    const r = ok(await t.admin(IMPORT, {
      key: `berlin-${kind}`,
      orders: [
        imported('B-1', '2026-01-15T22:30:00Z', [{ sku: 'A', quantity: 2, unitPrice: 1000, taxTotal: 380 }], [495, 94], 200),
        imported('B-2', '2026-01-15T23:30:00Z', [{ sku: 'B', quantity: 1, unitPrice: 2500, taxTotal: 475 }], [0, 0]),
        imported('B-3', '2026-01-15T10:00:00Z', [{ sku: 'A', quantity: 1, unitPrice: 1000, taxTotal: 190 }], [495, 94]),
      ],
    })).importOrders;
    expect(r).toMatchObject({ created: 3, failed: 0 });
    const [, b2, b3] = r.results.map((x: any) => x.order);
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "buyer cancelled") { status } }`, { id: b3.id }));
    ok(await t.admin(`mutation($id: ID!) { refundPayment(id: $id, amount: 500, reason: "goodwill") { id } }`, { id: b2.payments[0].id }));
    await settled(t);

    // 00:00 on the 15th to 00:00 on the 17th, Berlin time (UTC+1 in winter).
    const range = { from: '2026-01-14T23:00:00.000Z', to: '2026-01-16T23:00:00.000Z', channel: 'berlin' };
    const byDay = await report(range);
    expect(byDay.channelCodes).toEqual(['berlin']);
    expect(byDay.currencies).toHaveLength(1);
    const [eur] = byDay.currencies;
    // B-3's captured 17.79 went back when it was cancelled (the channel's external payment refunds at once).
    const refundedB3 = (await t.sql("SELECT COALESCE(SUM(amount), 0) AS n FROM payment_operation WHERE order_id = ? AND kind = 'REFUND' AND status = 'SUCCEEDED'", [b3.id]))[0].n;
    expect(Number(refundedB3)).toBe(1779);
    const day15 = { orders: 1, units: 2, grossSales: 2000, discounts: 200, returns: 0, netSales: 1800, tax: 474, shipping: 495, totalSales: 2769, refunds: Number(refundedB3), averageOrderValue: 1800 };
    const day16 = { orders: 1, units: 1, grossSales: 2500, discounts: 0, returns: 0, netSales: 2500, tax: 475, shipping: 0, totalSales: 2975, refunds: 500, averageOrderValue: 2500 };
    expect(eur.buckets).toEqual([{ start: '2026-01-15', currencyCode: 'EUR', ...day15 }, { start: '2026-01-16', currencyCode: 'EUR', ...day16 }]);
    expect(eur.totals).toEqual({
      currencyCode: 'EUR', orders: 2, units: 3, grossSales: 4500, discounts: 200, returns: 0, netSales: 4300, tax: 949, shipping: 495,
      totalSales: 5744, refunds: 500 + Number(refundedB3), averageOrderValue: 2150,
    });
    // From 00:00 on the 16th local (23:00Z on the 15th): B-2 only, though UTC says it was the 15th.
    const sixteenth = await report({ ...range, from: '2026-01-15T23:00:00.000Z' });
    expect(sixteenth.currencies[0].buckets).toEqual([{ start: '2026-01-16', currencyCode: 'EUR', ...day16 }]);
    // A month: one bucket; a week (ISO, from Monday the 12th): one bucket.
    expect((await report({ ...range, groupBy: 'MONTH' })).currencies[0].buckets.map((b: any) => [b.start, b.orders])).toEqual([['2026-01-01', 2]]);
    expect((await report({ ...range, groupBy: 'WEEK' })).currencies[0].buckets.map((b: any) => [b.start, b.netSales])).toEqual([['2026-01-12', 4300]]);
    // An empty day inside the range is a zero bucket.
    const wider = await report({ ...range, to: '2026-01-17T23:00:00.000Z' });
    expect(wider.currencies[0].buckets[2]).toEqual({ start: '2026-01-17', currencyCode: 'EUR', ...zero });

    const perSku = await products({ from: range.from, to: range.to, channel: 'berlin' });
    expect(perSku.map((p: any) => [p.sku, p.unitsSold, p.netSales, p.unitsReturned])).toEqual([['B', 1, 2500, 0], ['A', 2, 1800, 0]]);
  });

  it('counts today\'s orders with a coupon, cancelled units and a received return; a tax-inclusive order nets its tax out', async () => {
    const from = new Date(Math.floor(Date.now() / DAY) * DAY).toISOString();
    const to = new Date(Date.parse(from) + DAY).toISOString();
    const o1 = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 2 }], { discounts: [{ kind: 'coupon', code: 'THREEOFF' }] }) })).placeOrder.order;
    expect(o1.total).toBe(2000 + 474 + 495 - 300);
    const o3 = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 3 }]) })).placeOrder.order;
    ok(await t.admin(`mutation($orderId: ID!, $lines: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $orderId, lines: $lines) { status } }`, {
      orderId: o3.id, lines: [{ orderLineId: o3.lines[0].id, quantity: 1 }],
    }));
    const token = ok(await t.gql(REGISTER, { i: { email: `ret-${kind}@example.com`, password: 'correct horse' } })).registerCustomer.token;
    const { order: o2 } = await deliveredOrder(t, [{ sku: 'B', quantity: 2 }], token);
    const line = o2.lines[0];
    const rq = ok(await t.gql(REQUEST_RETURN, { i: { orderId: o2.id, lines: [{ orderLineId: line.id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND' } }, token)).requestReturn;
    ok(await t.admin(`mutation($id: ID!) { approveReturn(id: $id) { id } }`, { id: rq.id }));
    ok(await t.admin(RECEIVE_RETURN, { id: rq.id, lines: [{ returnLineId: rq.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }));
    await until(async () => ok(await t.admin(`query($id: ID!) { returnRequest(id: $id) { status } }`, { id: rq.id })).returnRequest, (x) => x.status === 'COMPLETED');
    await settled(t);

    const today = await report({ from, to, channel: 'default' });
    // Tax: 19 % of the goods left (2 A, 2 B, 2 A) and of three shippings (0.94 each); the return gave back B's 25.00 + 4.75.
    expect(today.currencies[0].totals).toEqual({
      currencyCode: 'EUR', orders: 3, units: 6, grossSales: 9000, discounts: 300, returns: 2500, netSales: 6200,
      tax: 380 + 950 + 380 + 3 * 94, shipping: 3 * 495, totalSales: 6200 + 1992 + 1485, refunds: 2975, averageOrderValue: 2900,
    });
    const perSku = await products({ from, to, channel: 'default', first: 10 });
    // Stock is every location's, whichever channel sold it: A 100 less 2 + 2 + 2 reserved here and 2 by
    // Berlin's B-1; B 50 less B-2's unit and 2 shipped, 1 restocked. Cover: available ÷ units sold per day.
    expect(perSku).toEqual([
      { sku: 'A', currencyCode: 'EUR', unitsSold: 4, unitsReturned: 0, netSales: 3700, returnRate: 0, available: 94, daysOfCover: 23.5 },
      { sku: 'B', currencyCode: 'EUR', unitsSold: 2, unitsReturned: 1, netSales: 2500, returnRate: 0.5, available: 48, daysOfCover: 24 },
    ]);

    const gross = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 1 }], { channelCode: 'gross' }) })).placeOrder.order;
    await settled(t);
    const g = (await report({ from, to, channel: 'gross' })).currencies[0].totals;
    expect(g).toMatchObject({ orders: 1, grossSales: gross.subtotal, tax: gross.taxTotal, shipping: gross.shippingTotal, totalSales: gross.total });
    expect(g.grossSales).toBe(1000 - 160); // 10.00 gross, 19 % of it included: 1.60

    // All channels: both currencies are EUR, so one entry, and the rebuild finds the same figures.
    const all = await report({ from, to });
    expect(all.channelCodes).toEqual(['berlin', 'default', 'gross']);
    expect(all.currencies[0].totals.orders).toBe(4);
    const rebuilt = ok(await t.admin(REBUILD, {})).rebuildReports;
    expect(rebuilt[0]).toMatchObject({ name: 'sales' });
    expect(await report({ from, to })).toEqual(all);
    expect(await report({ from: '2026-01-14T23:00:00.000Z', to: '2026-01-16T23:00:00.000Z', channel: 'berlin' })).toMatchObject({ currencies: [{ totals: { orders: 2, netSales: 4300 } }] });
  });

  it('an event handled again (a replay, a retried job) counts nothing twice', async () => {
    await settled(t);
    const period = { from: '2026-01-01T00:00:00Z', to: new Date(Date.now() + DAY).toISOString(), groupBy: 'MONTH' };
    const before = [await report(period), await products({ from: period.from, to: period.to })];
    const events = await t.em().find(OutboxEvent, { type: { $in: Object.keys(salesPart.on) } }, { orderBy: { id: 'asc' } });
    expect(events.length).toBeGreaterThan(5);
    const ctx = { app: t.engine.app, em: t.em(), log: t.engine.app.log, attempt: 2 };
    for (const e of events) {
      for (const h of [salesPart.on[e.type]].flat()) await h({ id: Number(e.id), type: e.type, aggregateId: e.aggregateId, payload: e.payload, at: new Date(e.createdAtMs) } as never, ctx as never);
    }
    expect([await report(period), await products({ from: period.from, to: period.to })]).toEqual(before);
    expect(before[0].currencies[0].totals.orders).toBeGreaterThan(0);
  });

  it('events counted at once share a transaction, and one handled twice in the same batch counts once', async () => {
    await settled(t);
    const period = { from: '2026-01-01T00:00:00Z', to: new Date(Date.now() + DAY).toISOString(), groupBy: 'MONTH' };
    const before = [await report(period), await products({ from: period.from, to: period.to })];
    // The sales rollup forgotten (its rows and its claims), then every sales event handled twice, all at
    // once: the handlers' counts batch (operations-sql.ts), each batch holding an event and its repeat.
    for (const table of ['sales_day', 'sku_day', 'sales_order_rollup']) await t.sql(`DELETE FROM ${table}`);
    await t.sql("DELETE FROM rollup_event WHERE rollup = 'sales'");
    expect((await report(period)).currencies).toEqual([]);
    const events = await t.em().find(OutboxEvent, { type: { $in: Object.keys(salesPart.on) } }, { orderBy: { id: 'asc' } });
    expect(events.length).toBeGreaterThan(5);
    const ctx = { app: t.engine.app, em: t.em(), log: t.engine.app.log, attempt: 2 };
    const handle = (e: OutboxEvent) => Promise.all([salesPart.on[e.type]].flat().map((h) => h({ id: Number(e.id), type: e.type, aggregateId: e.aggregateId, payload: e.payload, at: new Date(e.createdAtMs) } as never, ctx as never)));
    await Promise.all(events.flatMap((e) => [handle(e), handle(e)]));
    expect([await report(period), await products({ from: period.from, to: period.to })]).toEqual(before);
    const claims = await t.sql("SELECT COUNT(*) AS n FROM rollup_event WHERE rollup = 'sales'");
    expect(Number(claims[0].n)).toBe(events.length);
    // Forgotten again, then each event once, all at once: batches that succeed, holding several events of
    // one order (placed, cancelled, refunded...), which recount it once from its rows.
    for (const table of ['sales_day', 'sku_day', 'sales_order_rollup']) await t.sql(`DELETE FROM ${table}`);
    await t.sql("DELETE FROM rollup_event WHERE rollup = 'sales'");
    const orders = new Set(events.map((e) => (e.payload as { orderId: string }).orderId));
    expect(orders.size).toBeLessThan(events.length);
    await Promise.all(events.map(handle));
    expect([await report(period), await products({ from: period.from, to: period.to })]).toEqual(before);
  });

  it('refuses bad ranges with a path and keeps scoped staff to their channels', async () => {
    const bad = async (q: string, v: Record<string, unknown>) => {
      const res = await t.admin(q, v);
      return [codeOf(res), res.errors?.[0]?.extensions?.field];
    };
    const from = '2026-01-01T00:00:00Z';
    expect((await bad(REPORT, { from, to: from }))[0]).toBe('BAD_USER_INPUT');
    // A channel's time zone is an IANA name the runtime knows; a bad one changes nothing.
    const zone = `mutation($z: String!) { updateChannel(code: "berlin", input: { timeZone: $z }) { timeZone } }`;
    expect((await bad(zone, { z: 'Europe/Atlantis' }))[0]).toBe('BAD_USER_INPUT');
    expect(ok(await t.admin(`{ channels { code timeZone } }`)).channels.find((c: { code: string }) => c.code === 'berlin').timeZone).toBe('Europe/Berlin');
    expect((await bad(REPORT, { from, to: '2025-12-01T00:00:00Z' }))[0]).toBe('BAD_USER_INPUT');
    expect(await bad(REPORT, { from, to: '2029-06-01T00:00:00Z' })).toEqual(['BAD_USER_INPUT', 'to']);
    expect(await bad(PRODUCTS, { from, to: '2026-02-01T00:00:00Z', first: 501 })).toEqual(['BAD_USER_INPUT', 'first']);
    expect(codeOf(await t.admin(REPORT, { from, to: '2026-02-01T00:00:00Z', channel: 'nowhere' }))).toBe('NOT_FOUND');

    const scoped = ok(await t.admin(`mutation { createApiKey(name: "berlin-desk-${kind}", roles: ["orders"], channelCodes: ["berlin"]) { token } }`)).createApiKey.token;
    const v = { from: '2026-01-14T23:00:00.000Z', to: '2026-01-16T23:00:00.000Z' };
    const mine = ok(await t.gql(REPORT, v, scoped)).salesReport;
    expect(mine.channelCodes).toEqual(['berlin']);
    expect(codeOf(await t.gql(REPORT, { ...v, channel: 'default' }, scoped))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REBUILD, {}, scoped))).toBe('FORBIDDEN');
    const catalogKey = ok(await t.admin(`mutation { createApiKey(name: "cat-${kind}", roles: ["catalog"]) { token } }`)).createApiKey.token;
    expect(codeOf(await t.gql(PRODUCTS, v, catalogKey))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REPORT, v))).toBe('UNAUTHENTICATED');
  });
});
