// The arithmetic of replenishment, apart from the database so it can be checked on fixed numbers:
//   daily demand   = units shipped from the location in the last N days / N (the stock ledger's SHIPPED movements)
//   reorder point  = demand × (supplier's lead time + safety days): what sells while an order is on its way
//   target         = reorder point + demand × cover days: what a delivery should bring the stock up to
//   suggestion     = target − (available + incoming), when available + incoming is at or below the reorder
//                    point; rounded up to whole packs, and at least the supplier's minimum order quantity.
// Units are whole: demand-derived points round up (a shortfall costs more than a unit too many).

export interface DemandSettings {
  /** The days of history demand is read from (N). */
  windowDays: number;
  leadTimeDays: number;
  /** Days of demand kept in hand on top of the lead time, for demand above the average. */
  safetyDays: number;
  /** Days of demand an order should cover once it arrives. */
  coverDays: number;
}

export interface Point {
  reorderPoint: number;
  target: number;
}

/** Units a day, from the units shipped in the window. */
export const dailyDemand = (shippedInWindow: number, windowDays: number): number => (windowDays > 0 ? Math.max(0, shippedInWindow) / windowDays : 0);

/** The reorder point and target for a daily demand (whole units, rounded up). */
export function pointsFor(demandPerDay: number, s: Pick<DemandSettings, 'leadTimeDays' | 'safetyDays' | 'coverDays'>): Point {
  const reorderPoint = wholeUp(demandPerDay * (s.leadTimeDays + s.safetyDays));
  return { reorderPoint, target: reorderPoint + wholeUp(demandPerDay * s.coverDays) };
}

/** Up to a whole unit, forgiving the last bits of floating point (10 × 7.0000000001 is 70). */
const wholeUp = (x: number) => Math.max(0, Math.ceil(x - 1e-9));

export interface SuggestionInput extends Point {
  /** On hand less reserved at the location now. */
  available: number;
  /** Ordered from suppliers for the location and not received yet. */
  incoming: number;
  packSize: number;
  minimumOrderQuantity: number;
}

/** Units to order now (0: none needed): up to the target, in whole packs, never under the minimum. */
export function suggestedQuantity(i: SuggestionInput): number {
  const position = i.available + i.incoming;
  if (position > i.reorderPoint || i.target <= position) return 0;
  const pack = Math.max(1, i.packSize);
  let quantity = Math.ceil((i.target - position) / pack) * pack;
  if (quantity < i.minimumOrderQuantity) quantity = Math.ceil(i.minimumOrderQuantity / pack) * pack;
  return quantity;
}
