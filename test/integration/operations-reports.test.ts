// fulfillmentReport, returnsReport and customerReport on both databases, through GraphQL: a shop with two
// automated locations and a staffed one, orders of known shape (a split shipment, a backorder, a late
// delivery, a 30-hour lead time, a return with a refund, one unit restocked and one not, guests by e-mail,
// a customer who ordered before the period), the figures the reports must show, the same after a rebuild
// from the raw rows, and the refusals (bad ranges, roles, channel scope).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { APPROVE_RETURN, RECEIVE_RETURN, REQUEST_RETURN, TRACK, deliveredOrder } from '../helpers/returns.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';
import { dialectOf } from '../../src/kernel/db/dialect.js';
import { rebuildOperationsRollups } from '../../src/analytics/operations-rebuild.js';
import { shareRefund } from '../../src/analytics/returns-refund-share.js';
import { leadBucket, percentileOf } from '../../src/analytics/fulfillment-lead-buckets.js';
import { operationsPart } from '../../src/analytics/operations-part.js';
import { OutboxEvent } from '../../src/kernel/outbox/outbox-event.entity.js';

const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const PICK = `mutation($id: ID!) { markShipmentPicked(id: $id) { id status } }`;
const PACK = `mutation($id: ID!) { markShipmentPacked(id: $id) { id status } }`;
const SHIP = `mutation($id: ID!) { markShipmentShipped(id: $id) { id status shippedAt } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status total lines { id sku quantity lineTotal } shipments { id status trackingNumber location { code } } } }`;
const RETURN = `query($id: ID!) { returnRequest(id: $id) { id status refundTotal } }`;

const FULFILLMENT = `query($from: DateTime!, $to: DateTime!, $c: String) { fulfillmentReport(from: $from, to: $to, channelCode: $c) {
  locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours delivered deliveredWithPromise deliveredOnTime onTimeRate }
  ordersPlaced backorderedOrders backorderRate shippedOrders splitShipmentOrders splitShipmentRate } }`;
const RETURNS = `query($from: DateTime!, $to: DateTime!, $c: String) { returnsReport(from: $from, to: $to, channelCode: $c) {
  rows { sku reason returnedUnits shippedUnits returnRate restockedUnits restockRate refunds { currencyCode amount } } } }`;
const CUSTOMERS = `query($from: DateTime!, $to: DateTime!, $c: String, $first: Int) { customerReport(from: $from, to: $to, channelCode: $c, first: $first) {
  customers newCustomers returningCustomers repeatCustomers repeatPurchaseRate topCustomers { currencyCode customerId email orders netSales } } }`;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('lead-time buckets', () => {
  it('are an hour wide for 14 days, then a day; percentiles are the bucket holding the nearest rank', () => {
    expect([0, HOUR - 1, HOUR, 30 * HOUR + 5, 335 * HOUR, 336 * HOUR, 359 * HOUR, 360 * HOUR].map(leadBucket)).toEqual([0, 0, 1, 30, 335, 336, 336, 360]);
    expect(leadBucket(-5)).toBe(0);
    expect(percentileOf([[0, 9], [30, 1]], 0.5)).toBe(0);
    expect(percentileOf([[0, 9], [30, 1]], 0.9)).toBe(0);
    expect(percentileOf([[0, 8], [30, 2]], 0.9)).toBe(30);
    expect(percentileOf([], 0.5)).toBeNull();
  });

  it('a refund is shared by worth, the parts adding up to it', () => {
    const parts = shareRefund(1001, [{ id: 'b', worth: 1 }, { id: 'a', worth: 2 }]);
    expect([parts.get('a'), parts.get('b')]).toEqual([667, 334]);
    expect(shareRefund(5, [{ id: 'x', worth: 0 }, { id: 'y', worth: 0 }])).toEqual(new Map([['x', 3], ['y', 2]]));
  });
});

