// Routing: the order's reserved units become shipments, one per stock location that holds them (a split
// order gets several). Units reserved later (a backorder filled by received stock) ship in a further
// wave from their location. Idempotent: a unit already in an open shipment is not routed again, and
// (order, location, wave) is unique, so even a replay racing the first run cannot create a duplicate.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { reserve, reserveRanked, type Allocation } from '../inventory/stock-ledger.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { addHistory } from '../order-core/order-history.js';
import { OrderStatus } from '../order-core/order-status.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { BEFORE_HANDOVER, ShipmentStatus } from './shipment-status.js';
import { withOrder } from './order-lock.js';
import { followShipments, ROUTABLE } from './order-progress.js';
import { AutoFulfillment, WALKED } from './auto-walk.js';
import { pickAndPack } from './shipment-moves.js';
import { ExpressWalk } from './express-walk.js';
import { shipmentCreated } from './shipment-records.js';

const SYSTEM = 'system';

/** A shipment whose units are still reserved at its location (not shipped, not cancelled). */
export const isOpen = (s: Shipment) => BEFORE_HANDOVER.has(s.status) || (s.status === ShipmentStatus.EXCEPTION && !s.shippedAt);

export class RoutingService {
  constructor(private readonly app: AppRuntime) {}

  /** Job `fulfillment.route`: creates the shipments the order's reserved units still lack; ids of those created. */
  async route(em: Em, orderId: string): Promise<string[]> {
    // The plain case (every unit reserved at automated locations, nothing routed yet) in plain SQL.
    const walk = this.app.service(AutoFulfillment);
    const express = await this.app.service(ExpressWalk).route(em, orderId, (e, id) => walk.walkOrder(e, id));
    if (express) return express;
    const created = await withOrder(em, orderId, async (tx, order) => {
      const created = ROUTABLE.has(order.status) ? await this.createShipments(tx, order, true) : [];
      // An automated location picks and packs at once (auto-walk.ts); the label and handover follow.
      if (ROUTABLE.has(order.status)) for (const s of created) if (s.location.autoFulfill) await pickAndPack(this.app, tx, order, s, WALKED);
      // Also catches up an order that was on hold while its parcels moved.
      await followShipments(this.app, tx, order, SYSTEM);
      return created.map((s) => s.id);
    });
    // Every open automated shipment of the order, not only those just made: a retried job, or an order
    // back from a hold, resumes where the last walk stopped.
    await walk.walkOrder(em, orderId);
    return created;
  }

  /**
   * Job `fulfillment.allocateBackorders`: stock of a variant arrived; reserve it for the lines waiting for
   * it, oldest order first, each order in a transaction of its own, and route what was reserved.
   */
  async allocateBackorders(em: Em, variantId: string): Promise<number> {
    const waiting = await em.execute(
      `SELECT ol.id, ol.order_id FROM order_line ol JOIN orders o ON o.id = ol.order_id
       WHERE ol.variant_id = ? AND ol.quantity_backordered > 0 AND ol.quantity_preordered = 0 AND o.status <> ?
       ORDER BY o.placed_at, o.id`,
      [variantId, OrderStatus.CANCELLED],
    );
    let allocated = 0;
    for (const w of waiting) {
      const got = await withOrder(em, w.order_id as string, async (tx, order) => {
        const line = await tx.findOne(OrderLine, { id: w.id as string });
        // Preordered units wait for their release date (preorder-release.ts), whatever stock arrives.
        if (!line || line.quantityBackordered <= 0 || line.quantityPreordered > 0 || order.status === OrderStatus.CANCELLED) return 0;
        // A click & collect order waits for stock at its store, not anywhere.
        const r = order.pickupLocation
          ? await reserveRanked(tx, variantId, line.quantityBackordered, [order.pickupLocation.id])
          : await reserve(tx, variantId, line.quantityBackordered);
        const got = r.allocations.reduce((n, a) => n + a.quantity, 0);
        if (got === 0) return order.pickupLocation ? 0 : -1; // none at its store: the others may still get some
        line.allocations = mergeAllocations(line.allocations, r.allocations);
        line.quantityBackordered = r.missing;
        addHistory(tx, order, {
          type: 'BACKORDER_ALLOCATED', actor: SYSTEM,
          message: `${got} unit(s) of ${line.sku} reserved from received stock${r.missing ? `; ${r.missing} still wait` : ''}.`,
        });
        recordEvent(tx, 'order.backorder_allocated', { orderId: order.id, number: order.number, orderLineId: line.id, sku: line.sku, quantity: got, missing: r.missing }, order.id);
        if (ROUTABLE.has(order.status)) {
          await this.createShipments(tx, order, true);
          await followShipments(this.app, tx, order, SYSTEM);
        }
        return got;
      });
      if (got > 0) await this.app.service(AutoFulfillment).walkOrder(em, w.order_id as string);
      // Nothing could be reserved: the stock is gone, the younger orders keep waiting.
      if (got < 0) break;
      allocated += got;
    }
    return allocated;
  }

