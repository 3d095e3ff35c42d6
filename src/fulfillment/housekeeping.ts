// Repeatable housekeeping (queue 'housekeeping'): orders still waiting for their payment (a bank
// transfer never made, a card's 3-D Secure step never finished) are cancelled after
// config.unpaidOrderTtlMs (their stock goes back on sale), and shipments that sit in one state longer
// than config.stuckShipmentMs are flagged EXCEPTION for a person to look at. Both re-check each row
// under its order's lock, so a run that overlaps another, or a payment arriving meanwhile, is harmless.
// Click & collect orders not collected within config.pickupWindowDays are cancelled the same way.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { SYSTEM_PRINCIPAL } from '../kernel/auth.js';
import { isOrdoError } from '../kernel/errors.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { OrderService } from '../orders/order.service.js';
import { OrderStatus } from '../order-core/order-status.js';
import type { Order } from '../order-core/order.entity.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentStatus, STUCK_WATCHED } from './shipment-status.js';
import { moveShipment } from './shipment-moves.js';
import { withShipment } from './order-lock.js';
import { followShipments } from './order-progress.js';

const BATCH = 500;

export class Housekeeping {
  constructor(private readonly app: AppRuntime) {}

  /** Cancels orders still waiting for their payment after the TTL (their authorization voided); the ids of those cancelled. */
  async cancelUnpaidOrders(em: Em, now = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - this.app.config.unpaidOrderTtlMs);
    const rows = await em.execute(
      `SELECT o.id FROM orders o
       WHERE o.status = ? AND o.payment_status = ? AND o.placed_at < ?
       ORDER BY o.placed_at LIMIT ${BATCH}`,
      [OrderStatus.PENDING, PaymentStatus.PENDING, dialectOf(em).date(cutoff)],
    );
    const orders = this.app.service(OrderService);
    const hours = Math.round(this.app.config.unpaidOrderTtlMs / 3_600_000);
    const cancelled: string[] = [];
    // Paid (or changed by staff) since the select: the condition is checked again under the order's lock.
    const stillUnpaid = (o: Order) => o.status === OrderStatus.PENDING && o.paymentStatus === PaymentStatus.PENDING;
    for (const { id } of rows) {
      try {
        await orders.cancel(em.fork(), SYSTEM_PRINCIPAL, id as string, `not paid within ${hours} hour(s)`, stillUnpaid);
        cancelled.push(id as string);
      } catch (e) {
        if (isOrdoError(e) && (e.code === 'INVALID_STATE_TRANSITION' || e.code === 'CONFLICT')) continue;
        throw e;
      }
    }
    return cancelled;
  }

  /**
   * Click & collect orders READY_FOR_PICKUP longer than config.pickupWindowDays are cancelled by the
   * order's own cancel (stock released at the store, authorization voided or captured money refunded,
   * the customer's mail); the ids of the orders cancelled. Collected meanwhile: the lock's re-check skips it.
   */
  async cancelUncollectedPickups(em: Em, now = new Date()): Promise<string[]> {
    const days = this.app.config.pickupWindowDays;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const waiting = await em.find(Shipment, { status: ShipmentStatus.READY_FOR_PICKUP, readyForPickupAt: { $lt: cutoff } }, { orderBy: { readyForPickupAt: 'asc' }, limit: BATCH, fields: ['order'] });
    const orders = this.app.service(OrderService);
    const cancelled: string[] = [];
    const stillWaiting = (o: Order) => o.status === OrderStatus.IN_FULFILLMENT;
    for (const orderId of new Set(waiting.map((s) => s.order.id))) {
      try {
        await orders.cancel(em.fork(), SYSTEM_PRINCIPAL, orderId, `not collected within ${days} day(s)`, stillWaiting);
        cancelled.push(orderId);
      } catch (e) {
        if (isOrdoError(e) && (e.code === 'INVALID_STATE_TRANSITION' || e.code === 'CONFLICT')) continue;
        throw e;
      }
    }
    return cancelled;
  }

  /** Flags shipments stuck in one state; the ids of those flagged. */
  async flagStuckShipments(em: Em, now = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - this.app.config.stuckShipmentMs);
    const stuck = await em.find(Shipment, { status: { $in: STUCK_WATCHED }, statusChangedAt: { $lt: cutoff } }, { orderBy: { statusChangedAt: 'asc' }, limit: BATCH, fields: ['id'] });
    const flagged: string[] = [];
    for (const { id } of stuck) {
      const done = await withShipment(em, id, async (tx, order, s) => {
        if (!STUCK_WATCHED.includes(s.status) || s.statusChangedAt >= cutoff) return false;
        const hours = Math.round((now.getTime() - s.statusChangedAt.getTime()) / 3_600_000);
        await moveShipment(this.app, tx, order, s, ShipmentStatus.EXCEPTION, 'system', `Shipment ${s.id} flagged: ${s.status} for ${hours} hour(s) with no progress.`, now);
        await followShipments(this.app, tx, order, 'system');
        return true;
      });
      if (done) flagged.push(id);
    }
    return flagged;
  }
}
