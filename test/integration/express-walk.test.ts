// The automated walk in plain SQL (fulfillment/express-walk.ts) against the ORM's walk, on both
// databases: two engines with the same shop take the same orders, one as it is (plain SQL) and one with
// a guard on the shipment machine that refuses nothing (a guard sends the walk the ORM's way). Both must
// leave the same rows: history, events, shipments, lines, stock levels and movements, and ask the
// carrier for the same labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { normalizer } from '../helpers/normalize.js';
import { definePlugin } from '../../src/kernel/module.js';
import { CarrierService } from '../../src/fulfillment/carriers/carrier.service.js';
import { SimCarrier } from '../../src/fulfillment/carriers/sim-carrier.js';
import type { LabelRequest } from '../../src/fulfillment/carriers/carrier.js';

// Guards on the shipment and payment machines send the walk and the capture job the ORM's way (capture-plain.ts).
const passThrough = definePlugin({ name: 'pass-through-guard', guards: { shipment: [() => undefined], payment: [() => undefined] } });

/** Orders to place, by lines; the last one has an unstocked line (the ORM's walk in both engines). */
const ORDERS = [
  [{ sku: 'ONE', quantity: 2 }],
  [{ sku: 'ONE', quantity: 1 }, { sku: 'TWO', quantity: 3 }],
  [{ sku: 'SPLIT', quantity: 4 }],
  [{ sku: 'ONE', quantity: 1 }, { sku: 'GIFTWRAP', quantity: 1 }],
];

interface Run {
  t: TestEngine;
  labels: LabelRequest[];
  orders: string[];
}

async function start(kind: DbKind, plugins: ReturnType<typeof definePlugin>[]): Promise<Run> {
  const t = await startTestEngine(kind, { plugins });
  const labels: LabelRequest[] = [];
  const sim = new SimCarrier();
  // The built-in carrier, recording what it is asked.
  t.engine.app.service(CarrierService).register(Object.assign(Object.create(sim), {
    createLabel: (req: LabelRequest) => { labels.push(req); return sim.createLabel(req); },
  }));
  await setupShop(t, {
    locations: [
      { code: 'auto-1', priority: 5, autoFulfill: true },
      { code: 'auto-2', priority: 6, autoFulfill: true },
    ],
    variants: [
      { sku: 'ONE', price: 1000, weightGrams: 250, stock: { 'auto-1': 50 } },
      { sku: 'TWO', price: 333, stock: { 'auto-1': 50 } },
      { sku: 'SPLIT', price: 300, weightGrams: 120, stock: { 'auto-1': 2, 'auto-2': 3 } },
      { sku: 'GIFTWRAP', price: 200, trackInventory: false },
    ],
  });
  ok(await t.admin(`mutation($i: UpdateStockLocationInput!) { updateStockLocation(code: "auto-2", input: $i) { code } }`, {
    i: { address: { line1: 'Am Hafen 2', city: 'Bremen', postalCode: '28195' }, parcelBox: { lengthCm: 25, widthCm: 20, heightCm: 10, tareGrams: 150 } },
  }));
  const orders: string[] = [];
  for (const lines of ORDERS) {
    orders.push(ok(await t.gql(PLACE_ORDER, { input: orderInput(lines) })).placeOrder.order.id);
    await settled(t); // one at a time: both engines number and walk them in the same order
  }
  return { t, labels, orders };
}