  /**
   * Inside the caller's transaction (order locked): a shipment per location for the unrouted reserved units.
   * `walked`: the caller walks the automated ones after its commit (else `shipment.created` queues the walk).
   */
  async createShipments(tx: Em, order: Order, walked = false): Promise<Shipment[]> {
    const lines = await tx.find(OrderLine, { order: order.id }, { orderBy: { id: 'asc' } });
    const existing = await tx.find(Shipment, { order: order.id });
    const open = existing.filter(isOpen);
    const routed = open.length ? await tx.find(ShipmentLine, { shipment: { $in: open.map((s) => s.id) } }) : [];
    const routedAt = new Map<string, number>();
    const routedAny = new Map<string, number>();
    for (const r of routed) {
      const loc = open.find((s) => s.id === r.shipment.id)!.location.id;
      routedAt.set(`${r.orderLine.id}|${loc}`, (routedAt.get(`${r.orderLine.id}|${loc}`) ?? 0) + r.quantity);
      routedAny.set(r.orderLine.id, (routedAny.get(r.orderLine.id) ?? 0) + r.quantity);
    }

    const variantIds = lines.map((l) => l.variant?.id).filter((id): id is string => !!id);
    const tracked = new Set((variantIds.length ? await tx.find(ProductVariant, { id: { $in: variantIds }, trackInventory: true }) : []).map((v) => v.id));

    // Units to route, by location then line.
    const demand = new Map<string, Map<OrderLine, number>>();
    const add = (loc: string, line: OrderLine, q: number) => {
      if (q <= 0) return;
      if (!demand.has(loc)) demand.set(loc, new Map());
      demand.get(loc)!.set(line, (demand.get(loc)!.get(line) ?? 0) + q);
    };
    const untracked: [OrderLine, number][] = [];
    for (const line of lines) {
      if (line.allocations.length) {
        for (const a of line.allocations) add(a.locationId, line, a.quantity - (routedAt.get(`${line.id}|${a.locationId}`) ?? 0));
      } else if (line.quantityBackordered === 0 && !(line.variant && tracked.has(line.variant.id))) {
        // Not stocked (a service, a digital good sent along): it goes with the order's main parcel.
        untracked.push([line, line.quantity - line.quantityShipped - (routedAny.get(line.id) ?? 0)]);
      }
    }
    if (untracked.some(([, q]) => q > 0)) {
      const loc = await this.mainLocation(tx, demand, open);
      if (loc) for (const [line, q] of untracked) add(loc, line, q);
    }
    if (!demand.size) return [];

    const locations = await tx.find(StockLocation, { id: { $in: [...demand.keys()] } });
    const created: Shipment[] = [];
    for (const location of [...locations].sort((a, b) => a.priority - b.priority || a.code.localeCompare(b.code))) {
      const wave = 1 + Math.max(0, ...existing.filter((s) => s.location.id === location.id).map((s) => s.wave));
      const shipment = tx.create(Shipment, { order: order.id, location, wave, status: ShipmentStatus.PENDING });
      const units = [...demand.get(location.id)!];
      for (const [line, quantity] of units) tx.persist(tx.create(ShipmentLine, { shipment, orderLine: line, quantity }));
      tx.persist(shipment);
      const count = units.reduce((n, [, q]) => n + q, 0);
      const made = shipmentCreated(order, { id: shipment.id, locationId: location.id, locationCode: location.code, autoFulfill: location.autoFulfill }, wave, count, walked);
      addHistory(tx, order, made.history);
      recordEvent(tx, made.event.type, made.event.payload, order.id);
      created.push(shipment);
    }
    await tx.flush();
    return created;
  }

  /** Where unstocked lines ship from: the location with most of the order's units, else the preferred one. */
  private async mainLocation(tx: Em, demand: Map<string, Map<OrderLine, number>>, open: Shipment[]): Promise<string | null> {
    let best: string | null = null;
    let most = 0;
    for (const [loc, m] of demand) {
      const n = [...m.values()].reduce((a, b) => a + b, 0);
      if (n > most) [best, most] = [loc, n];
    }
    if (best) return best;
    if (open.length) return open[0].location.id;
    const first = await tx.findOne(StockLocation, { active: true }, { orderBy: { priority: 'asc', code: 'asc' } });
    return first?.id ?? null;
  }
}

export function mergeAllocations(a: Allocation[], b: Allocation[]): Allocation[] {
  const m = new Map<string, number>();
  for (const x of [...a, ...b]) m.set(x.locationId, (m.get(x.locationId) ?? 0) + x.quantity);
  return [...m].filter(([, q]) => q > 0).map(([locationId, quantity]) => ({ locationId, quantity }));
}
