// Reserving an order's lines where its sourcing says (placeOrder, importOrders, checkout holds): units a
// checkout hold already reserved first, then a pinned location (a pickup store) or the locations a
// sourcing strategy chose, and the rest as the strategy ranks the locations. Every unit through the stock
// ledger's conditional statements: a plan is only a preference, the database decides what is taken.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { release, reserve, reserveAt, reserveRanked, type Allocation, type ReservationResult } from '../inventory/stock-ledger.js';

export interface SourcingLine {
  variantId: string;
  sku: string;
  quantity: number;
  trackInventory: boolean;
  allowBackorder: boolean;
}

/** Where one order's lines are to be reserved. Null fields: no preference (the ledger's priority order). */
export interface LineSourcing {
  /** Units of the variant a checkout hold reserved already (consumed by this order). */
  held?: Allocation[];
  /** Only these locations may give units, in this order (a pickup store: exactly one). */
  only?: readonly string[] | null;
  /** Where the strategy planned the units (tried first, each all or nothing), then `ranking` for the rest. */
  planned?: Allocation[];
  /** Locations in the strategy's order of preference, for what the plan could not take. */
  ranking?: readonly string[] | null;
}

/**
 * Reserves one line: held units first (held beyond the line's quantity are released), then the plan,
 * then the ranking (or the ledger's own priority order); `missing` is what no allowed location had.
 */
export async function reserveLine(db: SqlRunner, line: SourcingLine, how: LineSourcing = {}): Promise<ReservationResult> {
  const taken = new Map<string, number>();
  const add = (locationId: string, q: number) => q > 0 && taken.set(locationId, (taken.get(locationId) ?? 0) + q);
  let remaining = line.quantity;

  const excess: Allocation[] = [];
  for (const h of how.held ?? []) {
    const use = Math.min(remaining, h.quantity);
    add(h.locationId, use);
    remaining -= use;
    if (h.quantity > use) excess.push({ locationId: h.locationId, quantity: h.quantity - use });
  }
  if (excess.length) await release(db, line.variantId, excess);

  const allowed = how.only ? new Set(how.only) : null;
  for (const p of how.planned ?? []) {
    if (remaining === 0) break;
    if (allowed && !allowed.has(p.locationId)) continue;
    const q = Math.min(remaining, p.quantity);
    if (await reserveAt(db, line.variantId, p.locationId, q)) {
      add(p.locationId, q);
      remaining -= q;
    }
  }
  if (remaining > 0) {
    const ranking = how.only ?? how.ranking;
    const r = ranking ? await reserveRanked(db, line.variantId, remaining, ranking) : await reserve(db, line.variantId, remaining);
    for (const a of r.allocations) add(a.locationId, a.quantity);
    remaining = r.missing;
  }
  return { allocations: [...taken].map(([locationId, quantity]) => ({ locationId, quantity })), missing: remaining };
}
