// The fulfillment, returns and customer rollups under random activity (docs/analytics.md, "Fulfillment,
// returns and customers"), on both databases: storefront orders of customers and guests (split across two
// automated locations, some backordered), orders imported into a New York channel placed up to 17 days ago
// (long lead times, other local days), cancellations, deliveries (some late) and returns (restocked or
// not, refunded). Once the engine has settled, three computations agree: the reports read from the
// rollups the events kept, the same reports after the rebuild, and the figures straight from the rows here.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { RECEIVE_RETURN, REQUEST_RETURN, TRACK } from '../helpers/returns.js';
import { settled } from '../helpers/settled.js';
import { localDay } from '../../src/analytics/local-day.js';
import { leadBucket, percentileOf } from '../../src/analytics/fulfillment-lead-buckets.js';
import { shareRefund } from '../../src/analytics/returns-refund-share.js';
import { rebuildOperationsRollups } from '../../src/analytics/operations-rebuild.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SKUS = [['A', 1000], ['B', 450], ['BO', 700]] as const;
const EMAILS = ['g1@example.com', 'g2@example.com', 'alice@example.com'];
const REASONS = ['CHANGED_MIND', 'DAMAGED', 'SIZE_OR_FIT'];
const DISPOSITIONS = ['RESTOCK', 'DAMAGED', 'DISCARD'];

const FULFILLMENT = `query($from: DateTime!, $to: DateTime!) { fulfillmentReport(from: $from, to: $to) {
  locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours delivered deliveredWithPromise deliveredOnTime onTimeRate }
  ordersPlaced backorderedOrders backorderRate shippedOrders splitShipmentOrders splitShipmentRate } }`;
const RETURNS = `query($from: DateTime!, $to: DateTime!) { returnsReport(from: $from, to: $to) {
  rows { sku reason returnedUnits shippedUnits returnRate restockedUnits restockRate refunds { currencyCode amount } } } }`;
const CUSTOMERS = `query($from: DateTime!, $to: DateTime!, $first: Int, $c: String) { customerReport(from: $from, to: $to, first: $first, channelCode: $c) {
  customers newCustomers returningCustomers repeatCustomers repeatPurchaseRate topCustomers { currencyCode customerId email orders netSales } } }`;
const IMPORT = `mutation($orders: [ImportOrderInput!]!, $key: String!) { importOrders(channelCode: "ny", orders: $orders, idempotencyKey: $key) { results { error { message } order { id } } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status lines { id sku quantity quantityShipped quantityReturned } shipments { status trackingNumber } } }`;

