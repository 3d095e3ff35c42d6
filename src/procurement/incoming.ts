// Units on their way: what SENT and PARTIALLY_RECEIVED purchase orders still expect, per variant and
// location, with the earliest expected date (a line's own date, else its order's). One grouped statement
// for any number of variants: the field resolvers batch their variants into it.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OPEN } from './purchase-order-status.js';

export interface Incoming {
  quantity: number;
  nextExpectedAt: Date | null;
}

/** Incoming units by variant id, then location id. */
export async function incomingBy(db: SqlRunner, variantIds: readonly string[]): Promise<Map<string, Map<string, Incoming>>> {
  const out = new Map<string, Map<string, Incoming>>();
  if (!variantIds.length) return out;
  const rows = await db.execute(
    `SELECT pol.variant_id, po.location_id, SUM(pol.quantity_ordered - pol.quantity_received) AS quantity,
       MIN(COALESCE(pol.expected_at, po.expected_at)) AS next_at
     FROM purchase_order_line pol JOIN purchase_order po ON po.id = pol.purchase_order_id
     WHERE pol.variant_id IN (${variantIds.map(() => '?').join(', ')}) AND po.status IN (${OPEN.map(() => '?').join(', ')})
       AND pol.quantity_ordered > pol.quantity_received
     GROUP BY pol.variant_id, po.location_id`,
    [...variantIds, ...OPEN],
  );
  const dialect = dialectOf(db);
  for (const r of rows) {
    const at = out.get(r.variant_id as string) ?? out.set(r.variant_id as string, new Map()).get(r.variant_id as string)!;
    at.set(r.location_id as string, { quantity: Number(r.quantity), nextExpectedAt: r.next_at === null || r.next_at === undefined ? null : dialect.readDate(r.next_at) });
  }
  return out;
}

/** Over every location: the units and the earliest date. */
export function total(byLocation: Map<string, Incoming> | undefined): Incoming {
  let quantity = 0;
  let next: Date | null = null;
  for (const i of byLocation?.values() ?? []) {
    quantity += i.quantity;
    if (i.nextExpectedAt && (!next || i.nextExpectedAt < next)) next = i.nextExpectedAt;
  }
  return { quantity, nextExpectedAt: next };
}

/**
 * The dates the open purchase orders bring units of each variant, earliest first, with how many: a
 * backordered line's units arrive on the date by which the deliveries before it cover it.
 */
export async function arrivalsBy(db: SqlRunner, variantIds: readonly string[]): Promise<Map<string, { at: Date; quantity: number }[]>> {
  const out = new Map<string, { at: Date; quantity: number }[]>();
  if (!variantIds.length) return out;
  const rows = await db.execute(
    `SELECT pol.variant_id, COALESCE(pol.expected_at, po.expected_at) AS at, pol.quantity_ordered - pol.quantity_received AS quantity
     FROM purchase_order_line pol JOIN purchase_order po ON po.id = pol.purchase_order_id
     WHERE pol.variant_id IN (${variantIds.map(() => '?').join(', ')}) AND po.status IN (${OPEN.map(() => '?').join(', ')})
       AND pol.quantity_ordered > pol.quantity_received AND COALESCE(pol.expected_at, po.expected_at) IS NOT NULL`,
    [...variantIds, ...OPEN],
  );
  const dialect = dialectOf(db);
  for (const r of rows) {
    const list = out.get(r.variant_id as string) ?? out.set(r.variant_id as string, []).get(r.variant_id as string)!;
    list.push({ at: dialect.readDate(r.at), quantity: Number(r.quantity) });
  }
  for (const list of out.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
  return out;
}
