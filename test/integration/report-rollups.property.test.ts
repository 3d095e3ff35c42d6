// The sales rollups under random activity (docs/analytics.md), on both databases: orders placed (with
// coupons) and imported (placed at random times of the last three days in a New York channel, some
// fulfilled by the channel and then returned), cancelled, cancelled in part and refunded. Once the engine
// has settled, three computations agree: the report read from the rollups the events kept, the same
// report after rebuildReports recounted them from the rows, and a sum straight from the raw rows here.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { RECEIVE_RETURN, REQUEST_RETURN } from '../helpers/returns.js';
import { settled } from '../helpers/settled.js';
import { localDay } from '../../src/analytics/local-day.js';

const FIGURES = 'orders units grossSales discounts returns tax shipping refunds';
const REPORT = `query($from: DateTime!, $to: DateTime!) { salesReport(from: $from, to: $to) { currencies { currencyCode buckets { start ${FIGURES} } totals { ${FIGURES} netSales } } } }`;
const PRODUCTS = `query($from: DateTime!, $to: DateTime!) { productPerformance(from: $from, to: $to, first: 500) { sku currencyCode unitsSold unitsReturned netSales } }`;
const IMPORT = `mutation($orders: [ImportOrderInput!]!, $key: String!) { importOrders(channelCode: "ny", orders: $orders, idempotencyKey: $key) { results { error { message } order { id } } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status lines { id quantity quantityShipped quantityReturned } payments { id amountCaptured amountRefunded } } }`;
const HOUR = 3_600_000;
const SKUS = [['P1', 700], ['P2', 1500], ['P3', 333]] as const;

const line = fc.record({ sku: fc.integer({ min: 0, max: 2 }), quantity: fc.integer({ min: 1, max: 3 }) });
const lines = fc.uniqueArray(line, { minLength: 1, maxLength: 3, selector: (l) => l.sku });
type Line = { sku: number; quantity: number };
type Action =
  | { kind: 'place'; lines: Line[]; coupon: string | null }
  | { kind: 'import'; lines: Line[]; hoursAgo: number; fulfilled: boolean; discount: number }
  | { kind: 'cancel' | 'cancelUnit' | 'refund' | 'return'; pick: number; amount: number };
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('place' as const), lines, coupon: fc.constantFrom(null, 'PCT10', 'HALFP2', 'SHIPFREE') }),
  fc.record({ kind: fc.constant('import' as const), lines, hoursAgo: fc.integer({ min: 0, max: 72 }), fulfilled: fc.boolean(), discount: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ kind: fc.constantFrom('cancel' as const, 'cancelUnit' as const, 'refund' as const, 'return' as const), pick: fc.nat(), amount: fc.integer({ min: 1, max: 2000 }) }),
);

