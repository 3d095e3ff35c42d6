// The release of preorders (docs/preorders.md): the repeatable `housekeeping.releasePreorders` finds the
// variants whose release date has passed (or whose preorder terms were cleared) while units are still
// counted as preordered, releases each waiting line under its order's lock (its units leave the variant's
// preorder counter once: order-core/preordered-units.ts) and then serves them from stock like backorders,
// oldest order first (RoutingService.allocateBackorders). Until then allocateBackorders leaves preordered
// lines alone, so stock that arrives before the release date is not shipped early.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { addHistory } from '../order-core/order-history.js';
import { unpreorder } from '../order-core/preordered-units.js';
import { withOrder } from './order-lock.js';
import { RoutingService } from './routing.js';

const DUE = `SELECT id, sku FROM product_variant
WHERE preordered > 0 AND (preorder_limit IS NULL OR release_date IS NULL OR release_date <= ?)`;

const WAITING = `SELECT ol.id, ol.order_id FROM order_line ol JOIN orders o ON o.id = ol.order_id
WHERE ol.variant_id = ? AND ol.quantity_backordered > 0 AND ol.quantity_preordered > 0
ORDER BY o.placed_at, o.id`;

export class PreorderRelease {
  constructor(private readonly app: AppRuntime) {}

  /** Releases what is due and allocates stock to it; the number of units released. Harmless to run twice. */
  async releaseDue(em: Em, now = new Date()): Promise<number> {
    const due: { id: string; sku: string }[] = await em.execute(DUE, [dialectOf(em).date(now)]);
    let released = 0;
    for (const v of due) {
      for (const w of await em.execute(WAITING, [v.id])) {
        released += await withOrder(em, w.order_id as string, async (tx, order) => {
          // Read again under the lock: cancelled or released since the scan, nothing is left to release.
          const line = await tx.findOne(OrderLine, { id: w.id as string });
          if (!line) return 0;
          const q = await unpreorder(tx, line);
          if (q) addHistory(tx, order, { type: 'PREORDER_RELEASED', actor: 'system', message: `${q} preordered unit(s) of ${line.sku} released: they ship as stock allows.` });
          return q;
        });
      }
      // Stock already on hand goes to the released lines now; later stock through stock.changed as usual.
      await this.app.service(RoutingService).allocateBackorders(em, v.id);
    }
    return released;
  }
}
