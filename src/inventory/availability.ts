// Units that can be sold now: on hand less reserved, never below zero per location, summed over active
// locations. One statement for many variants (by id) or SKUs, for DataLoaders and the live fan-out.
import type { SqlRunner } from '../kernel/db/sql-runner.js';

export async function availableBy(db: SqlRunner, key: 'variant_id' | 'sku', values: readonly string[]): Promise<Map<string, number>> {
  if (!values.length) return new Map();
  const rows: { k: string; available: number | string }[] = await db.execute(
    `SELECT sl.${key} AS k, SUM(CASE WHEN sl.on_hand > sl.reserved THEN sl.on_hand - sl.reserved ELSE 0 END) AS available
     FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id
     WHERE l.active = true AND sl.${key} IN (${values.map(() => '?').join(', ')})
     GROUP BY sl.${key}`,
    [...values],
  );
  return new Map(rows.map((r) => [r.k, Number(r.available)]));
}
