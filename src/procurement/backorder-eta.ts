// Backordered orders' estimatedDeliveryAt follows the purchase orders that bring their units: the units
// of a variant's open purchase orders are given to its waiting lines oldest order first (the order
// fulfillment serves them in), a line arrives on the date the deliveries cover it, an order when its
// last backordered line does, and it is delivered its shipping method's maxTransitDays later. Run on
// purchase_order.sent, .expected_changed and .cancelled; it sets dates, so running it twice is harmless.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrderStatus } from '../order-core/order-status.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { withOrder } from '../order-core/order-lock.js';
import { addHistory } from '../order-core/order-history.js';
import { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { arrivalsBy } from './incoming.js';

const DAY_MS = 86_400_000;

export class BackorderEta {
  constructor(private readonly app: AppRuntime) {}

  /** The orders waiting for the purchase order's SKUs get the date their units now arrive. Returns how many changed. */
  async follow(em: Em, purchaseOrderId: string): Promise<number> {
    const variants = (await em.execute('SELECT DISTINCT variant_id FROM purchase_order_line WHERE purchase_order_id = ?', [purchaseOrderId])).map((r: any) => r.variant_id as string);
    if (!variants.length) return 0;
    const marks = variants.map(() => '?').join(', ');
    const waiting: { id: string; order_id: string; variant_id: string; quantity_backordered: number }[] = await em.execute(
      `SELECT ol.id, ol.order_id, ol.variant_id, ol.quantity_backordered FROM order_line ol JOIN orders o ON o.id = ol.order_id
       WHERE o.id IN (SELECT DISTINCT order_id FROM order_line WHERE variant_id IN (${marks}) AND quantity_backordered > 0)
         AND ol.quantity_backordered > 0 AND o.status <> ?
         -- Orders with units waiting for a release keep the date placement gave them from it (docs/preorders.md).
         AND NOT EXISTS (SELECT 1 FROM order_line pl WHERE pl.order_id = o.id AND pl.quantity_preordered > 0)
       ORDER BY o.placed_at, o.id`,
      [...variants, OrderStatus.CANCELLED],
    );
    // Every variant the affected orders wait for, not only this PO's: an order arrives with its last line.
    const arrivals = await arrivalsBy(em, [...new Set(waiting.map((w) => w.variant_id))]);
    const lineArrives = new Map<string, Date | null>();
    const given = new Map<string, number>();
    for (const w of waiting) {
      const upTo = (given.get(w.variant_id) ?? 0) + Number(w.quantity_backordered);
      given.set(w.variant_id, upTo);
      let covered = 0;
      const hit = (arrivals.get(w.variant_id) ?? []).find((a) => (covered += a.quantity) >= upTo);
      lineArrives.set(w.id, hit?.at ?? null);
    }
    const orders = [...new Set(waiting.map((w) => w.order_id))];
    let changed = 0;
    for (const orderId of orders) {
      const lines = waiting.filter((w) => w.order_id === orderId).map((w) => lineArrives.get(w.id) ?? null);
      // A line no open purchase order covers has no known date: the order keeps the one it has.
      if (lines.some((d) => !d)) continue;
      const arrives = new Date(Math.max(...lines.map((d) => d!.getTime())));
      changed += await withOrder(em, orderId, async (tx, order) => {
        // Read again under the lock: a line served or cancelled since the scan changes nothing here (its next run decides).
        const still = await tx.count(OrderLine, { order: order.id, quantityBackordered: { $gt: 0 } });
        if (!still || order.status === OrderStatus.CANCELLED) return 0;
        const method = order.shippingMethod ? await tx.findOne(ShippingMethod, { id: order.shippingMethod.id }) : null;
        const eta = new Date(arrives.getTime() + (method?.maxTransitDays ?? 0) * DAY_MS);
        if (order.estimatedDeliveryAt?.getTime() === eta.getTime()) return 0;
        order.estimatedDeliveryAt = eta;
        addHistory(tx, order, {
          type: 'ESTIMATED_DELIVERY_CHANGED', actor: 'system',
          message: `Backordered units expected ${arrives.toISOString().slice(0, 10)} (purchase order); delivery expected by ${eta.toISOString().slice(0, 10)}.`,
        });
        return 1;
      });
    }
    return changed;
  }
}
