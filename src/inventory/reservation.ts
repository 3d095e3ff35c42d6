// Stock reservation by conditional UPDATE: the database checks `on_hand - reserved >= q` and applies
// the change in one statement, so two orders can never both take the last unit, on either database.
import type { SqlRunner } from '../kernel/db.js';

export interface Allocation {
  locationId: string;
  quantity: number;
}

export interface ReservationResult {
  allocations: Allocation[];
  /** Units no location could give (0 unless the line may be backordered). */
  missing: number;
  /** The value of `alsoSql` (see reserve), when it was given and the whole line came from one location. */
  also?: unknown;
}

const FROM_BEST_LOCATION = `
UPDATE stock_level SET reserved = reserved + ?
WHERE id = (
  SELECT sl.id FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id
  WHERE sl.variant_id = ? AND l.active = true AND sl.on_hand - sl.reserved >= ?
  ORDER BY l.priority, l.code LIMIT 1)
AND on_hand - reserved >= ?
RETURNING location_id`;

const CANDIDATES = `
SELECT sl.id, sl.location_id, sl.on_hand - sl.reserved AS available
FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id
WHERE sl.variant_id = ? AND l.active = true AND sl.on_hand - sl.reserved > 0
ORDER BY l.priority, l.code`;

const TAKE = 'UPDATE stock_level SET reserved = reserved + ? WHERE id = ? AND on_hand - reserved >= ? RETURNING location_id';

/**
 * Reserves `quantity` units of a variant inside the caller's transaction: from the preferred location
 * that can fill the whole line (one statement), else split over locations in priority order.
 * `alsoSql` (PostgreSQL only, no placeholders) is evaluated in that one statement if, and only if, it
 * takes the whole line: placeOrder numbers the order this way without a round trip of its own.
 */
export async function reserve(em: SqlRunner, variantId: string, quantity: number, alsoSql?: string | null): Promise<ReservationResult> {
  const sql = alsoSql ? `WITH taken AS (${FROM_BEST_LOCATION}) SELECT location_id, ${alsoSql} AS also_value FROM taken` : FROM_BEST_LOCATION;
  const whole = await em.execute(sql, [quantity, variantId, quantity, quantity]);
  if (whole.length === 1) {
    const r: ReservationResult = { allocations: [{ locationId: whole[0].location_id, quantity }], missing: 0 };
    if (alsoSql) r.also = whole[0].also_value;
    return r;
  }

  const taken = new Map<string, number>();
  let remaining = quantity;
  // Another order may take units between our read and our update: read again, a bounded number of times.
  for (let round = 0; round < 3 && remaining > 0; round++) {
    const candidates = await em.execute(CANDIDATES, [variantId]);
    if (!candidates.length) break;
    for (const c of candidates) {
      if (remaining === 0) break;
      const take = Math.min(remaining, Number(c.available));
      const done = await em.execute(TAKE, [take, c.id, take]);
      if (done.length === 1) {
        taken.set(c.location_id, (taken.get(c.location_id) ?? 0) + take);
        remaining -= take;
      }
    }
  }
  return { allocations: [...taken].map(([locationId, q]) => ({ locationId, quantity: q })), missing: remaining };
}

/** Gives reserved units back (cancellation). The guard keeps `reserved` from going below zero. */
export async function release(em: SqlRunner, variantId: string, allocations: Allocation[]): Promise<void> {
  for (const a of allocations) {
    await em.execute(
      'UPDATE stock_level SET reserved = reserved - ? WHERE variant_id = ? AND location_id = ? AND reserved >= ?',
      [a.quantity, variantId, a.locationId, a.quantity],
      'run',
    );
  }
}
