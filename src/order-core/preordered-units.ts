// A line's preordered units leave the variant's preorder counter exactly once: when they are cancelled
// (cancelOrder, cancelOrderLines, an edit that lowers the line) or released on the release date
// (fulfillment's housekeeping.releasePreorders). Always under the order's lock, so a release and a
// cancellation of the same line cannot both give the same units back (docs/preorders.md).
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { givePreorderUnitsBack } from '../catalog/preorder.js';
import type { OrderLine } from './order-line.entity.js';

/**
 * `units` of the line's waiting units no longer wait (cancelled, or all of them released): those that were
 * preordered are given back to the variant's limit. Returns how many were.
 */
export async function unpreorder(tx: SqlRunner, line: OrderLine, units = line.quantityPreordered): Promise<number> {
  const q = Math.min(Math.max(0, units), line.quantityPreordered);
  if (q === 0) return 0;
  line.quantityPreordered -= q;
  if (line.variant) await givePreorderUnitsBack(tx, line.variant.id, q);
  return q;
}
