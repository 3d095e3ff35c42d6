// The express walk's second transaction (express-walk.ts), for a batch of labelled shipments: each one
// whose order is still IN_FULFILLMENT or PARTIALLY_SHIPPED and which is still PACKED without a label
// becomes LABELLED and SHIPPED, its units leave stock through the ledger, its lines count them as
// shipped, and its order follows (PARTIALLY_SHIPPED, SHIPPED) with the delivery estimate of its
// shipments — what labels.ts, ship-out.ts and order-progress.ts write. The others are left as they are
// (false) for the ORM's walk. Orders are locked in id order, as every batch locks them.
import { dialectOf } from '../kernel/db/dialect.js';
import { readAll, rowsBy, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { mergeTables } from '../kernel/db/entity-rows.js';
import { proportional } from '../kernel/money.js';
import { giveBack, movementRows, shippedMoves, stockOut, type Allocation, type PlainTake } from '../inventory/stock-ledger.js';
import { OrderStatus } from '../order-core/order-status.js';
import { transitionRecords, type EventRecord, type HistoryRecord } from '../order-core/order-history.js';
import { recordRows } from '../order-core/order-rows.js';
import { ShipmentStatus } from './shipment-status.js';
import { labelFields, labelledMessage, type BoughtLabel } from './labels.js';
import { json, SYSTEM, WALKED, type OrderFacts, type Planned } from './express-rows.js';
import { automatedHandover, shipmentMoved } from './shipment-records.js';
import { handoverNote, stockShort, tooFewHeld } from './ship-out.js';
import { unitsShipped } from './order-progress.js';

const S = ShipmentStatus;
const O = OrderStatus;

/** A shipment to hand over, with the label bought for it. */
export interface Handover {
  order: OrderFacts;
  shipment: Planned;
  bought: BoughtLabel;
  /** The trace of the job that handed it over (its events carry it). */
  trace: string | null;
}

/** Transaction 2 for `items` (distinct shipments): whether each was handed over, in their order. */
export async function handOver(db: SqlRunner, items: readonly Handover[]): Promise<{ result: boolean[]; last: Statement[] }> {
  const dialect = dialectOf(db);
  const orderIds = [...new Set(items.map((i) => i.order.id))].sort();
  // What each shipment takes out of stock, as tx1 packed it: sent with the reads below, so that the
  // conditional stock updates cost no round trip of their own. A shipment left as it is gives its units
  // back in the same transaction (`giveBack`), so the batch's net change of stock is what it shipped.
  const planned = new Map<string, PlainTake[]>();
  for (const { order, shipment: s } of items) {
    if (!planned.has(s.id)) planned.set(s.id, s.units.map((u) => ({ at: { variantId: u.line.variantId, sku: u.line.sku, locationId: s.location.id }, quantity: u.quantity, why: handoverNote(s.id, order) })));
  }
  const outs = stockOut([...planned.values()].flat());
  // `= ANY(?)` on PostgreSQL (dialect.anyOf): one text, prepared, whatever the batch's size.
  const byOrder = dialect.anyOf('o.id', orderIds);
  const byShipment = dialect.anyOf('s.id', items.map((i) => i.shipment.id));
  // The orders locked, the shipments with their lines, then the stock taken (one round trip on a session).
  const [orderRows, lineRows, ...taken] = await readAll(db, [
    {
      sql: `SELECT o.id, o.status, (SELECT sum(quantity) FROM order_line WHERE order_id = o.id) AS units,
        (SELECT sum(quantity_shipped) FROM order_line WHERE order_id = o.id) AS shipped
       FROM orders o WHERE ${byOrder.sql} ORDER BY o.id${dialect.forUpdate()}`,
      params: byOrder.params,
    },
    {
      sql: `SELECT s.id AS shipment_id, s.status, s.tracking_number, s.shipped_at, sl.quantity, ol.id AS line_id, ol.variant_id, ol.sku,
        ol.quantity AS line_quantity, ol.line_total, ol.allocations
       FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id JOIN order_line ol ON ol.id = sl.order_line_id
       WHERE ${byShipment.sql}`,
      params: byShipment.params,
    },
    ...outs.statements,
  ]);
  const orders = new Map<string, { status: OrderStatus; total: number; shipped: number }>(
    orderRows.map((o: any) => [o.id, { status: o.status, total: Number(o.units), shipped: Number(o.shipped) }]),
  );
  const linesOf = rowsBy(lineRows, 'shipment_id');

  const result = items.map(() => false);
  const at = new Date();
  const handedOver = new Set<string>();
  /** Each line's allocations as the batch leaves them, and the units it ships (two shipments may share a line). */
  const lineState = new Map<string, { allocations: Allocation[]; shipped: number }>();
  const updates: Statement[] = [];
  const written = new Map<string, { history: HistoryRecord[]; events: EventRecord[] }>();
  const d = (v: Date | null) => (v ? dialect.date(v) : null);

  const seen = new Set<string>();
  items.forEach((item, i) => {
    const { order, shipment: s, bought } = item;
    const o = orders.get(order.id);
    const rows = linesOf.get(s.id) ?? [];
    // The same shipment twice in a batch (a job and its replay): handed over once.
    if (seen.has(s.id)) return;
    seen.add(s.id);
    if (!o || (o.status !== O.IN_FULFILLMENT && o.status !== O.PARTIALLY_SHIPPED) || !rows.length) return;
    if (rows[0].status !== S.PACKED || rows[0].tracking_number || rows[0].shipped_at || !asPacked(rows, s)) return;
    result[i] = true;
    handedOver.add(s.id);
    let value = 0;
    let units = 0;
    for (const r of rows) {
      const q = Number(r.quantity);
      value += proportional(Number(r.line_total), q, Number(r.line_quantity));
      units += q;
      const line = lineState.get(r.line_id) ?? lineState.set(r.line_id, { allocations: json<Allocation[]>(r.allocations), shipped: 0 }).get(r.line_id)!;
      const held = line.allocations.find((a) => a.locationId === s.location.id);
      if (!held || held.quantity < q) throw tooFewHeld(r.sku, held?.quantity ?? 0, q);
      line.allocations = line.allocations.map((a) => (a.locationId === s.location.id ? { ...a, quantity: a.quantity - q } : a)).filter((a) => a.quantity > 0);
      line.shipped += q;
    }

    const tn = bought.label.trackingNumber;
    const moving = { id: s.id, locationId: s.location.id, trackingNumber: tn };
    const labelled = shipmentMoved(order, moving, S.PACKED, S.LABELLED, SYSTEM, labelledMessage(s.id, bought), WALKED);
    const handed = shipmentMoved(order, moving, S.LABELLED, S.SHIPPED, SYSTEM, automatedHandover(s.id, bought.carrierCode, tn), { ...WALKED, value });
    const w = written.get(order.id) ?? written.set(order.id, { history: [], events: [] }).get(order.id)!;
    w.history.push(labelled.history, handed.history);
    const traced = (e: EventRecord): EventRecord => ({ ...e, traceParent: item.trace });
    w.events.push(traced(labelled.event), traced(handed.event));
    // The order follows its shipments (order-progress.ts): every unit out, or some.
    o.shipped += units;
    const to = o.shipped >= o.total ? O.SHIPPED : O.PARTIALLY_SHIPPED;
    if (to !== o.status) {
      const move = transitionRecords(order, { from: o.status, to }, SYSTEM, unitsShipped(o.shipped, o.total));
      w.history.push(move.history);
      w.events.push(traced(move.event));
      o.status = to;
    }
    const f = labelFields(bought);
    updates.push({
      sql: `UPDATE shipment SET status = ?, exception_from = NULL, carrier_code = ?, tracking_number = ?, tracking_url = ?, label_key = ?, labelled_at = ?,
        estimated_delivery_at = ?, shipped_at = ?, status_changed_at = ?, version = version + 1 WHERE id = ?`,
      params: [S.SHIPPED, f.carrierCode, f.trackingNumber, f.trackingUrl, f.labelKey, d(f.labelledAt), d(f.estimatedDeliveryAt), d(at), d(at), s.id],
    });
  });
  // The stock taken: a level that did not cover its units fails the batch (its jobs then run one by
  // one); with nothing to hand over, the transaction rolls back instead (NothingHandedOver).
  const refused = outs.refused(taken);
  if (refused) {
    if (!handedOver.size) throw new NothingHandedOver();
    const q = [...planned.values()].flat().filter((t) => t.at.variantId === refused.variantId && t.at.locationId === refused.locationId).reduce((n, t) => n + t.quantity, 0);
    throw stockShort(refused.sku, q);
  }
  const takes = [...planned].filter(([id]) => handedOver.has(id)).flatMap(([, t]) => t);
  updates.push(...giveBack([...planned].filter(([id]) => !handedOver.has(id)).flatMap(([, t]) => t)));
  const moves = shippedMoves(takes);
  for (const [id, l] of lineState) {
    updates.push({ sql: 'UPDATE order_line SET quantity_shipped = quantity_shipped + ?, allocations = ? WHERE id = ?', params: [l.shipped, JSON.stringify(l.allocations), id] });
  }
  updates.push(...dialect.insertStatements(mergeTables([
    movementRows(db, dialect, moves, at),
    ...[...written].flatMap(([id, w]) => recordRows(db, dialect, { id, placedAt: at }, w.history, w.events)),
  ])));
  // The delivery estimate: the latest of the undelivered shipments' (refreshEstimate), these included.
  for (const id of written.keys()) {
    updates.push({
      sql: `UPDATE orders SET status = ?, version = version + 1, updated_at = ?, estimated_delivery_at = COALESCE(
        (SELECT max(estimated_delivery_at) FROM shipment WHERE order_id = ? AND status NOT IN (?, ?)), estimated_delivery_at) WHERE id = ?`,
      params: [orders.get(id)!.status, d(at), id, S.CANCELLED, S.DELIVERED, id],
    });
  }
  return { result, last: updates };
}

/** The shipment's rows hold the units tx1 packed into it (what its stock statements took). */
function asPacked(rows: readonly any[], s: Planned): boolean {
  const want = new Map<string, number>();
  for (const u of s.units) want.set(u.line.id, (want.get(u.line.id) ?? 0) + u.quantity);
  const got = new Map<string, number>();
  for (const r of rows) got.set(r.line_id, (got.get(r.line_id) ?? 0) + Number(r.quantity));
  return want.size === got.size && [...want].every(([id, q]) => got.get(id) === q);
}

/** A batch whose stock statements were refused and which hands nothing over: rolled back, each shipment left as it is (false). */
export class NothingHandedOver extends Error {
  constructor() {
    super('nothing handed over');
  }
}
