// The built-in sourcing strategies. `priority` is the ledger's own order (placement keeps its one-statement
// path for it); the others plan from the units each location has now.
import type { Allocation } from '../inventory/stock-ledger.js';
import type { SourcingContext, SourcingLocation, SourcingPlan, SourcingStrategy } from './strategy.js';

const ids = (ls: SourcingLocation[]) => ls.map((l) => l.id);

/**
 * Each line from the first location of `ranked` that has all of it, else split over them in that order
 * (what the ledger's priority order does, for any order of locations).
 */
export function lineByLine(ctx: SourcingContext, ranked: SourcingLocation[]): SourcingPlan {
  const lines = new Map<string, Allocation[]>();
  for (const line of ctx.lines) {
    const whole = ranked.find((l) => ctx.available(line.variantId, l.id) >= line.quantity);
    if (whole) {
      lines.set(line.variantId, [{ locationId: whole.id, quantity: line.quantity }]);
      continue;
    }
    const split: Allocation[] = [];
    let left = line.quantity;
    for (const l of ranked) {
      const take = Math.min(left, ctx.available(line.variantId, l.id));
      if (take > 0) split.push({ locationId: l.id, quantity: take });
      left -= take;
      if (left === 0) break;
    }
    lines.set(line.variantId, split);
  }
  return { lines, ranking: ids(ranked) };
}

export const priority: SourcingStrategy = {
  code: 'priority',
  description: "Each line from the location of lowest priority number that has it all, else split in priority order (the default).",
  plan: (ctx) => lineByLine(ctx, ctx.locations),
};

export const nearest: SourcingStrategy = {
  code: 'nearest',
  description: "Each line from the location nearest the buyer that has it all: the buyer's country and region first, then the region distance table, then priority.",
  plan: (ctx) => lineByLine(ctx, ctx.nearest()),
};

/** Locations by when they ship (earliest first), nearest first among equals. */
function byShipDate(ctx: SourcingContext): SourcingLocation[] {
  const near = new Map(ctx.nearest().map((l, i) => [l.id, i]));
  return [...ctx.locations].sort((a, b) => a.shipsAt.getTime() - b.shipsAt.getTime() || near.get(a.id)! - near.get(b.id)!);
}

export const earliestDelivery: SourcingStrategy = {
  code: 'earliest-delivery',
  description: 'Each line from the location that ships it first (its cut-off, working days and handling days), nearest first among equals.',
  plan: (ctx) => lineByLine(ctx, byShipDate(ctx)),
};

/**
 * One location when one can fill the whole order (the earliest to ship, then the nearest); else, greedily,
 * the location that can give the most of what is left, until nothing is left or nobody has more.
 */
export const fewestShipments: SourcingStrategy = {
  code: 'fewest-shipments',
  description: 'The order kept together at one location when one can fill it (the earliest to ship, then the nearest); split over as few locations as possible when none can.',
  plan(ctx) {
    const ranked = byShipDate(ctx);
    const left = new Map(ctx.lines.map((l) => [l.variantId, l.quantity]));
    const lines = new Map<string, Allocation[]>(ctx.lines.map((l) => [l.variantId, []]));
    const used = new Set<string>();
    while ([...left.values()].some((q) => q > 0)) {
      let best: SourcingLocation | null = null;
      let most = 0;
      for (const l of ranked) {
        if (used.has(l.id)) continue;
        let units = 0;
        for (const [v, q] of left) units += Math.min(q, ctx.available(v, l.id));
        if (units > most) [best, most] = [l, units];
      }
      if (!best) break;
      used.add(best.id);
      for (const [v, q] of left) {
        const take = Math.min(q, ctx.available(v, best.id));
        if (take <= 0) continue;
        lines.get(v)!.push({ locationId: best.id, quantity: take });
        left.set(v, q - take);
      }
    }
    return { lines, ranking: ids(ranked) };
  },
};

export const BUILT_IN_STRATEGIES: SourcingStrategy[] = [priority, nearest, earliestDelivery, fewestShipments];
