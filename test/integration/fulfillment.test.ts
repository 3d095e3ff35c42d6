// Fulfillment on workers, on both databases: routing to shipments (split, backorders), the automated
// walk at autoFulfill locations, staff steps, labels and documents, tracking, cancellation, housekeeping,
// failed jobs, and idempotence of every step (replays, double mutations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { RoutingService } from '../../src/fulfillment/routing.js';
import { Housekeeping } from '../../src/fulfillment/housekeeping.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';

const ORDER = `query($id: ID!) { order(id: $id) {
  id status estimatedDeliveryAt
  lines { sku quantity quantityShipped quantityBackordered }
  history { type toStatus actor message }
  shipments { id status location { code } lines { quantity orderLine { sku } }
    carrierCode trackingNumber trackingUrl labelUrl packingSlipUrl estimatedDeliveryAt shippedAt deliveredAt
    events { status at location description } }
} }`;
const SHIPMENT = `query($id: ID!) { shipment(id: $id) { id status trackingNumber order { id } lines { quantity } } }`;
const PICK = `mutation($id: ID!) { markShipmentPicked(id: $id) { id status } }`;
const PACK = `mutation($id: ID!) { markShipmentPacked(id: $id) { id status } }`;
const SHIP = `mutation($id: ID!) { markShipmentShipped(id: $id) { id status shippedAt } }`;
const TRACK = `mutation($i: TrackingEventInput!) { recordTrackingEvent(input: $i) { id status deliveredAt events { status location } } }`;


function shop(t: TestEngine) {
  return setupShop(t, {
    locations: [
      { code: 'auto', priority: 5, autoFulfill: true },
      { code: 'wh-a', priority: 10 },
      { code: 'wh-b', priority: 20 },
      { code: 'hold-loc', priority: 30 },
    ],
    variants: [
      { sku: 'AUTO', price: 1000, stock: { auto: 50 } },
      { sku: 'MAN', price: 700, stock: { 'wh-a': 20 } },
      { sku: 'SPLIT', price: 300, stock: { 'wh-a': 2, 'wh-b': 3 } },
      { sku: 'BO', price: 500, allowBackorder: true, stock: { auto: 1 } },
      { sku: 'LATE', price: 500, allowBackorder: true },
      { sku: 'CXL', price: 400, stock: { 'wh-a': 10 } },
      { sku: 'UNPAID', price: 400, stock: { 'wh-b': 10 } },
      { sku: 'HOLD', price: 400, stock: { 'hold-loc': 5 } },
    ],
  });
}

function helpers(t: () => TestEngine) {
  const order = async (id: string) => ok(await t().admin(ORDER, { id })).order;
  const place = async (lines: { sku: string; quantity: number }[], extra = {}) =>
    ok(await t().gql(PLACE_ORDER, { input: orderInput(lines, extra) })).placeOrder as { order: any; accessToken: string };
  const level = async (sku: string, code: string) => {
    const [row] = await t().sql('SELECT sl.on_hand, sl.reserved FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?', [sku, code]);
    return { onHand: Number(row?.on_hand ?? 0), reserved: Number(row?.reserved ?? 0) };
  };
  const shippedMovements = async (orderId: string) =>
    (await t().sql("SELECT sku, delta FROM stock_movement WHERE order_id = ? AND reason = 'SHIPPED'", [orderId])).map((r: any) => [r.sku, Number(r.delta)]);
  return { order, place, level, shippedMovements };
}