describe.each(DB_KINDS)('report rollups on %s', (kind: DbKind) => {
  let t: TestEngine;
  let n = 0;
  const orders: string[] = [];

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { variants: SKUS.map(([sku, price]) => ({ sku, price, stock: { 'wh-a': 10_000 } })) });
    ok(await t.admin(`mutation { createChannel(input: { code: "ny", name: "New York market", kind: MARKETPLACE, currencyCode: "EUR", timeZone: "America/New_York", importStockPolicy: BACKORDER }) { code } }`));
    const promo = (i: Record<string, unknown>) => t.admin(`mutation($i: CreatePromotionInput!) { createPromotion(input: $i) { id } }`, { i: { automatic: false, ...i } });
    ok(await promo({ name: 'Ten percent', effect: 'ORDER_PERCENT', percent: 10, code: 'PCT10' }));
    ok(await promo({ name: 'Half P2', effect: 'PRODUCTS_PERCENT', percent: 50, skus: ['P2'], code: 'HALFP2' }));
    ok(await promo({ name: 'Free shipping', effect: 'FREE_SHIPPING', code: 'SHIPFREE' }));
  }, 60_000);
  afterAll(async () => t?.stop());

  const orderOf = async (pick: number) => (orders.length ? ok(await t.admin(ORDER, { id: orders[pick % orders.length] })).order : null);

  async function run(a: Action): Promise<void> {
    const ls = 'lines' in a ? a.lines.map((l) => ({ sku: SKUS[l.sku][0], quantity: l.quantity })) : [];
    if (a.kind === 'place') {
      const r = await t.gql(PLACE_ORDER, { input: orderInput(ls, { email: `p${++n}@example.com`, discounts: a.coupon ? [{ kind: 'coupon', code: a.coupon }] : [] }) });
      if (!r.errors) orders.push(r.data!.placeOrder.order.id);
    } else if (a.kind === 'import') {
      const withPrices = ls.map((l) => { const price = SKUS.find(([s]) => s === l.sku)![1]; return { ...l, unitPrice: price, taxTotal: Math.round(price * l.quantity * 0.19) }; });
      const goods = withPrices.reduce((s: number, l: { unitPrice: number; quantity: number; taxTotal: number }) => s + l.unitPrice * l.quantity + l.taxTotal, 0);
      const discount = Math.min(a.discount, goods);
      const input = {
        externalId: `NY-${kind}-${++n}`, placedAt: new Date(Date.now() - a.hoursAgo * HOUR).toISOString(), email: 'ny@example.com', lines: withPrices,
        shippingAddress: ADDRESS, shippingMethodCode: 'standard', shippingTotal: 495, shippingTax: 94, discountTotal: discount, total: goods + 589 - discount, fulfilledByChannel: a.fulfilled,
      };
      const r = ok(await t.admin(IMPORT, { orders: [input], key: `k-${kind}-${n}` })).importOrders.results[0];
      if (r.order) orders.push(r.order.id);
    } else {
      const o = await orderOf(a.pick);
      if (!o) return;
      if (a.kind === 'cancel') await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "prop") { status } }`, { id: o.id });
      if (a.kind === 'cancelUnit') {
        const l = o.lines.find((x: any) => x.quantity - x.quantityShipped > 0);
        if (l) await t.admin(`mutation($orderId: ID!, $lines: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $orderId, lines: $lines) { status } }`, { orderId: o.id, lines: [{ orderLineId: l.id, quantity: 1 }] });
      }
      if (a.kind === 'refund') {
        const p = o.payments.find((x: any) => x.amountCaptured > x.amountRefunded);
        if (p) await t.admin(`mutation($id: ID!, $amount: Money!) { refundPayment(id: $id, amount: $amount) { id } }`, { id: p.id, amount: Math.min(a.amount, p.amountCaptured - p.amountRefunded) });
      }
      if (a.kind === 'return') {
        const l = o.lines.find((x: any) => x.quantityShipped - x.quantityReturned > 0);
        if (!l) return;
        const rq = await t.admin(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: l.id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND' }, approve: true });
        if (rq.errors) return;
        const ret = rq.data!.requestReturn;
        // Units the channel shipped from its own warehouse have no location of ours to go back to.
        ok(await t.admin(RECEIVE_RETURN, { id: ret.id, lines: [{ returnLineId: ret.lines[0].id, quantity: 1, disposition: 'DISCARD' }] }));
      }
    }
  }

  /** The report's figures straight from the rows: per currency and local day of the order's channel. */
  async function fromRows() {
    const rows = await t.sql(`SELECT o.id, o.status, o.currency_code, o.placed_at, o.discounts, o.tax_total, o.shipping_total, c.time_zone FROM orders o JOIN channel c ON c.id = o.channel_id`);
    const lineRows = await t.sql('SELECT order_id, sku, quantity, line_total, tax_total, quantity_returned FROM order_line');
    const refundRows = await t.sql("SELECT order_id, amount FROM payment_operation WHERE kind = 'REFUND' AND status = 'SUCCEEDED'");
    const days = new Map<string, Record<string, number>>();
    const skus = new Map<string, [number, number]>();
    for (const o of rows) {
      // SQLite keeps epoch milliseconds; PostgreSQL's timestamptz comes as a Date or its text.
      const at = o.placed_at instanceof Date ? o.placed_at : /^\d+$/.test(String(o.placed_at)) ? new Date(Number(o.placed_at)) : new Date(o.placed_at);
      const key = `${o.currency_code} ${localDay(at, o.time_zone)}`;
      const d = days.get(key) ?? days.set(key, { orders: 0, units: 0, grossSales: 0, discounts: 0, returns: 0, tax: 0, shipping: 0, refunds: 0 }).get(key)!;
      d.refunds += refundRows.filter((r: any) => r.order_id === o.id).reduce((s: number, r: any) => s + Number(r.amount), 0);
      if (o.status === 'CANCELLED') continue;
      const discounts = (typeof o.discounts === 'string' ? JSON.parse(o.discounts) : o.discounts) ?? [];
      d.orders += 1;
      d.tax += Number(o.tax_total);
      d.shipping += Number(o.shipping_total);
      d.discounts += discounts.filter((x: any) => !x.tender).reduce((s: number, x: any) => s + x.amount, 0);
      for (const l of lineRows.filter((x: any) => x.order_id === o.id && Number(x.quantity) > 0)) {
        const net = Number(l.line_total) - Number(l.tax_total);
        d.units += Number(l.quantity);
        d.grossSales += net;
        d.returns += Math.round((net * Number(l.quantity_returned)) / Number(l.quantity));
        const s = skus.get(`${o.currency_code} ${l.sku}`) ?? skus.set(`${o.currency_code} ${l.sku}`, [0, 0]).get(`${o.currency_code} ${l.sku}`)!;
        s[0] += Number(l.quantity);
        s[1] += Number(l.quantity_returned);
      }
    }
    return { days, skus };
  }

  it('rollups = rebuild = raw rows after random activity', async () => {
    const range = () => ({ from: new Date(Date.now() - 5 * 24 * HOUR).toISOString(), to: new Date(Date.now() + 2 * 24 * HOUR).toISOString() });
    // A fixed start, so that every kind of change is surely among the rows: five orders at once (their
    // events counted side by side), a return of units the channel shipped, a refund, a cancellation and
    // a cancelled unit.
    await Promise.all([0, 1, 2].map((sku) => run({ kind: 'place', lines: [{ sku, quantity: 2 }], coupon: sku === 1 ? 'HALFP2' : 'PCT10' })));
    await Promise.all([0, 1].map((sku) => run({ kind: 'import', lines: [{ sku, quantity: 2 }], hoursAgo: 30, fulfilled: true, discount: 100 })));
    await run({ kind: 'return', pick: 3, amount: 0 });
    await run({ kind: 'refund', pick: 4, amount: 250 });
    await run({ kind: 'cancel', pick: 0, amount: 0 });
    await run({ kind: 'cancelUnit', pick: 1, amount: 0 });
    await settled(t);
    const [kinds] = await t.sql(`SELECT
      (SELECT COUNT(*) FROM orders WHERE status = 'CANCELLED') AS cancelled, (SELECT COUNT(*) FROM order_line WHERE quantity_returned > 0) AS returned,
      (SELECT COUNT(*) FROM order_line WHERE quantity_cancelled > 0) AS cut, (SELECT COUNT(*) FROM payment_operation WHERE kind = 'REFUND' AND status = 'SUCCEEDED') AS refunds`);
    expect(Object.values(kinds).map(Number).every((x) => x > 0)).toBe(true);

    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 8 }), async (actions) => {
      for (const a of actions) await run(a);
      await settled(t);
      const r = range();
      const live = ok(await t.admin(REPORT, r)).salesReport;
      const liveProducts = ok(await t.admin(PRODUCTS, r)).productPerformance;

      const raw = await fromRows();
      const reported = new Map<string, Record<string, number>>();
      for (const c of live.currencies) for (const b of c.buckets) {
        const { start, ...f } = b;
        if (Object.values(f).some((x) => x !== 0)) reported.set(`${c.currencyCode} ${start}`, f);
      }
      const expected = new Map([...raw.days].filter(([, f]) => Object.values(f).some((x) => x !== 0)));
      expect(Object.fromEntries(reported)).toEqual(Object.fromEntries(expected));
      const bySku = Object.fromEntries(liveProducts.map((p: any) => [`${p.currencyCode} ${p.sku}`, [p.unitsSold, p.unitsReturned]]));
      expect(bySku).toEqual(Object.fromEntries([...raw.skus].filter(([, v]) => v[0] !== 0 || v[1] !== 0)));

      ok(await t.admin('mutation { rebuildReports { name counted } }'));
      expect(ok(await t.admin(REPORT, r)).salesReport).toEqual(live);
      expect(ok(await t.admin(PRODUCTS, r)).productPerformance).toEqual(liveProducts);
    }), { numRuns: Number(process.env.ROLLUP_RUNS ?? 6) });
  }, 120_000);
});