const line = fc.record({ sku: fc.integer({ min: 0, max: 2 }), quantity: fc.integer({ min: 1, max: 3 }) });
const lines = fc.uniqueArray(line, { minLength: 1, maxLength: 3, selector: (l) => l.sku });
const action = fc.oneof(
  fc.record({ kind: fc.constant('place' as const), lines, who: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant('import' as const), lines, who: fc.nat({ max: 2 }), hoursAgo: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constantFrom('cancel' as const, 'deliver' as const, 'lateDeliver' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('return' as const), pick: fc.nat(), reason: fc.nat({ max: 2 }), disposition: fc.nat({ max: 2 }) }),
);

type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

/** A datetime column as a Date (SQLite keeps epoch milliseconds, PostgreSQL answers a Date or its text). */
const at = (v: unknown): Date => (v instanceof Date ? v : /^\d+$/.test(String(v)) ? new Date(Number(v)) : new Date(String(v)));

describe.each(DB_KINDS)('operations rollups on %s', (kind: DbKind) => {
  let t: TestEngine;
  let n = 0;
  let alice = '';
  const orders: string[] = [];

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto-a', priority: 5, autoFulfill: true }, { code: 'auto-b', priority: 10, autoFulfill: true }],
      variants: [
        { sku: 'A', price: 1000, stock: { 'auto-a': 10_000 } },
        { sku: 'B', price: 450, stock: { 'auto-b': 10_000 } },
        { sku: 'BO', price: 700, allowBackorder: true },
      ],
    });
    ok(await t.admin(`mutation { createChannel(input: { code: "ny", name: "New York", kind: MARKETPLACE, currencyCode: "USD", timeZone: "America/New_York", importStockPolicy: BACKORDER }) { code } }`));
    alice = ok(await t.gql(`mutation { registerCustomer(input: { email: "alice@example.com", password: "correct horse battery" }) { token } }`)).registerCustomer.token;
  }, 60_000);
  afterAll(async () => t?.stop());

  async function run(a: Action): Promise<void> {
    const ls = 'lines' in a ? a.lines.map((l) => ({ sku: SKUS[l.sku][0], quantity: l.quantity })) : [];
    if (a.kind === 'place') {
      const token = a.who === 3 ? alice : undefined;
      const r = await t.gql(PLACE_ORDER, { input: orderInput(ls, { email: EMAILS[a.who % 3] }) }, token);
      if (!r.errors) orders.push(r.data!.placeOrder.order.id);
    } else if (a.kind === 'import') {
      const priced = ls.map((l) => ({ ...l, unitPrice: SKUS.find(([s]) => s === l.sku)![1], taxTotal: 0 }));
      const goods = priced.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
      const input = {
        externalId: `NY-${kind}-${++n}`, placedAt: new Date(Date.now() - a.hoursAgo * HOUR - 60_000).toISOString(), email: EMAILS[a.who], lines: priced,
        shippingAddress: ADDRESS, shippingMethodCode: 'standard', shippingTotal: 495, shippingTax: 0, discountTotal: 0, total: goods + 495, fulfilledByChannel: false,
      };
      const r = ok(await t.admin(IMPORT, { orders: [input], key: `k-${kind}-${n}` })).importOrders.results[0];
      expect(r.error).toBeNull();
      orders.push(r.order.id);
    } else {
      if (!orders.length) return;
      const o = ok(await t.admin(ORDER, { id: orders[a.pick % orders.length] })).order;
      if (a.kind === 'cancel') await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "prop") { status } }`, { id: o.id });
      if (a.kind === 'deliver' || a.kind === 'lateDeliver') {
        // Late: the promise moved 30 days back before any parcel of the order arrives (the promise is history after).
        if (a.kind === 'lateDeliver' && !o.shipments.some((s: any) => s.status === 'DELIVERED')) {
          await t.sql(kind === 'sqlite' ? `UPDATE orders SET promised_delivery_at = promised_delivery_at - ${30 * DAY} WHERE id = ? AND promised_delivery_at IS NOT NULL`
            : `UPDATE orders SET promised_delivery_at = promised_delivery_at - interval '30 days' WHERE id = ? AND promised_delivery_at IS NOT NULL`, [o.id]);
        }
        for (const s of o.shipments) if (s.status === 'SHIPPED' && s.trackingNumber) await t.admin(TRACK, { i: { trackingNumber: s.trackingNumber, status: 'DELIVERED' } });
      }
      if (a.kind === 'return') {
        const l = o.lines.find((x: any) => x.quantityShipped - x.quantityReturned > 0);
        if (!l) return;
        const quantity = l.quantityShipped - l.quantityReturned;
        const rq = await t.admin(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: l.id, quantity, reason: REASONS[a.reason] }], resolution: 'REFUND' }, approve: true });
        if (rq.errors) return;
        const ret = rq.data!.requestReturn;
        ok(await t.admin(RECEIVE_RETURN, { id: ret.id, lines: [{ returnLineId: ret.lines[0].id, quantity: Math.max(1, quantity - (a.pick % 2)), disposition: DISPOSITIONS[a.disposition] }] }));
      }
    }
  }

  /**
   * Two periods: from and to at 12:00Z, where New York's dates are UTC's (a report over both channels reads
   * the all-channel points), and at 02:00Z, where they are a day apart (it groups the days per customer).
   */
  const ranges = () => {
    const noon = Math.floor(Date.now() / DAY) * DAY + 12 * HOUR;
    return [12, 2].map((h) => ({ from: new Date(noon - (12 - h) * HOUR - 10 * DAY), to: new Date(noon - (12 - h) * HOUR + 2 * DAY) }));
  };
  const read = async (r: { from: Date; to: Date }) => {
    const v = { from: r.from.toISOString(), to: r.to.toISOString() };
    return {
      fulfillment: ok(await t.admin(FULFILLMENT, v)).fulfillmentReport,
      returns: ok(await t.admin(RETURNS, v)).returnsReport,
      customers: ok(await t.admin(CUSTOMERS, { ...v, first: 500 })).customerReport,
      // One channel: its points and month lists (customer-points.ts, customer-top.ts).
      byChannel: {
        default: ok(await t.admin(CUSTOMERS, { ...v, first: 500, c: 'default' })).customerReport,
        ny: ok(await t.admin(CUSTOMERS, { ...v, first: 500, c: 'ny' })).customerReport,
      },
    };
  };
  /** Top customers in one order whatever the databases' collations do with ties. */
  const sortTop = (c: any) => ({ ...c, topCustomers: [...c.topCustomers].sort((a: any, b: any) => a.currencyCode.localeCompare(b.currencyCode) || b.netSales - a.netSales || `${a.customerId}${a.email}`.localeCompare(`${b.customerId}${b.email}`)) });
  const sorted = (r: Awaited<ReturnType<typeof read>>) => ({ ...r, customers: sortTop(r.customers), byChannel: { default: sortTop(r.byChannel.default), ny: sortTop(r.byChannel.ny) } });

  /** The reports' figures straight from the rows, by the rules of docs/analytics.md. */
  async function fromRows(r: { from: Date; to: Date }) {
    const channels = new Map<string, { zone: string; from: string; to: string }>();
    for (const c of await t.sql('SELECT id, time_zone FROM channel')) {
      channels.set(c.id, { zone: c.time_zone, from: localDay(r.from, c.time_zone), to: localDay(r.to.getTime() - 1, c.time_zone) });
    }
    const dayOf = (channelId: string, v: unknown) => localDay(at(v), channels.get(channelId)!.zone);
    const inPeriod = (channelId: string, day: string) => day >= channels.get(channelId)!.from && day <= channels.get(channelId)!.to;
    const rate = (a: number, b: number) => (b > 0 ? a / b : null);

    // Fulfillment.
    const loc = new Map<string, { shipments: number; hist: Map<number, number>; delivered: number; promised: number; onTime: number }>();
    const locOf = (code: string) => loc.get(code) ?? loc.set(code, { shipments: 0, hist: new Map(), delivered: 0, promised: 0, onTime: 0 }).get(code)!;
    const shipments = await t.sql(`SELECT s.order_id, s.status, s.shipped_at, s.delivered_at, s.status_changed_at, l.code, o.channel_id, o.placed_at, o.promised_delivery_at
      FROM shipment s JOIN stock_location l ON l.id = s.location_id JOIN orders o ON o.id = s.order_id`);
    for (const s of shipments) {
      if (s.shipped_at != null && inPeriod(s.channel_id, dayOf(s.channel_id, s.shipped_at))) {
        const l = locOf(s.code);
        l.shipments++;
        const b = leadBucket(at(s.shipped_at).getTime() - at(s.placed_at).getTime());
        l.hist.set(b, (l.hist.get(b) ?? 0) + 1);
      }
      if (s.status === 'DELIVERED') {
        const when = at(s.delivered_at ?? s.status_changed_at);
        if (!inPeriod(s.channel_id, localDay(when, channels.get(s.channel_id)!.zone))) continue;
        const l = locOf(s.code);
        l.delivered++;
        if (s.promised_delivery_at != null) {
          l.promised++;
          if (when.getTime() <= at(s.promised_delivery_at).getTime()) l.onTime++;
        }
      }
    }
    const orderRows = await t.sql(`SELECT o.id, o.channel_id, o.status, o.total, o.placed_at, o.customer_id, o.email, o.currency_code,
      (SELECT COUNT(*) FROM order_history_entry h WHERE h.order_id = o.id AND h.to_status = 'BACKORDERED') AS backordered FROM orders o`);
    let placed = 0, backordered = 0, shippedOrders = 0, split = 0;
    for (const o of orderRows) {
      if (inPeriod(o.channel_id, dayOf(o.channel_id, o.placed_at))) {
        placed++;
        if (Number(o.backordered) > 0) backordered++;
      }
      const left = shipments.filter((s: any) => s.order_id === o.id && s.shipped_at != null);
      if ((o.status === 'SHIPPED' || o.status === 'DELIVERED') && left.length) {
        const last = Math.max(...left.map((s: any) => at(s.shipped_at).getTime()));
        if (inPeriod(o.channel_id, localDay(last, channels.get(o.channel_id)!.zone))) {
          shippedOrders++;
          if (left.length > 1) split++;
        }
      }
    }
    const fulfillment = {
      locations: [...loc].sort(([a], [b]) => a.localeCompare(b)).map(([code, l]) => ({
        locationCode: code, shipments: l.shipments, leadTimeP50Hours: percentileOf(l.hist, 0.5), leadTimeP90Hours: percentileOf(l.hist, 0.9),
        delivered: l.delivered, deliveredWithPromise: l.promised, deliveredOnTime: l.onTime, onTimeRate: rate(l.onTime, l.promised),
      })),
      ordersPlaced: placed, backorderedOrders: backordered, backorderRate: rate(backordered, placed),
      shippedOrders, splitShipmentOrders: split, splitShipmentRate: rate(split, shippedOrders),
    };

    // Returns.
    const shippedUnits = new Map<string, number>();
    for (const s of await t.sql(`SELECT ol.sku, sl.quantity, s.shipped_at, o.channel_id FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id
        JOIN order_line ol ON ol.id = sl.order_line_id JOIN orders o ON o.id = s.order_id WHERE s.shipped_at IS NOT NULL`)) {
      if (inPeriod(s.channel_id, dayOf(s.channel_id, s.shipped_at))) shippedUnits.set(s.sku, (shippedUnits.get(s.sku) ?? 0) + Number(s.quantity));
    }
    const rows = new Map<string, { sku: string; reason: string; returned: number; restocked: number; refunds: Map<string, number> }>();
    const returns = await t.sql(`SELECT r.id, r.channel_id, r.created_at, r.status, r.refunded_amount, o.currency_code FROM return_request r JOIN orders o ON o.id = r.order_id
      WHERE r.status IN ('RECEIVED', 'REFUNDED', 'COMPLETED')`);
    for (const ret of returns) {
      if (!inPeriod(ret.channel_id, dayOf(ret.channel_id, ret.created_at))) continue;
      const ls = await t.sql(`SELECT rl.id, ol.sku, rl.reason, rl.quantity_received, rl.disposition, ol.quantity, ol.line_total FROM return_line rl
        JOIN order_line ol ON ol.id = rl.order_line_id WHERE rl.return_request_id = ? AND rl.quantity_received > 0`, [ret.id]);
      const amount = ret.status === 'RECEIVED' ? 0 : Number(ret.refunded_amount ?? 0);
      const parts = shareRefund(amount, ls.map((l: any) => ({ id: l.id, worth: Math.round((Number(l.line_total) * Number(l.quantity_received)) / Number(l.quantity)) })));
      for (const l of ls) {
        const k = `${l.sku} ${l.reason}`;
        const row = rows.get(k) ?? rows.set(k, { sku: l.sku, reason: l.reason, returned: 0, restocked: 0, refunds: new Map() }).get(k)!;
        row.returned += Number(l.quantity_received);
        if (l.disposition === 'RESTOCK') row.restocked += Number(l.quantity_received);
        if (amount > 0) row.refunds.set(ret.currency_code, (row.refunds.get(ret.currency_code) ?? 0) + (parts.get(l.id) ?? 0));
      }
    }
    const returnsReport = {
      rows: [...rows.values()].sort((a, b) => a.sku.localeCompare(b.sku) || a.reason.localeCompare(b.reason)).map((x) => {
        const shipped = shippedUnits.get(x.sku) ?? 0;
        return {
          sku: x.sku, reason: x.reason, returnedUnits: x.returned, shippedUnits: shipped, returnRate: rate(x.returned, shipped),
          restockedUnits: x.restocked, restockRate: rate(x.restocked, x.returned),
          refunds: [...x.refunds].filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)).map(([currencyCode, amount]) => ({ currencyCode, amount })),
        };
      }),
    };

    // Customers: a customer's id, a guest's e-mail address lower-cased.
    const refunded = new Map<string, number>();
    for (const x of await t.sql('SELECT order_id, refunded_amount FROM return_request WHERE refunded_amount IS NOT NULL')) refunded.set(x.order_id, (refunded.get(x.order_id) ?? 0) + Number(x.refunded_amount));
    const customersOf = (only: string | null) => {
      const customers = new Map<string, { id: string | null; email: string; orders: number; net: Map<string, number>; ordersIn: Map<string, number>; before: boolean }>();
      for (const o of orderRows) {
        if (only && o.channel_id !== only) continue;
        const key = o.customer_id ?? `email:${String(o.email).toLowerCase()}`;
        const c = customers.get(key) ?? customers.set(key, { id: o.customer_id ?? null, email: String(o.email).toLowerCase(), orders: 0, net: new Map(), ordersIn: new Map(), before: false }).get(key)!;
        const day = dayOf(o.channel_id, o.placed_at);
        if (day < channels.get(o.channel_id)!.from) c.before = true;
        if (!inPeriod(o.channel_id, day) || o.status === 'CANCELLED') continue;
        c.orders++;
        c.ordersIn.set(o.currency_code, (c.ordersIn.get(o.currency_code) ?? 0) + 1);
        c.net.set(o.currency_code, (c.net.get(o.currency_code) ?? 0) + Number(o.total) - (refunded.get(o.id) ?? 0));
      }
      const buyers = [...customers.values()].filter((c) => c.orders > 0);
      const repeat = buyers.filter((c) => c.orders >= 2).length;
      const returning = buyers.filter((c) => c.before).length;
      return {
        customers: buyers.length, newCustomers: buyers.length - returning, returningCustomers: returning, repeatCustomers: repeat, repeatPurchaseRate: rate(repeat, buyers.length),
        topCustomers: buyers.flatMap((c) => [...c.ordersIn].map(([currencyCode, orders]) => ({ currencyCode, customerId: c.id, email: c.email, orders, netSales: c.net.get(currencyCode)! }))),
      };
    };
    const ids = new Map<string, string>((await t.sql('SELECT id, code FROM channel')).map((c: any) => [c.code, c.id]));
    return sorted({ fulfillment, returns: returnsReport, customers: customersOf(null), byChannel: { default: customersOf(ids.get('default')!), ny: customersOf(ids.get('ny')!) } });
  }

  it('rollups = rebuild = raw rows after random activity', async () => {
    // A fixed start, so that every kind of figure is surely among the rows.
    await Promise.all([0, 1, 2].map((who) => run({ kind: 'place', lines: [{ sku: 0, quantity: 1 }, { sku: 1, quantity: 2 }], who })));
    await run({ kind: 'place', lines: [{ sku: 2, quantity: 2 }], who: 3 });
    await run({ kind: 'import', lines: [{ sku: 0, quantity: 2 }], who: 0, hoursAgo: 380 });
    await run({ kind: 'import', lines: [{ sku: 1, quantity: 1 }], who: 2, hoursAgo: 30 });
    await settled(t);
    await run({ kind: 'lateDeliver', pick: 0 });
    await run({ kind: 'deliver', pick: 1 });
    await run({ kind: 'return', pick: 0, reason: 1, disposition: 0 });
    await run({ kind: 'return', pick: 1, reason: 0, disposition: 2 });
    await run({ kind: 'cancel', pick: 3 });
    // A customer whose first order, before the periods, was cancelled: new in the channel's days, yet returning.
    await run({ kind: 'import', lines: [{ sku: 2, quantity: 1 }], who: 1, hoursAgo: 300 }); // backordered: not shipped yet
    await run({ kind: 'cancel', pick: 6 });
    expect((await t.sql('SELECT status FROM orders WHERE id = ?', [orders[6]]))[0].status).toBe('CANCELLED');
    // One customer ordering in both channels at once: their points change under the customer's lock.
    await Promise.all([
      ...[0, 1, 2].map(() => run({ kind: 'place', lines: [{ sku: 0, quantity: 1 }], who: 0 })),
      ...[5, 200].map((hoursAgo) => run({ kind: 'import', lines: [{ sku: 1, quantity: 1 }], who: 0, hoursAgo })),
    ]);

    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 2, maxLength: 7 }), async (actions) => {
      for (const a of actions) {
        await run(a);
        if (a.kind === 'place' || a.kind === 'import') await settled(t); // shipped before it is delivered or returned
      }
      await settled(t);
      const live = [];
      for (const r of ranges()) {
        live.push(sorted(await read(r)));
        expect(live.at(-1)).toEqual(await fromRows(r));
      }
      await rebuildOperationsRollups(t.engine.app.orm.em.fork());
      for (const [i, r] of ranges().entries()) expect(sorted(await read(r))).toEqual(live[i]);
    }), { numRuns: 5, endOnFailure: true });

    const [kinds] = await t.sql(`SELECT (SELECT COUNT(*) FROM shipment WHERE status = 'DELIVERED') AS delivered, (SELECT COUNT(*) FROM return_request WHERE refunded_amount > 0) AS refunded,
      (SELECT COUNT(*) FROM order_history_entry WHERE to_status = 'BACKORDERED') AS backordered, (SELECT COUNT(*) FROM orders WHERE status = 'CANCELLED') AS cancelled,
      (SELECT COUNT(*) FROM fulfillment_lead WHERE bucket >= 336) AS slow, (SELECT COUNT(*) FROM customer_day WHERE currency_code = 'USD') AS usd,
      (SELECT COUNT(*) FROM returns_sku_day WHERE restocked_units > 0) AS restocked, (SELECT COUNT(*) FROM fulfillment_order_day WHERE split_orders > 0) AS split,
      (SELECT COUNT(*) FROM fulfillment_day WHERE delivered_promised > delivered_on_time) AS late`);
    expect(Object.values(kinds).map(Number).every((x) => x > 0)).toBe(true);
  }, 120_000);
});