/** The signed link downloads a PDF of at least one page from the engine; the same link tampered with is refused. */
async function expectPdf(t: TestEngine, url: string, key: string) {
  expect(url).toMatch(/signature=/);
  expect(url).toContain(key);
  const res = await fetch(new URL(url, t.url));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/pdf');
  const pdf = Buffer.from(await res.arrayBuffer());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
  expect((await fetch(new URL(url.replace(/signature=(.)/, (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`), t.url))).status).toBe(403);
}

describe.each(DB_KINDS)('fulfillment on %s', (kind: DbKind) => {
  let t: TestEngine;
  const h = helpers(() => t);

  beforeAll(async () => {
    t = await startTestEngine(kind, {});
    await shop(t);
  });
  afterAll(async () => t?.stop());

  it('walks an order at an autoFulfill location to SHIPPED by itself: label, tracking number, documents, stock out', async () => {
    const before = await h.level('AUTO', 'auto');
    const { order: placed } = await h.place([{ sku: 'AUTO', quantity: 2 }]);
    expect(placed.status).toBe('CONFIRMED');
    const o = await until(() => h.order(placed.id), (o) => o.status === 'SHIPPED' && !!o.shipments[0]?.packingSlipUrl);
    expect(o.shipments).toHaveLength(1);
    const s = o.shipments[0];
    expect(s).toMatchObject({ status: 'SHIPPED', location: { code: 'auto' }, carrierCode: 'sim', lines: [{ quantity: 2, orderLine: { sku: 'AUTO' } }] });
    expect(s.trackingNumber).toMatch(/^SIM\d{12}$/);
    expect(s.trackingUrl).toContain(s.trackingNumber);
    expect(s.shippedAt).toBeTruthy();
    expect(s.estimatedDeliveryAt).toBeTruthy();
    // The order's estimate is the carrier's answer.
    expect(o.estimatedDeliveryAt).toBe(s.estimatedDeliveryAt);
    expect(o.lines[0].quantityShipped).toBe(2);
    await expectPdf(t, s.labelUrl, `labels/${s.id}.pdf`);
    await expectPdf(t, s.packingSlipUrl, `packing-slips/${s.id}.pdf`);
    // Units left onHand and reserved together, with one SHIPPED movement.
    const after = await h.level('AUTO', 'auto');
    expect(after).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    expect(await h.shippedMovements(placed.id)).toEqual([['AUTO', -2]]);
    const types = o.history.map((x: any) => x.type);
    for (const type of ['SHIPMENT_CREATED', 'SHIPMENT_PICKED', 'SHIPMENT_PACKED', 'SHIPMENT_LABELLED', 'SHIPMENT_SHIPPED']) expect(types).toContain(type);
    expect(o.history.filter((x: any) => x.type === 'STATUS_CHANGED').map((x: any) => x.toStatus)).toEqual(['CONFIRMED', 'IN_FULFILLMENT', 'SHIPPED']);
    // Events in the outbox: shipment.<status>.
    const events = (await t.sql("SELECT type FROM outbox_event WHERE aggregate_id = ? AND type LIKE 'shipment.%' ORDER BY id", [placed.id])).map((r: any) => r.type);
    expect(events).toEqual(['shipment.created', 'shipment.picked', 'shipment.packed', 'shipment.labelled', 'shipment.shipped']);
  });

  it('at a staffed location a shipment moves only when told; shipping twice is refused and moves stock once; tracking delivers', async () => {
    const { order: placed, accessToken } = await h.place([{ sku: 'MAN', quantity: 3 }]);
    let o = await until(() => h.order(placed.id), (o) => o.shipments.length === 1 && !!o.shipments[0].packingSlipUrl);
    const id = o.shipments[0].id;
    // Every job the shipment's events started has run: none of them moved it (a staffed location).
    await settled(t);
    o = await h.order(placed.id);
    expect(o.status).toBe('CONFIRMED');
    expect(o.shipments[0]).toMatchObject({ status: 'PENDING', location: { code: 'wh-a' }, trackingNumber: null, labelUrl: null });
    await expectPdf(t, o.shipments[0].packingSlipUrl, `packing-slips/${id}.pdf`);

    // Access: staff only for the steps; the buyer's token reads the shipment, another order's does not.
    expect(codeOf(await t.gql(PICK, { id }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(PICK, { id }, accessToken))).toBe('FORBIDDEN');
    expect(ok(await t.gql(SHIPMENT, { id }, accessToken)).shipment).toMatchObject({ id, status: 'PENDING', order: { id: placed.id }, lines: [{ quantity: 3 }] });
    const other = await h.place([{ sku: 'MAN', quantity: 1 }]);
    expect(codeOf(await t.gql(SHIPMENT, { id }, other.accessToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(SHIPMENT, { id }))).toBe('UNAUTHENTICATED');
    expect(ok(await t.admin(`query($id: ID!) { node(id: $id) { ... on Shipment { id status } } }`, { id })).node).toEqual({ id, status: 'PENDING' });

    // Out of order: packing or shipping a PENDING shipment is refused.
    expect(codeOf(await t.admin(PACK, { id }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(SHIP, { id }))).toBe('INVALID_STATE_TRANSITION');
    expect(ok(await t.admin(PICK, { id })).markShipmentPicked.status).toBe('PICKED');
    expect((await h.order(placed.id)).status).toBe('IN_FULFILLMENT');
    await settled(t);
    expect((await h.order(placed.id)).shipments[0].status).toBe('PICKED');
    expect(ok(await t.admin(PACK, { id })).markShipmentPacked.status).toBe('PACKED');
    // The label is bought by a job; nobody ships it but staff.
    o = await until(() => h.order(placed.id), (o) => o.shipments[0].status === 'LABELLED');
    expect(o.shipments[0].trackingNumber).toMatch(/^SIM/);
    await expectPdf(t, o.shipments[0].labelUrl, `labels/${id}.pdf`);
    await settled(t); // the ship job of shipment.labelled has run, and left it to staff
    expect((await h.order(placed.id)).shipments[0].status).toBe('LABELLED');
    const before = await h.level('MAN', 'wh-a');

    const [first, second] = [await t.admin(SHIP, { id }), await t.admin(SHIP, { id })];
    expect(ok(first).markShipmentShipped.status).toBe('SHIPPED');
    expect(codeOf(second)).toBe('INVALID_STATE_TRANSITION');
    expect(await h.level('MAN', 'wh-a')).toEqual({ onHand: before.onHand - 3, reserved: before.reserved - 3 });
    expect(await h.shippedMovements(placed.id)).toEqual([['MAN', -3]]);
    o = await h.order(placed.id);
    expect(o.status).toBe('SHIPPED');
    expect(o.lines[0].quantityShipped).toBe(3);

    // Tracking: in transit, then delivered; the same event twice is kept once.
    const tn = o.shipments[0].trackingNumber;
    const deliveredAt = new Date(Date.now() + 1000).toISOString();
    ok(await t.admin(TRACK, { i: { trackingNumber: tn, status: 'IN_TRANSIT', location: 'Hub Leipzig', description: 'Sorted' } }));
    const d1 = ok(await t.admin(TRACK, { i: { trackingNumber: tn, status: 'DELIVERED', occurredAt: deliveredAt, location: 'Berlin' } })).recordTrackingEvent;
    const d2 = ok(await t.admin(TRACK, { i: { trackingNumber: tn, status: 'DELIVERED', occurredAt: deliveredAt, location: 'Berlin' } })).recordTrackingEvent;
    expect(d1.status).toBe('DELIVERED');
    expect(new Date(d1.deliveredAt).toISOString()).toBe(deliveredAt);
    expect(d2.events.map((e: any) => e.status)).toEqual(['IN_TRANSIT', 'DELIVERED']);
    o = await h.order(placed.id);
    expect(o.status).toBe('DELIVERED');
    expect(o.history.map((x: any) => x.type)).toEqual(expect.arrayContaining(['SHIPMENT_PICKED', 'SHIPMENT_PACKED', 'SHIPMENT_LABELLED', 'SHIPMENT_SHIPPED', 'SHIPMENT_IN_TRANSIT', 'SHIPMENT_DELIVERED']));
    expect(codeOf(await t.admin(TRACK, { i: { trackingNumber: 'SIM000000000000', status: 'DELIVERED' } }))).toBe('NOT_FOUND');
    expect(codeOf(await t.admin(TRACK, { i: { trackingNumber: tn, status: 'PICKED' } }))).toBe('BAD_USER_INPUT');
  });

  it('simultaneous markShipmentShipped calls: one ships, the others are refused, stock moves once', async () => {
    const { order: placed } = await h.place([{ sku: 'MAN', quantity: 2 }]);
    const id = (await until(() => h.order(placed.id), (o) => o.shipments.length === 1)).shipments[0].id;
    ok(await t.admin(PICK, { id }));
    ok(await t.admin(PACK, { id }));
    await until(() => h.order(placed.id), (o) => o.shipments[0].status === 'LABELLED');
    const before = await h.level('MAN', 'wh-a');
    const results = await Promise.all([1, 2, 3, 4].map(() => t.admin(SHIP, { id })));
    expect(results.filter((r) => !r.errors).length).toBe(1);
    for (const r of results.filter((r) => r.errors)) expect(['INVALID_STATE_TRANSITION', 'CONFLICT']).toContain(codeOf(r));
    expect(await h.level('MAN', 'wh-a')).toEqual({ onHand: before.onHand - 2, reserved: before.reserved - 2 });
    expect(await h.shippedMovements(placed.id)).toEqual([['MAN', -2]]);
  });

  it('a split order gets one shipment per location, with its lines', async () => {
    const { order: placed } = await h.place([{ sku: 'SPLIT', quantity: 5 }, { sku: 'MAN', quantity: 1 }]);
    // Both shipments and their history entries: they commit together, but a GraphQL read is no snapshot
    // (history and shipments are separate SELECTs), so one read may see the shipments and not yet the entries.
    const created = (o: any) => o.history.filter((x: any) => x.type === 'SHIPMENT_CREATED').length;
    const o = await until(() => h.order(placed.id), (o) => o.shipments.length === 2 && created(o) === 2);
    const byLoc = Object.fromEntries(o.shipments.map((s: any) => [s.location.code, s.lines.map((l: any) => [l.orderLine.sku, l.quantity]).sort()]));
    expect(byLoc).toEqual({ 'wh-a': [['MAN', 1], ['SPLIT', 2]], 'wh-b': [['SPLIT', 3]] });
    expect(created(o)).toBe(2);
  });

  // Several routing calls at the same moment, before any shipment exists: routing-race.test.ts.
  it('replaying routing once the shipment exists (the service, the job) creates no duplicate shipment', async () => {
    const { order: placed } = await h.place([{ sku: 'MAN', quantity: 2 }]);
    await until(() => h.order(placed.id), (o) => o.shipments.length === 1);
    expect(await t.engine.app.service(RoutingService).route(t.em(), placed.id)).toEqual([]);
    await t.engine.app.queue.add('fulfillment', 'fulfillment.route', { orderId: placed.id }, { jobId: `replay-${placed.id}` });
    await settled(t); // the replayed job has run
    const rows = await t.sql('SELECT COUNT(*) AS n FROM shipment WHERE order_id = ?', [placed.id]);
    expect(Number(rows[0].n)).toBe(1);
    // The database refuses a second shipment of the same wave whatever the code does.
    const [s] = await t.sql('SELECT order_id, location_id, wave FROM shipment WHERE order_id = ?', [placed.id]);
    const now = kind === 'postgresql' ? new Date() : Date.now();
    await expect(t.sql(
      `INSERT INTO shipment (id, order_id, location_id, wave, status, created_at, status_changed_at, version) VALUES ('shp_dup', ?, ?, ?, 'PENDING', ?, ?, 1)`,
      [s.order_id, s.location_id, s.wave, now, now],
    )).rejects.toThrow();
  });

  it('a backordered order ships what it has, and the rest after stock is received', async () => {
    const { order: placed } = await h.place([{ sku: 'BO', quantity: 3 }]);
    expect(placed.status).toBe('BACKORDERED');
    let o = await until(() => h.order(placed.id), (o) => o.status === 'PARTIALLY_SHIPPED');
    expect(o.shipments.map((s: any) => [s.status, s.lines[0].quantity])).toEqual([['SHIPPED', 1]]);
    expect(o.lines[0]).toMatchObject({ quantityShipped: 1, quantityBackordered: 2 });

    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'BO', locationCode: 'auto', delta: 5, reason: 'RECEIVED' } }));
    o = await until(() => h.order(placed.id), (o) => o.status === 'SHIPPED');
    expect(o.shipments.map((s: any) => [s.status, s.lines[0].quantity])).toEqual([['SHIPPED', 1], ['SHIPPED', 2]]);
    expect(o.lines[0]).toMatchObject({ quantityShipped: 3, quantityBackordered: 0 });
    expect(o.history.map((x: any) => x.type)).toContain('BACKORDER_ALLOCATED');
    expect(await h.level('BO', 'auto')).toEqual({ onHand: 3, reserved: 0 });
  });

  it('backorders are filled oldest order first when the stock arrives at a staffed location', async () => {
    const a = (await h.place([{ sku: 'LATE', quantity: 2 }])).order;
    const b = (await h.place([{ sku: 'LATE', quantity: 2 }])).order;
    expect([a.status, b.status]).toEqual(['BACKORDERED', 'BACKORDERED']);
    await settled(t); // routing of order.backordered has run: nothing to ship yet
    expect((await h.order(a.id)).shipments).toEqual([]);
    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'LATE', locationCode: 'wh-b', delta: 3, reason: 'RECEIVED' } }));
    const oa = await until(() => h.order(a.id), (o) => o.status === 'CONFIRMED' && o.shipments.length === 1);
    expect(oa.shipments[0]).toMatchObject({ status: 'PENDING', location: { code: 'wh-b' }, lines: [{ quantity: 2 }] });
    const ob = await until(() => h.order(b.id), (o) => o.lines[0].quantityBackordered === 1);
    expect(ob.status).toBe('BACKORDERED');
    expect(ob.shipments.map((s: any) => s.lines[0].quantity)).toEqual([1]);
  });

  it('cancelling an order cancels its shipments that have not left', async () => {
    const { order: placed } = await h.place([{ sku: 'CXL', quantity: 2 }]);
    const o = await until(() => h.order(placed.id), (o) => o.shipments.length === 1);
    ok(await t.admin(PICK, { id: o.shipments[0].id }));
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "test") { status } }`, { id: placed.id }));
    const c = await until(() => h.order(placed.id), (o) => o.shipments[0].status === 'CANCELLED');
    expect(c.status).toBe('CANCELLED');
    expect(await h.level('CXL', 'wh-a')).toEqual({ onHand: 10, reserved: 0 });
    expect(codeOf(await t.admin(PACK, { id: o.shipments[0].id }))).toBe('INVALID_STATE_TRANSITION');
  });

  it('an order on hold stops its shipments; released, the automation resumes where it stood', async () => {
    const { order: placed } = await h.place([{ sku: 'HOLD', quantity: 1 }]);
    const s = (await until(() => h.order(placed.id), (o) => o.shipments.length === 1)).shipments[0];
    ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "fraud check") { status } }`, { id: placed.id }));
    expect(codeOf(await t.admin(PICK, { id: s.id }))).toBe('INVALID_STATE_TRANSITION');
    // The location turns automatic while the order waits (a 3PL takes it over): nothing moves on hold.
    await t.sql('UPDATE stock_location SET auto_fulfill = ? WHERE code = ?', [kind === 'postgresql' ? true : 1, 'hold-loc']);
    ok(await t.admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: placed.id }));
    const o = await until(() => h.order(placed.id), (o) => o.status === 'SHIPPED');
    expect(o.shipments[0]).toMatchObject({ id: s.id, status: 'SHIPPED' });
  });

  it('housekeeping cancels unpaid manual orders after the TTL and flags stuck shipments', async () => {
    const app = t.engine.app;
    const { order: unpaid } = await h.place([{ sku: 'UNPAID', quantity: 4 }], { payment: { method: 'manual' } });
    expect(unpaid.status).toBe('PENDING');
    const hk = app.service(Housekeeping);
    expect(await hk.cancelUnpaidOrders(t.em())).not.toContain(unpaid.id);
    const later = new Date(Date.now() + app.config.unpaidOrderTtlMs + 60_000);
    expect(await hk.cancelUnpaidOrders(t.em(), later)).toContain(unpaid.id);
    const o = await h.order(unpaid.id);
    expect(o.status).toBe('CANCELLED');
    expect(o.history.at(-1)).toMatchObject({ type: 'STATUS_CHANGED', toStatus: 'CANCELLED', actor: 'system' });
    expect(await h.level('UNPAID', 'wh-b')).toEqual({ onHand: 10, reserved: 0 });
    expect(await hk.cancelUnpaidOrders(t.em(), later)).toEqual([]);

    const { order: slow } = await h.place([{ sku: 'MAN', quantity: 1 }]);
    const s = (await until(() => h.order(slow.id), (o) => o.shipments.length === 1)).shipments[0];
    const stuckLater = new Date(Date.now() + app.config.stuckShipmentMs + 60_000);
    const flagged = await hk.flagStuckShipments(t.em(), stuckLater);
    expect(flagged).toContain(s.id);
    const f = await h.order(slow.id);
    expect(f.shipments[0].status).toBe('EXCEPTION');
    expect(f.history.map((x: any) => x.type)).toContain('SHIPMENT_EXCEPTION');
    expect(await hk.flagStuckShipments(t.em(), stuckLater)).not.toContain(s.id);
    // A flagged shipment resumes from where it stood: it can be picked, not shipped.
    expect(codeOf(await t.admin(SHIP, { id: s.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(ok(await t.admin(PICK, { id: s.id })).markShipmentPicked.status).toBe('PICKED');
  });

  it('lists failed jobs and retries them; the pick list is a signed PDF link', async () => {
    const FAILED = `query($q: String) { failedJobs(queue: $q) { queue id name data attempts error failedAt } }`;
    expect(codeOf(await t.gql(FAILED, {}))).toBe('UNAUTHENTICATED');
    await t.engine.app.queue.add('fulfillment', 'fulfillment.route', { orderId: 'ord_missing' }, { jobId: 'route-missing', attempts: 1 });
    const list = await until(async () => ok(await t.admin(FAILED, { q: 'fulfillment' })).failedJobs, (l: any[]) => l.some((j) => j.id === 'route-missing'));
    expect(list.find((j: any) => j.id === 'route-missing')).toMatchObject({ queue: 'fulfillment', name: 'fulfillment.route', attempts: 1 });
    expect(JSON.parse(list.find((j: any) => j.id === 'route-missing').data)).toEqual({ orderId: 'ord_missing' });
    expect(ok(await t.admin(FAILED, {})).failedJobs.some((j: any) => j.id === 'route-missing')).toBe(true);
    expect(ok(await t.admin(`mutation { retryJob(queue: "fulfillment", id: "route-missing") }`)).retryJob).toBe(true);
    expect(ok(await t.admin(`mutation { retryJob(queue: "fulfillment", id: "no-such-job") }`)).retryJob).toBe(false);
    expect(codeOf(await t.admin(`mutation { retryJob(queue: "nope", id: "x") }`))).toBe('BAD_USER_INPUT');

    const { order: placed } = await h.place([{ sku: 'MAN', quantity: 2 }]);
    await until(() => h.order(placed.id), (o) => o.shipments.length === 1);
    const url = ok(await t.admin(`{ pickList(locationCode: "wh-a") }`)).pickList;
    const key = decodeURIComponent(new URL(url, t.url).pathname.replace(/^\/documents\//, ''));
    await expectPdf(t, url, key);
    expect(codeOf(await t.gql(`{ pickList(locationCode: "wh-a") }`, {}, (await h.place([{ sku: 'MAN', quantity: 1 }])).accessToken))).toBe('FORBIDDEN');
  });

  it('carrier webhooks move shipments; unknown numbers are skipped, bad bodies refused', async () => {
    const { order: placed } = await h.place([{ sku: 'AUTO', quantity: 1 }]);
    const o = await until(() => h.order(placed.id), (o) => o.status === 'SHIPPED');
    const tn = o.shipments[0].trackingNumber;
    // The carrier posts to the engine's own server.
    const base = new URL('/', t.url).toString();
    {
      const post = (body: string, code = 'sim') => fetch(`${base}webhooks/carriers/${code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const events = { events: [
        { trackingNumber: tn, status: 'OUT_FOR_DELIVERY', location: 'Berlin' },
        { trackingNumber: tn, status: 'DELIVERED', occurredAt: new Date(Date.now() + 1000).toISOString() },
        { trackingNumber: 'SIM999999999999', status: 'DELIVERED' },
      ] };
      const res = await post(JSON.stringify(events));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: 3, applied: 2 });
      // The carrier resends: nothing changes twice.
      expect((await post(JSON.stringify({ events: events.events.slice(1) }))).status).toBe(200);
      const d = await h.order(placed.id);
      expect(d.status).toBe('DELIVERED');
      expect(d.shipments[0].events.map((e: any) => e.status)).toEqual(['OUT_FOR_DELIVERY', 'DELIVERED']);
      expect(d.shipments[0].deliveredAt).toBeTruthy();
      expect((await post('{"nope":1}')).status).toBe(400);
      expect((await post('not json')).status).toBe(400);
      expect((await post('{"events":[]}', 'pigeon')).status).toBe(400);
    }
  });
});

