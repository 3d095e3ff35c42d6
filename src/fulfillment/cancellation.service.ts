// Cancelling part of an order before it ships: `cancelOrderLines` (units by order line) and
// `cancelShipment` (a shipment that has not left: its units re-routed from other locations, or
// cancelled). Both run under the order's lock and take an idempotency key (kernel/idempotency.ts): a
// retry answers the first result and cancels nothing twice. The unit arithmetic is cancel-units.ts.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, assertMayReadOrders, authorize, adminIn, isAdmin, orderReader, orderStaff, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { release, reserveElsewhere } from '../inventory/stock-ledger.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { addHistory } from '../order-core/order-history.js';
import { withOrder, withShipment } from './order-lock.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { moveShipment } from './shipment-moves.js';
import { RoutingService, isOpen, mergeAllocations } from './routing.js';
import { followShipments } from './order-progress.js';
import { cancelUnits, type UnitsToCancel } from './cancel-units.js';

/** While the order is in one of these, its buyer may cancel units too; later only staff can. */
const BUYER_MAY_CANCEL = new Set([OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.BACKORDERED]);

function checkReason(reason: string | null | undefined): string {
  const r = (reason ?? '').trim();
  if (r.length > 500) throw badInput('reason is at most 500 characters.', 'reason');
  return r || 'no reason given';
}

export class CancellationService {
  constructor(private readonly app: AppRuntime) {}

  async cancelOrderLines(em: Em, principal: Principal, orderId: string, lines: UnitsToCancel[], reason: string | null | undefined, key?: string | null): Promise<Order> {
    checkIdempotencyKey(key);
    const why = checkReason(reason);
    assertMayReadOrders(principal);
    return withOrder(em, orderId, async (tx, order) => {
      authorize(principal, orderReader(order));
      return once(tx, `cancelOrderLines:${keyOwner(principal)}`, key, { orderId, lines, reason: why }, async () => {
        if (!isAdmin(principal, 'orders') && !BUYER_MAY_CANCEL.has(order.status)) {
          throw new OrdoError('FORBIDDEN', `An order that is ${order.status} can only be changed by staff.`);
        }
        await cancelUnits(this.app, tx, order, lines, actorName(principal), why);
        return order;
      }, (id) => tx.findOneOrFail(Order, { id }));
    });
  }

  /**
   * A shipment that has not left is cancelled. `reroute`: its units are reserved again at other
   * locations (those without stock wait as backorders) and routed into new shipments; otherwise they are
   * cancelled from the order, and its money follows (cancel-units.ts).
   */
  async cancelShipment(em: Em, principal: Principal, shipmentId: string, reason: string | null | undefined, reroute: boolean, key?: string | null): Promise<Shipment> {
    authorize(principal, adminIn('orders'));
    checkIdempotencyKey(key);
    const why = checkReason(reason);
    const actor = actorName(principal);
    return withShipment(em, shipmentId, async (tx, order, s) => {
      authorize(principal, orderStaff(order));
      return once(tx, `cancelShipment:${keyOwner(principal)}`, key, { shipmentId, reason: why, reroute }, async () => {
      if (!isOpen(s)) throw new OrdoError('INVALID_STATE_TRANSITION', `Shipment ${s.id} is ${s.status}: only a shipment that has not left can be cancelled.`, { from: s.status, to: ShipmentStatus.CANCELLED });
      if (reroute && order.pickupLocation) throw badInput(`Order ${order.number} is collected at its store: its units cannot be re-routed elsewhere.`, 'reroute');
      const shipped = await tx.find(ShipmentLine, { shipment: s.id });
      await moveShipment(this.app, tx, order, s, ShipmentStatus.CANCELLED, actor, `Shipment ${s.id} cancelled: ${why}.`);
      const units = shipped.map((sl) => ({ orderLineId: sl.orderLine.id, quantity: sl.quantity }));
      if (!reroute) {
        if (units.length) await cancelUnits(this.app, tx, order, units, actor, why);
        return s;
      }
      await this.reroute(tx, order, s, shipped, actor);
      return s;
    }, (id) => tx.findOneOrFail(Shipment, { id }));
    });
  }

  /** The cancelled shipment's units: released where they were, reserved elsewhere, routed again. */
  private async reroute(tx: Em, order: Order, s: Shipment, shipped: ShipmentLine[], actor: string): Promise<void> {
    const lines = await tx.find(OrderLine, { id: { $in: shipped.map((sl) => sl.orderLine.id) } });
    const at = s.location.id;
    let waiting = 0;
    for (const sl of shipped) {
      const line = lines.find((l) => l.id === sl.orderLine.id)!;
      if (!line.variant) continue; // not stocked: routed again with the main parcel
      const here = line.allocations.find((a) => a.locationId === at);
      const moving = Math.min(sl.quantity, here?.quantity ?? 0);
      if (!moving) continue;
      await release(tx, line.variant.id, [{ locationId: at, quantity: moving }]);
      here!.quantity -= moving;
      const r = await reserveElsewhere(tx, line.variant.id, moving, at);
      line.allocations = mergeAllocations(line.allocations, r.allocations);
      line.quantityBackordered += r.missing;
      waiting += r.missing;
    }
    const created = await this.app.service(RoutingService).createShipments(tx, order);
    addHistory(tx, order, {
      type: 'SHIPMENT_REROUTED', actor,
      message: `Units of shipment ${s.id} re-routed${created.length ? ` to ${created.length} new shipment(s)` : ''}${waiting ? `; ${waiting} unit(s) wait for stock` : ''}.`,
    });
    await followShipments(this.app, tx, order, actor);
  }
}
