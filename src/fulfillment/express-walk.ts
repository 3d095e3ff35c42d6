// The automated walk in plain SQL (issue 16): an order CONFIRMED with all its units reserved at
// autoFulfill locations goes from routing to SHIPPED in two transactions of a few statements each, the
// carrier called between them, instead of a dozen ORM units of work (the workers' CPU went to the ORM's
// hydration and change sets, not to the database). It writes what the ORM's walk writes (routing.ts,
// shipment-moves.ts, labels.ts, ship-out.ts, order-progress.ts): the same rows, history entries and
// events, stock through the ledger's conditional statements (test/integration/express-walk.test.ts
// compares the two on both databases).
// Everything else takes the ORM's path: unstocked or backordered lines, a pickup, an order that has
// shipments already, a guard on the order's or the shipment's machine (a plugin's guard gets the
// entities). An express walk interrupted after its first transaction (a carrier refusal, a killed
// worker) is resumed by the job's retry, which finds the shipments and walks them the ORM's way.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import { readAll, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { PlainRows } from '../kernel/db/entity-rows.js';
import { OrdoError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { proportional } from '../kernel/money.js';
import { DEFAULT_UNIT_GRAMS, type ParcelOrigin } from '../inventory/parcel.js';
import { movementRows, shipOutPlain, type Allocation, type PlainMovement } from '../inventory/stock-ledger.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { externalOf, transitionRecords, type EventRecord, type HistoryRecord } from '../order-core/order-history.js';
import { recordRows } from '../order-core/order-rows.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus, shipmentMachine } from './shipment-status.js';
import { LabelService, labelFields, labelledMessage, labelRequestOf, type BoughtLabel, type LabelInput } from './labels.js';

const S = ShipmentStatus;
const O = OrderStatus;
const SYSTEM = 'system';
const WALKED = { walked: true };

interface OrderFacts {
  id: string;
  number: string;
  externalId: string | null;
  to: LabelInput['to'];
  method: LabelInput['method'];
}

interface Line {
  id: string;
  variantId: string;
  sku: string;
  quantity: number;
  allocations: Allocation[];
  grams: number;
}

interface Planned {
  id: string;
  location: ParcelOrigin & { id: string; code: string; priority: number };
  units: { line: Line; quantity: number }[];
}

/** What the first transaction made: the order's facts and its shipments, PACKED. */
interface Routed {
  order: OrderFacts;
  shipments: Planned[];
}

const SHIPMENTS = new PlainRows<Planned, { order: OrderFacts; at: Date }>(Shipment.name, {
  id: (s) => s.id, order: (_, c) => c.order.id, location: (s) => s.location.id, wave: () => 1, status: () => S.PACKED,
  exceptionFrom: () => null, carrierCode: () => null, trackingNumber: () => null, trackingUrl: () => null, labelKey: () => null,
  packingSlipKey: () => null, labelledAt: () => null, estimatedDeliveryAt: () => null, shippedAt: () => null, deliveredAt: () => null,
  readyForPickupAt: () => null, pickupCodeHash: () => null, createdAt: (_, c) => c.at, statusChangedAt: (_, c) => c.at, version: () => 1,
});

const SHIPMENT_LINES = new PlainRows<{ shipmentId: string; lineId: string; quantity: number }, null>(ShipmentLine.name, {
  id: () => newId('shl'), shipment: (l) => l.shipmentId, orderLine: (l) => l.lineId, quantity: (l) => l.quantity,
});

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const byPlace = (a: Planned, b: Planned) => a.location.priority - b.location.priority || a.location.code.localeCompare(b.location.code);

/** A shipment's status move as the ORM's moveShipment records it (history entry and `shipment.<status>` event). */
function shipmentMove(order: OrderFacts, s: Planned, from: ShipmentStatus, to: ShipmentStatus, message: string, trackingNumber: string | null, extra: Record<string, unknown>) {
  return {
    history: { type: `SHIPMENT_${to}`, message, actor: SYSTEM } satisfies HistoryRecord,
    event: {
      type: `shipment.${to.toLowerCase()}`,
      payload: { shipmentId: s.id, orderId: order.id, number: order.number, locationId: s.location.id, from, to, trackingNumber, ...externalOf(order), ...extra },
    } satisfies EventRecord,
  };
}

export class ExpressWalk {
  constructor(private readonly app: AppRuntime) {}

  /**
   * Job `fulfillment.route` for the plain case: the ids of the shipments created, or null when the order
   * is not a case for it (nothing was written). `resume` is the ORM's walk of the order's open automated
   * shipments (auto-walk.ts), for when one moved between the transactions.
   */
  async route(em: Em, orderId: string, resume: (em: Em, orderId: string) => Promise<unknown>): Promise<string[] | null> {
    if (this.app.machines.get(orderMachine).hasGuards() || this.app.machines.get(shipmentMachine).hasGuards()) return null;
    const routed = await plainTransaction(em, (db) => this.createPacked(db, orderId));
    if (!routed) return null;
    for (const s of routed.shipments) if (!(await this.labelAndShip(em, routed.order, s, resume))) break;
    return routed.shipments.map((s) => s.id);
  }

  /** Transaction 1, order locked: shipments per location, PICKED and PACKED at once, the order IN_FULFILLMENT. */
  private async createPacked(db: SqlRunner, orderId: string): Promise<{ result: Routed | null; last: Statement[] }> {
    const none = { result: null, last: [] };
    const dialect = dialectOf(db);
    // The order locked, then its lines (one round trip on a session).
    const [[o], rows] = await readAll(db, [
      {
        sql: `SELECT o.status, o.number, o.external_id, o.pickup_location_id, o.shipping_method_id,
          o.ship_name, o.ship_line1, o.ship_line2, o.ship_city, o.ship_region, o.ship_postal_code, o.ship_country_code, o.ship_phone,
          (SELECT count(*) FROM shipment s WHERE s.order_id = o.id) AS shipments
         FROM orders o WHERE o.id = ?${dialect.forUpdate()}`,
        params: [orderId],
      },
      {
        sql: `SELECT ol.id, ol.variant_id, ol.sku, ol.quantity, ol.quantity_shipped, ol.quantity_backordered, ol.quantity_preordered,
          ol.quantity_cancelled, ol.allocations, v.weight_grams, m.id AS method_id, m.carrier_code, m.service_code, m.min_transit_days, m.max_transit_days
         FROM order_line ol LEFT JOIN product_variant v ON v.sku = ol.sku
         LEFT JOIN shipping_method m ON m.id = (SELECT shipping_method_id FROM orders WHERE id = ?)
         WHERE ol.order_id = ? ORDER BY ol.id`,
        params: [orderId, orderId],
      },
    ]);
    if (!o || o.status !== O.CONFIRMED || o.pickup_location_id || Number(o.shipments) > 0) return none;
    const lines: Line[] = [];
    for (const r of rows) {
      const allocations = json<Allocation[]>(r.allocations) ?? [];
      const reserved = allocations.reduce((n, a) => n + a.quantity, 0);
      // Every unit reserved and nothing else going on with the line: otherwise the ORM's routing decides.
      if (!r.variant_id || !allocations.length || reserved !== Number(r.quantity) || Number(r.quantity_shipped) || Number(r.quantity_backordered)
        || Number(r.quantity_preordered) || Number(r.quantity_cancelled)) return none;
      lines.push({ id: r.id, variantId: r.variant_id, sku: r.sku, quantity: Number(r.quantity), allocations, grams: r.weight_grams == null ? DEFAULT_UNIT_GRAMS : Number(r.weight_grams) });
    }
    if (!lines.length) return none;

    const ids = [...new Set(lines.flatMap((l) => l.allocations.map((a) => a.locationId)))];
    const places = await db.execute(
      `SELECT id, code, name, priority, auto_fulfill, country_code, region, address, parcel_box FROM stock_location WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    if (places.length !== ids.length || places.some((p: any) => !p.auto_fulfill)) return none;
    const shipments: Planned[] = places.map((p: any) => ({
      id: newId('shp'),
      location: { id: p.id, code: p.code, name: p.name, priority: Number(p.priority), countryCode: p.country_code, region: p.region, address: json(p.address), parcelBox: json(p.parcel_box) },
      units: [],
    }));
    for (const line of lines) {
      for (const a of line.allocations) shipments.find((s) => s.location.id === a.locationId)!.units.push({ line, quantity: a.quantity });
    }
    shipments.sort(byPlace);

    const m = rows[0];
    const order: OrderFacts = {
      id: orderId, number: o.number, externalId: o.external_id ?? null,
      to: { name: o.ship_name, line1: o.ship_line1, line2: o.ship_line2, city: o.ship_city, region: o.ship_region, postalCode: o.ship_postal_code, countryCode: o.ship_country_code, phone: o.ship_phone },
      method: m.method_id
        ? { carrierCode: m.carrier_code, serviceCode: m.service_code, minTransitDays: Number(m.min_transit_days), maxTransitDays: Number(m.max_transit_days) }
        : null,
    };
    const history: HistoryRecord[] = [];
    const events: EventRecord[] = [];
    for (const s of shipments) {
      const count = s.units.reduce((n, u) => n + u.quantity, 0);
      history.push({ type: 'SHIPMENT_CREATED', actor: SYSTEM, message: `Shipment ${s.id} created at ${s.location.code}: ${count} unit(s), fulfilled automatically.` });
      events.push({ type: 'shipment.created', payload: { shipmentId: s.id, orderId, number: order.number, locationId: s.location.id, wave: 1, autoFulfill: true, to: S.PENDING, walked: true } });
    }
    for (const s of shipments) {
      for (const [from, to, verb] of [[S.PENDING, S.PICKED, 'picked'], [S.PICKED, S.PACKED, 'packed']] as const) {
        const move = shipmentMove(order, s, from, to, `Shipment ${s.id}: ${verb} by the location's automation.`, null, WALKED);
        history.push(move.history);
        events.push(move.event);
      }
    }
    const started = transitionRecords(order, { from: O.CONFIRMED, to: O.IN_FULFILLMENT }, SYSTEM, 'Fulfillment started.');
    history.push(started.history);
    events.push(started.event);

    const at = new Date();
    const inserts = dialect.insertStatements([
      SHIPMENTS.rows(db, dialect, shipments, { order, at }),
      SHIPMENT_LINES.rows(db, dialect, shipments.flatMap((s) => s.units.map((u) => ({ shipmentId: s.id, lineId: u.line.id, quantity: u.quantity }))), null),
      ...recordRows(db, dialect, { id: orderId, placedAt: at }, history, events),
    ]);
    const status = { sql: 'UPDATE orders SET status = ?, version = version + 1, updated_at = ? WHERE id = ?', params: [O.IN_FULFILLMENT, dialect.date(at), orderId] };
    return { result: { order, shipments }, last: [...inserts, status] };
  }

  /**
   * The label bought, then transaction 2, order locked: LABELLED and SHIPPED, stock out through the ledger,
   * the order SHIPPED (or PARTIALLY_SHIPPED while other shipments wait). False when the shipment or its
   * order moved meanwhile (a hold, a cancellation): nothing written, the ORM's walk takes over.
   */
  private async labelAndShip(em: Em, order: OrderFacts, s: Planned, resume: (em: Em, orderId: string) => Promise<unknown>): Promise<boolean> {
    const labels = this.app.service(LabelService);
    const unitsGrams = s.units.reduce((n, u) => n + u.quantity * u.line.grams, 0);
    const { carrierCode, request } = labelRequestOf({ shipmentId: s.id, orderNumber: order.number, to: order.to, location: s.location, method: order.method, unitsGrams });
    const bought = await labels.purchase(carrierCode, request);
    const shipped = await plainTransaction(em, (db) => this.ship(db, order, s, bought));
    if (!shipped) {
      await resume(em, order.id);
      const [now] = await em.fork().execute('SELECT tracking_number FROM shipment WHERE id = ?', [s.id]);
      if (now?.tracking_number !== bought.label.trackingNumber) await labels.cancelUnused(bought, s.id);
    }
    return shipped;
  }

  private async ship(db: SqlRunner, order: OrderFacts, s: Planned, bought: BoughtLabel): Promise<{ result: boolean; last: Statement[] }> {
    const dialect = dialectOf(db);
    // The order locked, then the shipment with its lines (one round trip on a session).
    const [[o], rows] = await readAll(db, [
      {
        sql: `SELECT o.status, (SELECT sum(quantity) FROM order_line WHERE order_id = o.id) AS units,
          (SELECT sum(quantity_shipped) FROM order_line WHERE order_id = o.id) AS shipped
         FROM orders o WHERE o.id = ?${dialect.forUpdate()}`,
        params: [order.id],
      },
      {
        sql: `SELECT s.status, s.tracking_number, s.shipped_at, sl.quantity, ol.id AS line_id, ol.variant_id, ol.sku, ol.quantity AS line_quantity,
          ol.quantity_shipped, ol.line_total, ol.allocations
         FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id JOIN order_line ol ON ol.id = sl.order_line_id WHERE s.id = ?`,
        params: [s.id],
      },
    ]);
    const from = o?.status as OrderStatus | undefined;
    if ((from !== O.IN_FULFILLMENT && from !== O.PARTIALLY_SHIPPED) || !rows.length || rows[0].status !== S.PACKED || rows[0].tracking_number || rows[0].shipped_at) {
      return { result: false, last: [] };
    }
    const at = new Date();
    const tn = bought.label.trackingNumber;
    const moves: PlainMovement[] = [];
    const last: Statement[] = [];
    let value = 0;
    let units = 0;
    // In a fixed order (variant id), like placeOrder and the ORM's handover, so that transactions lock stock rows alike.
    rows.sort((a: any, b: any) => (a.variant_id < b.variant_id ? -1 : 1));
    for (const r of rows) {
      const q = Number(r.quantity);
      value += proportional(Number(r.line_total), q, Number(r.line_quantity));
      units += q;
      const allocations = json<Allocation[]>(r.allocations);
      const held = allocations.find((a) => a.locationId === s.location.id);
      if (!held || held.quantity < q) {
        throw new OrdoError('CONFLICT', `Line ${r.sku} holds ${held?.quantity ?? 0} unit(s) at this location, the shipment wants ${q}.`);
      }
      const note = { orderId: order.id, note: `Shipment ${s.id} of order ${order.number}` };
      if (!(await shipOutPlain(db, { variantId: r.variant_id, sku: r.sku, locationId: s.location.id }, q, note, moves))) {
        throw new OrdoError('CONFLICT', `The stock of ${r.sku} at this location does not cover the ${q} reserved unit(s) being shipped; count the stock and retry.`);
      }
      const left = allocations.map((a) => (a.locationId === s.location.id ? { ...a, quantity: a.quantity - q } : a)).filter((a) => a.quantity > 0);
      last.push({ sql: 'UPDATE order_line SET quantity_shipped = quantity_shipped + ?, allocations = ? WHERE id = ?', params: [q, JSON.stringify(left), r.line_id] });
    }

    const labelled = shipmentMove(order, s, S.PACKED, S.LABELLED, labelledMessage(s.id, bought), tn, WALKED);
    const handed = shipmentMove(order, s, S.LABELLED, S.SHIPPED, `Shipment ${s.id} handed over to ${bought.carrierCode} (${tn}) by the location's automation.`, tn, { ...WALKED, value });
    const history: HistoryRecord[] = [labelled.history, handed.history];
    const events: EventRecord[] = [labelled.event, handed.event];
    // The order follows its shipments (order-progress.ts): every unit out, or some.
    const total = Number(o.units);
    const shipped = Number(o.shipped) + units;
    const to = shipped >= total ? O.SHIPPED : O.PARTIALLY_SHIPPED;
    if (to !== from) {
      const message = to === O.SHIPPED ? `All ${total} unit(s) have shipped.` : `${shipped} of ${total} unit(s) have shipped.`;
      const move = transitionRecords(order, { from: from!, to }, SYSTEM, message);
      history.push(move.history);
      events.push(move.event);
    }

    const f = labelFields(bought);
    const d = (v: Date | null) => (v ? dialect.date(v) : null);
    last.unshift({
      sql: `UPDATE shipment SET status = ?, exception_from = NULL, carrier_code = ?, tracking_number = ?, tracking_url = ?, label_key = ?, labelled_at = ?,
        estimated_delivery_at = ?, shipped_at = ?, status_changed_at = ?, version = version + 1 WHERE id = ?`,
      params: [S.SHIPPED, f.carrierCode, f.trackingNumber, f.trackingUrl, f.labelKey, d(f.labelledAt), d(f.estimatedDeliveryAt), d(at), d(at), s.id],
    });
    last.push(...dialect.insertStatements([movementRows(db, dialect, moves, at), ...recordRows(db, dialect, { id: order.id, placedAt: at }, history, events)]));
    // The delivery estimate: the latest of the undelivered shipments' (refreshEstimate), this one's included.
    last.push({
      sql: `UPDATE orders SET status = ?, version = version + 1, updated_at = ?, estimated_delivery_at = COALESCE(
        (SELECT max(estimated_delivery_at) FROM shipment WHERE order_id = ? AND status NOT IN (?, ?)), estimated_delivery_at) WHERE id = ?`,
      params: [to, d(at), order.id, S.CANCELLED, S.DELIVERED, order.id],
    });
    return { result: true, last };
  }
}
