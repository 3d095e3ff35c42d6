// Where an order line's units left from: the location of its first shipment that shipped. Fulfillment
// owns the shipment tables; returns ask here to put returned units back where they came from.
import type { SqlRunner } from '../kernel/db/sql-runner.js';

export async function shippedFromLocation(db: SqlRunner, orderLineId: string): Promise<string | null> {
  const [row] = await db.execute(
    `SELECT s.location_id FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id
     WHERE sl.order_line_id = ? AND s.shipped_at IS NOT NULL ORDER BY s.id LIMIT 1`, [orderLineId]);
  return row ? (row.location_id as string) : null;
}