describe.each(DB_KINDS)('operations reports on %s', (kind: DbKind) => {
  let t: TestEngine;
  const period = { from: new Date(Date.now() - 3 * DAY).toISOString(), to: new Date(Date.now() + DAY).toISOString() };
  const ids: Record<string, string> = {};
  const totals: Record<string, number> = {};
  let refund = 0;

  const date = (d: Date) => dialectOf(t.em()).date(d);
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = async (name: string, lines: { sku: string; quantity: number }[], token?: string, email = 'jane@example.com') => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput(lines, { email }) }, token)).placeOrder;
    ids[name] = placed.order.id;
    totals[name] = placed.order.total;
    return placed.order;
  };
  const reports = async () => ({
    fulfillment: ok(await t.admin(FULFILLMENT, period)).fulfillmentReport,
    returns: ok(await t.admin(RETURNS, period)).returnsReport,
    customers: ok(await t.admin(CUSTOMERS, { ...period, first: 10 })).customerReport,
  });

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto-a', priority: 5, autoFulfill: true }, { code: 'auto-b', priority: 10, autoFulfill: true }, { code: 'manual', priority: 20 }],
      variants: [
        { sku: 'A', price: 1000, stock: { 'auto-a': 50 } },
        { sku: 'B', price: 500, stock: { 'auto-b': 50 } },
        { sku: 'M', price: 2000, stock: { manual: 10 } },
        { sku: 'BO', price: 700, allowBackorder: true },
      ],
    });
    const register = async (email: string) => ok(await t.gql(REGISTER, { i: { email, password: 'correct horse battery' } })).registerCustomer;
    const [alice, bob, carol] = [await register('alice@example.com'), await register('bob@example.com'), await register('carol@example.com')];
    Object.assign(ids, { alice: alice.customer.id, bob: bob.customer.id, carol: carol.customer.id });

    // Carol ordered 40 days ago (outside the period): the order is moved back and the rollups rebuilt from the rows.
    await place('carolOld', [{ sku: 'BO', quantity: 1 }], carol.token, 'carol@example.com');
    await settled(t);
    await t.sql('UPDATE orders SET placed_at = ? WHERE id = ?', [date(new Date(Date.now() - 40 * DAY)), ids.carolOld]);
    await rebuildOperationsRollups(t.engine.app.orm.em.fork());

    // Alice: A×2 from auto-a and B×1 from auto-b (a split shipment), delivered on time; then a backorder.
    const o1 = (await deliveredOrder(t, [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], alice.token)).order;
    ids.o1 = o1.id;
    totals.o1 = o1.total;
    await place('o3', [{ sku: 'BO', quantity: 2 }], alice.token, 'alice@example.com');

    // A guest: A×1, promised for yesterday, delivered today (late).
    await place('o2', [{ sku: 'A', quantity: 1 }], undefined, 'guest@example.com');
    const shipped2 = await until(() => order(ids.o2), (o) => o.status === 'SHIPPED' && o.shipments[0].trackingNumber);
    await t.sql('UPDATE orders SET promised_delivery_at = ? WHERE id = ?', [date(new Date(Date.now() - DAY)), ids.o2]);
    ok(await t.admin(TRACK, { i: { trackingNumber: shipped2.shipments[0].trackingNumber, status: 'DELIVERED' } }));

    // The same guest (other case) at the staffed location: placed 30 hours before it ships.
    await place('o4', [{ sku: 'M', quantity: 1 }], undefined, 'GUEST@Example.com');
    const s4 = (await until(() => order(ids.o4), (o) => o.shipments.length === 1)).shipments[0].id;
    ok(await t.admin(PICK, { id: s4 }));
    ok(await t.admin(PACK, { id: s4 }));
    await until(() => order(ids.o4), (o) => o.shipments[0].status === 'LABELLED');
    const [{ placed_at }] = await t.sql('SELECT placed_at FROM orders WHERE id = ?', [ids.o4]);
    await t.sql('UPDATE orders SET placed_at = ? WHERE id = ?', [date(new Date(dialectOf(t.em()).readDate(placed_at).getTime() - 30 * HOUR - 60_000)), ids.o4]);
    ok(await t.admin(SHIP, { id: s4 }));

    // Bob and Carol (again) order A×1 each.
    await place('o5', [{ sku: 'A', quantity: 1 }], bob.token, 'bob@example.com');
    await place('o6', [{ sku: 'A', quantity: 1 }], carol.token, 'carol@example.com');
    // Bob's parcel: a carrier exception, then back to SHIPPED (shipment.shipped again: still one shipment).
    const tn5 = (await until(() => order(ids.o5), (o) => o.status === 'SHIPPED' && o.shipments[0].trackingNumber)).shipments[0].trackingNumber;
    expect(ok(await t.admin(TRACK, { i: { trackingNumber: tn5, status: 'EXCEPTION' } })).recordTrackingEvent.status).toBe('EXCEPTION');
    expect(ok(await t.admin(TRACK, { i: { trackingNumber: tn5, status: 'SHIPPED', occurredAt: new Date(Date.now() + 1000).toISOString() } })).recordTrackingEvent.status).toBe('SHIPPED');

    // Alice returns A×1 (changed her mind: restocked) and B×1 (damaged: not restocked), refunded.
    const a = o1.lines.find((l: any) => l.sku === 'A');
    const b = o1.lines.find((l: any) => l.sku === 'B');
    const requested = ok(await t.gql(REQUEST_RETURN, { i: { orderId: o1.id, resolution: 'REFUND', lines: [
      { orderLineId: a.id, quantity: 1, reason: 'CHANGED_MIND' }, { orderLineId: b.id, quantity: 1, reason: 'DAMAGED' }] } }, alice.token)).requestReturn;
    ok(await t.admin(APPROVE_RETURN, { id: requested.id }));
    const lineOf = (sku: string) => requested.lines.find((l: any) => l.orderLine.sku === sku).id;
    ok(await t.admin(RECEIVE_RETURN, { id: requested.id, lines: [
      { returnLineId: lineOf('A'), quantity: 1, disposition: 'RESTOCK' }, { returnLineId: lineOf('B'), quantity: 1, disposition: 'DAMAGED' }] }));
    refund = (await until(async () => ok(await t.admin(RETURN, { id: requested.id })).returnRequest, (r) => r.status === 'COMPLETED')).refundTotal;
    ids.retA = lineOf('A');
    ids.retB = lineOf('B');
    totals.lineA = a.lineTotal / a.quantity;
    totals.lineB = b.lineTotal;
    await settled(t);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const expectFigures = (r: Awaited<ReturnType<typeof reports>>) => {
    const f = r.fulfillment;
    expect(f.locations).toEqual([
      { locationCode: 'auto-a', shipments: 4, leadTimeP50Hours: 0, leadTimeP90Hours: 0, delivered: 2, deliveredWithPromise: 2, deliveredOnTime: 1, onTimeRate: 0.5 },
      { locationCode: 'auto-b', shipments: 1, leadTimeP50Hours: 0, leadTimeP90Hours: 0, delivered: 1, deliveredWithPromise: 1, deliveredOnTime: 1, onTimeRate: 1 },
      { locationCode: 'manual', shipments: 1, leadTimeP50Hours: 30, leadTimeP90Hours: 30, delivered: 0, deliveredWithPromise: 0, deliveredOnTime: 0, onTimeRate: null },
    ]);
    expect(f).toMatchObject({ ordersPlaced: 6, backorderedOrders: 1, shippedOrders: 5, splitShipmentOrders: 1, splitShipmentRate: 0.2 });
    expect(f.backorderRate).toBeCloseTo(1 / 6, 10);

    const parts = shareRefund(refund, [{ id: ids.retA, worth: totals.lineA }, { id: ids.retB, worth: totals.lineB }]);
    expect(r.returns.rows).toEqual([
      { sku: 'A', reason: 'CHANGED_MIND', returnedUnits: 1, shippedUnits: 5, returnRate: 0.2, restockedUnits: 1, restockRate: 1, refunds: [{ currencyCode: 'EUR', amount: parts.get(ids.retA) }] },
      { sku: 'B', reason: 'DAMAGED', returnedUnits: 1, shippedUnits: 1, returnRate: 1, restockedUnits: 0, restockRate: 0, refunds: [{ currencyCode: 'EUR', amount: parts.get(ids.retB) }] },
    ]);

    const c = r.customers;
    expect(c).toMatchObject({ customers: 4, newCustomers: 3, returningCustomers: 1, repeatCustomers: 2, repeatPurchaseRate: 0.5 });
    const expected = [
      { currencyCode: 'EUR', customerId: ids.alice, orders: 2, netSales: totals.o1 - refund + totals.o3 },
      { currencyCode: 'EUR', customerId: null, email: 'guest@example.com', orders: 2, netSales: totals.o2 + totals.o4 },
      { currencyCode: 'EUR', customerId: ids.bob, orders: 1, netSales: totals.o5 },
      { currencyCode: 'EUR', customerId: ids.carol, orders: 1, netSales: totals.o6 },
    ].sort((x, y) => y.netSales - x.netSales);
    expect(c.topCustomers.map((x: any) => ({ ...x, email: x.customerId ? undefined : x.email }))).toEqual(expected.map((x) => ({ ...x, email: x.customerId ? undefined : x.email })));
  };

  it('the reports show the known figures, and the same after a rebuild from the rows', async () => {
    expect(refund).toBeGreaterThan(totals.lineA + totals.lineB - 1); // damaged: the shipping was refunded too
    const [again] = await t.sql("SELECT COUNT(*) AS n FROM outbox_event WHERE type = 'shipment.shipped' AND aggregate_id = ?", [ids.o5]);
    expect(Number(again.n)).toBe(2); // Bob's parcel shipped twice by its events, once in the figures
    expectFigures(await reports());
    await rebuildOperationsRollups(t.engine.app.orm.em.fork());
    expectFigures(await reports());
    // rebuildReports (superadmin) runs it too, for one channel from a day on.
    const rebuilt = ok(await t.admin(`mutation($from: DateTime) { rebuildReports(channelCode: "default", from: $from) { name counted } }`, { from: new Date(Date.now() - 2 * DAY).toISOString() })).rebuildReports;
    expect(rebuilt.map((r: any) => r.name)).toContain('operations');
    expectFigures(await reports());
    // `first` keeps the top ones; one channel by code reads the same.
    const top = ok(await t.admin(CUSTOMERS, { ...period, c: 'default', first: 1 })).customerReport.topCustomers;
    expect(top).toHaveLength(1);
    expect(top[0].netSales).toBe(Math.max(totals.o1 - refund + totals.o3, totals.o2 + totals.o4, totals.o5, totals.o6));
  });

  it('an event handled again (a replay, a retried job) counts nothing twice', async () => {
    const before = await reports();
    const events = await t.em().find(OutboxEvent, { type: { $in: Object.keys(operationsPart.on) } }, { orderBy: { id: 'asc' } });
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['order.placed', 'order.backordered', 'order.shipped', 'shipment.shipped', 'shipment.delivered', 'return.received', 'return.refunded', 'return.completed']));
    const ctx = { app: t.engine.app, em: t.em(), log: t.engine.app.log, attempt: 2 };
    for (const e of events) {
      for (const h of [operationsPart.on[e.type]].flat()) await h({ id: Number(e.id), type: e.type, aggregateId: e.aggregateId, payload: e.payload, at: new Date(e.createdAtMs) } as never, ctx as never);
    }
    expect(await reports()).toEqual(before);
  });

  it('counted afresh with every event at once (the counts batch, their reads in one round trip), the figures are the same', async () => {
    const before = await reports();
    // The rollups forgotten (rows, marks, claims), then every event handled once, all at once: each
    // rollup's counts share batches (operations-sql.ts) holding several events of one order or shipment
    // (Bob's parcel shipped twice: the second finds the mark of the first in the same batch).
    for (const table of ['fulfillment_day', 'fulfillment_lead', 'fulfillment_order_day', 'operations_mark', 'returns_sku_day', 'returns_shipped_day',
      'customer_day', 'customer_first_order', 'customer_order_rollup', 'customer_month', 'customer_point']) await t.sql(`DELETE FROM ${table}`);
    await t.sql("DELETE FROM rollup_event WHERE rollup IN ('fulfillment', 'returns', 'customers')");
    expect((await reports()).customers.customers).toBe(0);
    const events = await t.em().find(OutboxEvent, { type: { $in: Object.keys(operationsPart.on) } }, { orderBy: { id: 'asc' } });
    const ctx = { app: t.engine.app, em: t.em(), log: t.engine.app.log, attempt: 2 };
    await Promise.all(events.flatMap((e) => [operationsPart.on[e.type]].flat().map((h) =>
      h({ id: Number(e.id), type: e.type, aggregateId: e.aggregateId, payload: e.payload, at: new Date(e.createdAtMs) } as never, ctx as never))));
    expect(await reports()).toEqual(before);
    expectFigures(before);
  });

  it('periods are whole local days: a period before the orders shows nothing', async () => {
    const before = { from: new Date(Date.now() - 30 * DAY).toISOString(), to: new Date(Date.now() - 20 * DAY).toISOString() };
    const f = ok(await t.admin(FULFILLMENT, before)).fulfillmentReport;
    expect(f).toMatchObject({ locations: [], ordersPlaced: 0, backorderRate: null, splitShipmentRate: null });
    expect(ok(await t.admin(RETURNS, before)).returnsReport.rows).toEqual([]);
    expect(ok(await t.admin(CUSTOMERS, before)).customerReport).toMatchObject({ customers: 0, repeatPurchaseRate: null, topCustomers: [] });
    // Carol's first order's day (40 days ago) holds her one order then.
    const old = { from: new Date(Date.now() - 41 * DAY).toISOString(), to: new Date(Date.now() - 39 * DAY).toISOString() };
    expect(ok(await t.admin(CUSTOMERS, old)).customerReport).toMatchObject({ customers: 1, newCustomers: 1, returningCustomers: 0 });
    expect(ok(await t.admin(FULFILLMENT, old)).fulfillmentReport).toMatchObject({ ordersPlaced: 1, backorderedOrders: 1 });
  });

  it('refuses bad ranges with the path, and callers without the orders role or outside the channel', async () => {
    const to = period.from;
    for (const q of [FULFILLMENT, RETURNS, CUSTOMERS]) {
      const r = await t.admin(q, { from: period.from, to });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(fieldOf(r)).toBe('to');
      const long = await t.admin(q, { from: new Date(Date.now() - 1200 * DAY).toISOString(), to: period.to });
      expect([codeOf(long), fieldOf(long)]).toEqual(['BAD_USER_INPUT', 'to']);
      expect(codeOf(await t.gql(q, period))).toBe('UNAUTHENTICATED');
      expect(codeOf(await t.admin(q, { ...period, c: 'nope' }))).toBe('NOT_FOUND');
    }
    const many = await t.admin(CUSTOMERS, { ...period, first: 501 });
    expect([codeOf(many), fieldOf(many)]).toEqual(['BAD_USER_INPUT', 'first']);

    const catalog = ok(await t.admin(`mutation { createApiKey(name: "ops-catalog", roles: ["catalog"]) { token } }`)).createApiKey.token;
    expect(codeOf(await t.gql(FULFILLMENT, period, catalog))).toBe('FORBIDDEN');
    const customer = ok(await t.gql(REGISTER, { i: { email: 'dave@example.com', password: 'correct horse battery' } })).registerCustomer.token;
    expect(codeOf(await t.gql(CUSTOMERS, period, customer))).toBe('FORBIDDEN');

    // A key kept to another channel reads that channel only: nothing here, and the default channel is refused.
    ok(await t.admin(`mutation { createChannel(input: { code: "ops-other", name: "Other", kind: API, currencyCode: "EUR" }) { code } }`));
    const scoped = ok(await t.admin(`mutation { createApiKey(name: "ops-scoped", roles: ["orders"], channelCodes: ["ops-other"]) { token } }`)).createApiKey.token;
    expect(ok(await t.gql(FULFILLMENT, period, scoped)).fulfillmentReport).toMatchObject({ locations: [], ordersPlaced: 0 });
    expect(ok(await t.gql(RETURNS, period, scoped)).returnsReport.rows).toEqual([]);
    expect(ok(await t.gql(CUSTOMERS, period, scoped)).customerReport).toMatchObject({ customers: 0, topCustomers: [] });
    expect(codeOf(await t.gql(FULFILLMENT, { ...period, c: 'default' }, scoped))).toBe('FORBIDDEN');
    expect(ok(await t.gql(FULFILLMENT, { ...period, c: 'ops-other' }, scoped)).fulfillmentReport.ordersPlaced).toBe(0);
  });
});