/** Everything an order's walk wrote, in a comparable form. */
async function rowsOf(r: Run, orderId: string, norm: (v: unknown) => unknown) {
  const { t } = r;
  const date = (v: unknown) => (v === null || v === undefined ? null : 'set');
  const [order] = await t.sql('SELECT id, status, estimated_delivery_at FROM orders WHERE id = ?', [orderId]);
  const history = await t.sql('SELECT type, from_status, to_status, actor, message FROM order_history_entry WHERE order_id = ? ORDER BY id', [orderId]);
  const events = (await t.sql('SELECT type, payload FROM outbox_event WHERE aggregate_id = ? ORDER BY id', [orderId]))
    .map((e: any) => ({ type: e.type, payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload }));
  const shipments = (await t.sql(`SELECT s.id, l.code, s.wave, s.status, s.exception_from, s.carrier_code, s.tracking_number, s.tracking_url, s.label_key,
      s.labelled_at, s.estimated_delivery_at, s.shipped_at, s.delivered_at FROM shipment s JOIN stock_location l ON l.id = s.location_id
      WHERE s.order_id = ? ORDER BY l.priority`, [orderId]))
    .map((s: any) => ({ ...s, wave: Number(s.wave), labelled_at: date(s.labelled_at), estimated_delivery_at: date(s.estimated_delivery_at), shipped_at: date(s.shipped_at), delivered_at: date(s.delivered_at) }));
  const shipmentLines = await t.sql('SELECT sl.shipment_id, ol.sku, sl.quantity FROM shipment_line sl JOIN order_line ol ON ol.id = sl.order_line_id WHERE ol.order_id = ? ORDER BY ol.sku, sl.shipment_id', [orderId]);
  const lines = (await t.sql('SELECT sku, quantity, quantity_shipped, allocations FROM order_line WHERE order_id = ? ORDER BY id', [orderId]))
    .map((l: any) => ({ sku: l.sku, quantity: Number(l.quantity), shipped: Number(l.quantity_shipped), allocations: typeof l.allocations === 'string' ? JSON.parse(l.allocations) : l.allocations }));
  const movements = (await t.sql(`SELECT m.sku, l.code, m.delta, m.reason, m.note FROM stock_movement m JOIN stock_location l ON l.id = m.location_id
      WHERE m.order_id = ? ORDER BY m.sku, l.code`, [orderId])).map((m: any) => ({ ...m, delta: Number(m.delta) }));
  // The payment's capture and the invoice (on the first shipment) are jobs of their own that race the walk of a second
  // shipment: its records (the order's payment status change among them) are compared apart, after the walk's
  // (whose order is the walk's own).
  const isSideJob = (type: string) => /^(PAYMENT_|payment\.|order\.payment_|INVOICE_|invoice\.)/.test(type);
  const walk = norm({
    order: { ...order, estimated_delivery_at: date(order.estimated_delivery_at) },
    history: history.filter((h: any) => !isSideJob(h.type)), events: events.filter((e) => !isSideJob(e.type)), shipments, shipmentLines, lines, movements,
  });
  const byType = (a: any, b: any) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
  const payments = norm({ history: history.filter((h: any) => isSideJob(h.type)).sort(byType), events: events.filter((e) => isSideJob(e.type)).sort(byType) });
  return { walk, payments };
}

/** Orders placed at once (distinct lines each, the same SKUs): their route jobs share batches. */
const RUSH = Array.from({ length: 12 }, (_, i) => [{ sku: 'ONE', quantity: 1 + (i % 4) }, ...(i % 3 ? [{ sku: 'TWO', quantity: 1 + Math.floor(i / 4) }] : [])]);
const signature = (lines: { sku: string; quantity: number }[]) => lines.map((l) => `${l.sku}x${l.quantity}`).join(',');
/** Order numbers differ between engines placing orders at once: they are compared by the orders' lines. */
const withoutNumbers = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/("number":"|"orderNumber":"|[Oo]rder )\d+/g, '$1<n>').replace(/INV-[A-Z]+-\d+/g, '<invoice>'));

