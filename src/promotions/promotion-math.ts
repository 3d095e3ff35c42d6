// What promotions take off an order, and which of them it gets: pure arithmetic in minor units (no
// database), so the pricing step, the quote and the property test share it. Discounts come off the total
// after tax: a line's value here is its total with tax, shipping's is the charge with its tax.
//
// Stacking: each exclusive promotion alone, against every combinable one together (highest priority
// first, each on what the earlier ones left). The order gets the larger of the best exclusive one and the
// combinables' sum (a tie goes to the combinables).
import { PromotionEffect } from './promotion.entity.js';

export interface MathLine {
  sku: string;
  quantity: number;
  /** The line's total with tax. */
  total: number;
}

/** The part of a promotion the arithmetic needs. */
export interface MathPromotion {
  id: string;
  effect: PromotionEffect;
  percent?: number | null;
  amount?: number | null;
  skus?: string[] | null;
  buyQuantity?: number | null;
  getQuantity?: number | null;
  combinable: boolean;
  priority: number;
}

export interface Given {
  promotionId: string;
  amount: number;
  /** Per SKU (product effects); [] for free shipping (it falls on shipping); undefined: on all goods. */
  lines?: { sku: string; amount: number }[];
}

/** What is left to discount as promotions apply one after another. */
interface Room {
  /** Per SKU: the line's value less what product promotions took off it. */
  line: Map<string, number>;
  goods: number;
  shipping: number;
}

const pct = (value: number, percent: number) => Math.round((value * percent) / 100);
/** Share of a total for some of its units, rounded half-up (as returns count a unit's share). */
const part = (total: number, units: number, of: number) => (of > 0 ? Math.round((total * units) / of) : 0);

/** What one promotion takes off, given what is left; the room is reduced by it. */
function giveOne(p: MathPromotion, lines: MathLine[], room: Room): Given {
  const chosen = new Set(p.skus ?? []);
  const perLine = (of: (l: MathLine) => number): Given => {
    const out: { sku: string; amount: number }[] = [];
    for (const l of lines) {
      if (!chosen.has(l.sku)) continue;
      const amount = Math.min(of(l), room.line.get(l.sku) ?? 0, room.goods);
      if (amount <= 0) continue;
      out.push({ sku: l.sku, amount });
      room.line.set(l.sku, room.line.get(l.sku)! - amount);
      room.goods -= amount;
    }
    return { promotionId: p.id, amount: out.reduce((s, x) => s + x.amount, 0), lines: out };
  };
  switch (p.effect) {
    case PromotionEffect.ORDER_PERCENT:
    case PromotionEffect.ORDER_AMOUNT: {
      const amount = Math.min(room.goods, p.effect === PromotionEffect.ORDER_PERCENT ? pct(room.goods, p.percent ?? 0) : p.amount ?? 0);
      room.goods -= amount;
      return { promotionId: p.id, amount };
    }
    case PromotionEffect.PRODUCTS_PERCENT:
      return perLine((l) => pct(l.total, p.percent ?? 0));
    case PromotionEffect.PRODUCTS_AMOUNT:
      return perLine((l) => Math.min(l.total, (p.amount ?? 0) * l.quantity));
    case PromotionEffect.BUY_X_GET_Y: {
      const taken = buyXGetY(p, lines);
      return perLine((l) => pct(part(l.total, taken.get(l.sku) ?? 0, l.quantity), p.percent ?? 100));
    }
    case PromotionEffect.FREE_SHIPPING: {
      const amount = room.shipping;
      room.shipping = 0;
      return { promotionId: p.id, amount, lines: [] };
    }
  }
}

/**
 * Buy X get Y: of the chosen SKUs' units, every (X + Y)-th group's Y cheapest units. Cheapest by unit
 * price (ties by SKU), taken from the cheapest lines first. Units per SKU.
 */
export function buyXGetY(p: Pick<MathPromotion, 'skus' | 'buyQuantity' | 'getQuantity'>, lines: MathLine[]): Map<string, number> {
  const chosen = new Set(p.skus ?? []);
  const x = p.buyQuantity ?? 0;
  const y = p.getQuantity ?? 0;
  const eligible = lines.filter((l) => chosen.has(l.sku) && l.quantity > 0)
    .sort((a, b) => a.total * b.quantity - b.total * a.quantity || (a.sku < b.sku ? -1 : 1));
  const units = eligible.reduce((s, l) => s + l.quantity, 0);
  let free = y > 0 ? Math.floor(units / (x + y)) * y : 0;
  const out = new Map<string, number>();
  for (const l of eligible) {
    if (free <= 0) break;
    const k = Math.min(free, l.quantity);
    out.set(l.sku, k);
    free -= k;
  }
  return out;
}

const freshRoom = (lines: MathLine[], shipping: number): Room => ({
  line: new Map(lines.map((l) => [l.sku, l.total])),
  goods: lines.reduce((s, l) => s + l.total, 0),
  shipping,
});

/** Combinables first by priority (highest first), then by id (time-ordered: the older first). */
export const byPriority = (a: MathPromotion, b: MathPromotion) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The promotions the order gets and what each takes off (none giving nothing). `shipping`: the shipping
 * charge with its tax. The amounts never add up to more than the goods plus shipping.
 */
export function choosePromotions(promotions: MathPromotion[], lines: MathLine[], shipping: number): Given[] {
  let best: Given[] = [];
  let bestTotal = 0;
  for (const p of promotions.filter((q) => !q.combinable)) {
    const g = giveOne(p, lines, freshRoom(lines, shipping));
    if (g.amount > bestTotal) {
      best = [g];
      bestTotal = g.amount;
    }
  }
  const room = freshRoom(lines, shipping);
  const combined = [...promotions].filter((q) => q.combinable).sort(byPriority)
    .map((p) => giveOne(p, lines, room)).filter((g) => g.amount > 0);
  const combinedTotal = combined.reduce((s, g) => s + g.amount, 0);
  return combinedTotal >= bestTotal && combinedTotal > 0 ? combined : best;
}

/** What one promotion alone would take off (0: nothing, e.g. none of its SKUs are in the cart). */
export function aloneAmount(p: MathPromotion, lines: MathLine[], shipping: number): number {
  return giveOne(p, lines, freshRoom(lines, shipping)).amount;
}
