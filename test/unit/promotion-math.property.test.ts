// Promotions' arithmetic for random carts and promotions: what the order gets never exceeds its total,
// a discount's split over the lines adds up to it (free shipping: on no line, at most the shipping), no
// line is discounted beyond its value, and a return of every unit refunds at most what was paid.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { choosePromotions, type MathLine, type MathPromotion } from '../../src/promotions/promotion-math.js';
import { PromotionEffect } from '../../src/promotions/promotion.entity.js';
import { returnRefund } from '../../src/returns/return-refund.js';
import { ReturnReason } from '../../src/returns/return-status.js';

const SKUS = ['A', 'B', 'C', 'D'];

const cart = fc.uniqueArray(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 7 }), unit: fc.integer({ min: 1, max: 50_000 }) }), { selector: (l) => l.sku, minLength: 1, maxLength: 4 })
  .map((ls) => ls.map((l): MathLine => ({ sku: l.sku, quantity: l.quantity, total: l.unit * l.quantity })));

const promotion = fc.record({
  effect: fc.constantFrom(...Object.values(PromotionEffect)),
  percent: fc.integer({ min: 1, max: 100 }),
  amount: fc.integer({ min: 1, max: 200_000 }),
  skus: fc.subarray(SKUS, { minLength: 1 }),
  buyQuantity: fc.integer({ min: 1, max: 4 }),
  getQuantity: fc.integer({ min: 1, max: 3 }),
  combinable: fc.boolean(),
  priority: fc.integer({ min: -3, max: 3 }),
});

describe('promotion arithmetic (property)', () => {
  it('never gives more than the total, and splits add up', () => {
    fc.assert(fc.property(cart, fc.array(promotion, { maxLength: 6 }), fc.integer({ min: 0, max: 5_000 }), (lines, ps, shipping) => {
      const promotions: MathPromotion[] = ps.map((p, i) => ({ id: `prm_${String(i).padStart(3, '0')}`, ...p }));
      const given = choosePromotions(promotions, lines, shipping);
      const goods = lines.reduce((s, l) => s + l.total, 0);
      const total = given.reduce((s, g) => s + g.amount, 0);
      expect(total).toBeLessThanOrEqual(goods + shipping);
      const onLine = new Map<string, number>();
      let onShipping = 0;
      let general = 0;
      for (const g of given) {
        expect(Number.isSafeInteger(g.amount) && g.amount > 0).toBe(true);
        if (!g.lines) {
          general += g.amount;
          continue;
        }
        const split = g.lines.reduce((s, x) => s + x.amount, 0);
        if (g.lines.length) expect(split).toBe(g.amount);
        else onShipping += g.amount;
        for (const x of g.lines) onLine.set(x.sku, (onLine.get(x.sku) ?? 0) + x.amount);
      }
      expect(onShipping).toBeLessThanOrEqual(shipping);
      for (const l of lines) expect(onLine.get(l.sku) ?? 0).toBeLessThanOrEqual(l.total);
      expect(general + [...onLine.values()].reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(goods);

      // Every unit returned (the shop at fault, so shipping too): the refunds never exceed what was paid, and no line's refund is negative.
      const order = {
        total: goods + shipping - total, discountTotal: total,
        lines: lines.map((l, i) => ({ id: `l${i}`, sku: l.sku, quantity: l.quantity, lineTotal: l.total })),
        discounts: given.map((g) => ({ amount: g.amount, lines: g.lines ?? null })),
      };
      const each = order.lines.map((l) => returnRefund(order, [{ orderLineId: l.id, quantityReceived: l.quantity, reason: ReturnReason.CHANGED_MIND }], true).amount);
      for (const r of each) expect(r).toBeGreaterThanOrEqual(0);
      const all = returnRefund(order, order.lines.map((l) => ({ orderLineId: l.id, quantityReceived: l.quantity, reason: ReturnReason.DAMAGED })), false);
      expect(all.amount).toBe(order.total);
    }), { numRuns: 500 });
  });
});