describe.each(DB_KINDS)('the express walk and the ORM walk on %s', (kind: DbKind) => {
  let express: Run;
  let orm: Run;

  beforeAll(async () => {
    // Two engines of their own (a database each): they start and take their orders side by side.
    [express, orm] = await Promise.all([start(kind, []), start(kind, [passThrough])]);
  }, 120_000);
  afterAll(async () => {
    await express?.t.stop();
    await orm?.t.stop();
  });

  it('ships every order, and the plain orders took the express walk (one update of each shipment row)', async () => {
    for (const r of [express, orm]) {
      const statuses = await r.t.sql(`SELECT status FROM orders WHERE id IN (${r.orders.map(() => '?').join(', ')})`, r.orders);
      expect(statuses.map((s: any) => s.status)).toEqual(r.orders.map(() => 'SHIPPED'));
    }
    // A shipment row's version counts its writes: the express walk inserts it and updates it once; the
    // ORM's walk flushes it at least three times (created, packed, shipped).
    const versions = async (r: Run, orderId: string) => (await r.t.sql('SELECT version FROM shipment WHERE order_id = ?', [orderId])).map((s: any) => Number(s.version));
    for (const id of express.orders.slice(0, 3)) expect(await versions(express, id)).toEqual(expect.arrayContaining([2]));
    for (const id of express.orders.slice(0, 3)) expect((await versions(express, id)).every((v) => v === 2)).toBe(true);
    for (const id of orm.orders) expect((await versions(orm, id)).every((v) => v >= 3)).toBe(true);
    expect((await versions(express, express.orders[3])).every((v) => v >= 3)).toBe(true);
  });

  it('leaves the same history, events, shipments, lines and stock movements as the ORM walk', async () => {
    for (let i = 0; i < ORDERS.length; i++) {
      const a = await rowsOf(express, express.orders[i], normalizer());
      const b = await rowsOf(orm, orm.orders[i], normalizer());
      expect(a, `order ${i + 1}`).toEqual(b);
    }
    const levels = (r: Run) => r.t.sql('SELECT sl.sku, l.code, sl.on_hand, sl.reserved FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id ORDER BY sl.sku, l.code');
    expect(await levels(express)).toEqual(await levels(orm));
    const split = await rowsOf(express, express.orders[2], normalizer()) as any;
    expect(split.walk.history.map((h: any) => h.to_status).filter(Boolean)).toEqual(['PENDING', 'CONFIRMED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED']);
  });

  it('orders placed at once share the express transactions and end as the ORM walk leaves them', async () => {
    const placed = async (r: Run) => {
      const ids = await Promise.all(RUSH.map(async (lines) => [signature(lines), ok(await r.t.gql(PLACE_ORDER, { input: orderInput(lines) })).placeOrder.order.id] as const));
      await settled(r.t);
      return new Map(ids);
    };
    const [a, b] = [await placed(express), await placed(orm)];
    for (const lines of RUSH) {
      const key = signature(lines);
      expect(withoutNumbers(await rowsOf(express, a.get(key)!, normalizer())), key).toEqual(withoutNumbers(await rowsOf(orm, b.get(key)!, normalizer())));
    }
    // Shipments routed in one batch share its moment: some of these orders were routed together.
    const moments = await express.t.sql(`SELECT created_at, count(DISTINCT order_id) AS n FROM shipment WHERE order_id IN (${[...a.values()].map(() => '?').join(', ')}) GROUP BY created_at`, [...a.values()]);
    expect(Math.max(...moments.map((m: any) => Number(m.n)))).toBeGreaterThan(1);
    // The ledger equals the levels: every SKU's movements add up to its onHand, nothing stays reserved.
    for (const r of [express, orm]) {
      const drift = await r.t.sql(`SELECT sl.sku, sl.on_hand, sl.reserved, (SELECT COALESCE(SUM(m.delta), 0) FROM stock_movement m WHERE m.sku = sl.sku AND m.location_id = sl.location_id) AS moved
        FROM stock_level sl`);
      for (const d of drift) expect([d.sku, Number(d.on_hand), Number(d.reserved)]).toEqual([d.sku, Number(d.moved), 0]);
    }
  });

  it('asks the carrier for the same labels: parcel, weight, origin, destination, service', async () => {
    const norm = normalizer();
    expect(express.labels.length).toBe(5 + RUSH.length);
    expect(normalizer()(express.labels.slice(0, 5))).toEqual(norm(orm.labels.slice(0, 5)));
    // The rush's labels came in any order: compared as sets, their ids and numbers left out.
    const anyOrder = (labels: LabelRequest[]) => labels.slice(5).map((l) => JSON.stringify(withoutNumbers({ ...l, shipmentId: null }))).sort();
    expect(anyOrder(express.labels)).toEqual(anyOrder(orm.labels));
    const fromBremen = express.labels.find((l) => l.from.city === 'Bremen');
    expect(fromBremen?.parcel).toEqual({ lengthCm: 25, widthCm: 20, heightCm: 10, weightGrams: 2 * 120 + 150 });
  });
});