describe('fulfillment with BullMQ queues (Redis)', () => {
  let t: TestEngine;
  const h = helpers(() => t);

  beforeAll(async () => {
    t = await startTestEngine('sqlite', { redis: true });
    await shop(t);
  });
  afterAll(async () => t?.stop());

  it('walks an autoFulfill order to SHIPPED through the per-concern queues', async () => {
    expect(t.engine.app.queue.kind).toBe('bullmq');
    const { order: placed } = await h.place([{ sku: 'AUTO', quantity: 1 }, { sku: 'MAN', quantity: 1 }]);
    const o = await until(() => h.order(placed.id), (o) => o.shipments.length === 2 && o.shipments.some((s: any) => s.status === 'SHIPPED'), 30_000);
    expect(o.status).toBe('PARTIALLY_SHIPPED');
    const manual = o.shipments.find((s: any) => s.location.code === 'wh-a');
    expect(manual.status).toBe('PENDING');
    ok(await t.admin(PICK, { id: manual.id }));
    ok(await t.admin(PACK, { id: manual.id }));
    await until(() => h.order(placed.id), (o) => o.shipments.find((s: any) => s.id === manual.id).status === 'LABELLED', 30_000);
    ok(await t.admin(SHIP, { id: manual.id }));
    expect((await h.order(placed.id)).status).toBe('SHIPPED');
    expect(ok(await t.admin(`{ failedJobs { id } }`)).failedJobs).toEqual([]);
  });
});
