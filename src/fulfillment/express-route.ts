// The express walk's first transaction (express-walk.ts), for a batch of orders: each order that is the
// plain case — CONFIRMED, no pickup, no shipment yet, every unit of every line reserved at automated
// locations — gets a shipment per location, PICKED and PACKED at once, and goes IN_FULFILLMENT; the
// others are left as they are (null) for the ORM's routing. Orders are locked in id order, as every batch
// locks them, so that two batches never wait for each other in a circle.
import { dialectOf } from '../kernel/db/dialect.js';
import { readAll, rowsBy, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { newId } from '../kernel/ids.js';
import { mergeTables } from '../kernel/db/entity-rows.js';
import { DEFAULT_UNIT_GRAMS } from '../inventory/parcel.js';
import type { Allocation } from '../inventory/stock-ledger.js';
import { OrderStatus } from '../order-core/order-status.js';
import { transitionRecords, type EventRecord, type HistoryRecord } from '../order-core/order-history.js';
import { recordRows } from '../order-core/order-rows.js';
import { ShipmentStatus } from './shipment-status.js';
import { byPlace, json, SHIPMENT_LINES, SHIPMENTS, SYSTEM, WALKED, type Line, type OrderFacts, type Planned, type Routed } from './express-rows.js';
import { automatedStep, shipmentCreated, shipmentMoved } from './shipment-records.js';
import { FULFILLMENT_STARTED } from './order-progress.js';
import { addressColumns, addressOf } from '../order-core/address-columns.js';

const S = ShipmentStatus;
const O = OrderStatus;

/** Transaction 1 for `orderIds` (distinct): what each became, in their order (null: not the plain case). */
export async function createPacked(db: SqlRunner, orderIds: readonly string[], traceOf: (orderId: string) => string | null): Promise<{ result: (Routed | null)[]; last: Statement[] }> {
  const dialect = dialectOf(db);
  const ids = [...orderIds].sort();
  // The orders locked, their lines, and the locations their units are reserved at (one round trip on a session).
  const held = dialect.jsonArrayField('ol.allocations', 'locationId');
  // `= ANY(?)` on PostgreSQL (dialect.anyOf): one text, prepared, whatever the batch's size.
  const byOrder = dialect.anyOf('o.id', ids);
  const byLineOrder = dialect.anyOf('ol.order_id', ids);
  const [orderRows, lineRows, locationRows] = await readAll(db, [
    {
      sql: `SELECT o.id, o.status, o.number, o.external_id, o.pickup_location_id, o.shipping_method_id,
        ${addressColumns('ship_')},
        (SELECT count(*) FROM shipment s WHERE s.order_id = o.id) AS shipments
       FROM orders o WHERE ${byOrder.sql} ORDER BY o.id${dialect.forUpdate()}`,
      params: byOrder.params,
    },
    {
      sql: `SELECT ol.order_id, ol.id, ol.variant_id, ol.sku, ol.quantity, ol.quantity_shipped, ol.quantity_backordered, ol.quantity_preordered,
        ol.quantity_cancelled, ol.allocations, v.weight_grams, m.id AS method_id, m.carrier_code, m.service_code, m.min_transit_days, m.max_transit_days
       FROM order_line ol JOIN orders o ON o.id = ol.order_id LEFT JOIN product_variant v ON v.sku = ol.sku
       LEFT JOIN shipping_method m ON m.id = o.shipping_method_id
       WHERE ${byLineOrder.sql} ORDER BY ol.id`,
      params: byLineOrder.params,
    },
    {
      sql: `SELECT id, code, name, priority, auto_fulfill, country_code, region, address, parcel_box FROM stock_location
       WHERE id IN (SELECT ${held.value} FROM order_line ol, ${held.from} WHERE ${byLineOrder.sql})`,
      params: byLineOrder.params,
    },
  ]);
  const linesOf = rowsBy(lineRows, 'order_id');
  const plain = new Map<string, { o: any; lines: Line[] }>();
  for (const o of orderRows) {
    const lines = o.status === O.CONFIRMED && !o.pickup_location_id && Number(o.shipments) === 0 ? reservedLines(linesOf.get(o.id) ?? []) : null;
    if (lines) plain.set(o.id, { o, lines });
  }

  // The locations the plain orders' units are reserved at: every one must be automated.
  const places = new Map<string, Planned['location'] & { auto: boolean }>();
  for (const p of locationRows) {
    places.set(p.id, { id: p.id, code: p.code, name: p.name, priority: Number(p.priority), countryCode: p.country_code, region: p.region, address: json(p.address), parcelBox: json(p.parcel_box), auto: !!p.auto_fulfill });
  }

  const at = new Date();
  const routed = new Map<string, Routed>();
  const history: { orderId: string; records: HistoryRecord[]; events: EventRecord[] }[] = [];
  for (const [orderId, { o, lines }] of plain) {
    const where = [...new Set(lines.flatMap((l) => l.allocations.map((a) => a.locationId)))].map((id) => places.get(id));
    if (where.some((p) => !p?.auto)) continue;
    // In location order (priority, code), ids included: the ORM's routing creates them in that order too.
    const shipments: Planned[] = where.map((p) => ({ id: '', location: p!, units: [] as Planned['units'] })).sort(byPlace);
    for (const s of shipments) s.id = newId('shp');
    for (const line of lines) for (const a of line.allocations) shipments.find((s) => s.location.id === a.locationId)!.units.push({ line, quantity: a.quantity });
    const m = (linesOf.get(orderId) ?? [])[0];
    const order: OrderFacts = {
      id: orderId, number: o.number, externalId: o.external_id ?? null,
      to: addressOf(o, 'ship_'),
      method: m?.method_id ? { carrierCode: m.carrier_code, serviceCode: m.service_code, minTransitDays: Number(m.min_transit_days), maxTransitDays: Number(m.max_transit_days) } : null,
    };
    routed.set(orderId, { order, shipments });
    const r = records(order, shipments);
    history.push({ orderId, records: r.records, events: r.events.map((e) => ({ ...e, traceParent: traceOf(orderId) })) });
  }
  if (!routed.size) return { result: orderIds.map(() => null), last: [] };

  const all = [...routed.values()];
  const inserts = dialect.insertStatements(mergeTables([
    ...all.map((r) => SHIPMENTS.rows(db, dialect, r.shipments, { order: r.order, at })),
    SHIPMENT_LINES.rows(db, dialect, all.flatMap((r) => r.shipments.flatMap((s) => s.units.map((u) => ({ shipmentId: s.id, lineId: u.line.id, quantity: u.quantity })))), null),
    ...history.flatMap((h) => recordRows(db, dialect, { id: h.orderId, placedAt: at }, h.records, h.events)),
  ]));
  const started = [...routed.keys()];
  const startedAny = dialect.anyOf('id', started);
  const status = { sql: `UPDATE orders SET status = ?, version = version + 1, updated_at = ? WHERE ${startedAny.sql}`, params: [O.IN_FULFILLMENT, dialect.date(at), ...startedAny.params] };
  return { result: orderIds.map((id) => routed.get(id) ?? null), last: [...inserts, status] };
}

/** The order's lines when every unit is reserved and nothing else goes on with any of them; else null. */
function reservedLines(rows: any[]): Line[] | null {
  const lines: Line[] = [];
  for (const r of rows) {
    const allocations = json<Allocation[]>(r.allocations) ?? [];
    const reserved = allocations.reduce((n, a) => n + a.quantity, 0);
    if (!r.variant_id || !allocations.length || reserved !== Number(r.quantity) || Number(r.quantity_shipped) || Number(r.quantity_backordered)
      || Number(r.quantity_preordered) || Number(r.quantity_cancelled)) return null;
    lines.push({ id: r.id, variantId: r.variant_id, sku: r.sku, quantity: Number(r.quantity), allocations, grams: r.weight_grams == null ? DEFAULT_UNIT_GRAMS : Number(r.weight_grams) });
  }
  return lines.length ? lines : null;
}

/** What routing, picking, packing and the order's start record, as the ORM's routing writes them. */
function records(order: OrderFacts, shipments: Planned[]): { records: HistoryRecord[]; events: EventRecord[] } {
  const history: HistoryRecord[] = [];
  const events: EventRecord[] = [];
  const add = (r: { history: HistoryRecord; event: EventRecord }) => { history.push(r.history); events.push(r.event); };
  for (const s of shipments) {
    const units = s.units.reduce((n, u) => n + u.quantity, 0);
    add(shipmentCreated(order, { id: s.id, locationId: s.location.id, locationCode: s.location.code, autoFulfill: true }, 1, units, true));
  }
  for (const s of shipments) {
    const moving = { id: s.id, locationId: s.location.id, trackingNumber: null };
    add(shipmentMoved(order, moving, S.PENDING, S.PICKED, SYSTEM, automatedStep(s.id, 'picked'), WALKED));
    add(shipmentMoved(order, moving, S.PICKED, S.PACKED, SYSTEM, automatedStep(s.id, 'packed'), WALKED));
  }
  add(transitionRecords(order, { from: O.CONFIRMED, to: O.IN_FULFILLMENT }, SYSTEM, FULFILLMENT_STARTED));
  return { records: history, events };
}
