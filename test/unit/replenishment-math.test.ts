// Replenishment's arithmetic on fixed numbers: what a buyer would work out by hand.
import { describe, expect, it } from 'vitest';
import { dailyDemand, pointsFor, suggestedQuantity } from '../../src/replenishment/replenishment-math.js';

describe('replenishment arithmetic', () => {
  it('a SKU selling 10 a day with a 7-day lead time, 30 on hand and packs of 12: 16 packs', () => {
    // 300 shipped over the last 30 days: 10 a day.
    const demand = dailyDemand(300, 30);
    expect(demand).toBe(10);
    // 70 sell while the order is on its way; the order should then cover 14 more days.
    const points = pointsFor(demand, { leadTimeDays: 7, safetyDays: 0, coverDays: 14 });
    expect(points).toEqual({ reorderPoint: 70, target: 210 });
    // 210 − 30 = 180 units, in packs of 12: 15 packs make 180 exactly; with 29 on hand, 181 → 16 packs.
    expect(suggestedQuantity({ ...points, available: 30, incoming: 0, packSize: 12, minimumOrderQuantity: 0 })).toBe(180);
    expect(suggestedQuantity({ ...points, available: 29, incoming: 0, packSize: 12, minimumOrderQuantity: 0 })).toBe(192);
  });

  it('counts what is already on its way, and orders nothing above the reorder point', () => {
    const points = { reorderPoint: 70, target: 210 };
    expect(suggestedQuantity({ ...points, available: 30, incoming: 100, packSize: 1, minimumOrderQuantity: 0 })).toBe(0);
    expect(suggestedQuantity({ ...points, available: 30, incoming: 40, packSize: 1, minimumOrderQuantity: 0 })).toBe(140);
    expect(suggestedQuantity({ ...points, available: 71, incoming: 0, packSize: 1, minimumOrderQuantity: 0 })).toBe(0);
  });

  it('orders at least the minimum, in whole packs', () => {
    const points = { reorderPoint: 10, target: 15 };
    expect(suggestedQuantity({ ...points, available: 8, incoming: 0, packSize: 6, minimumOrderQuantity: 50 })).toBe(54);
    expect(suggestedQuantity({ ...points, available: 8, incoming: 0, packSize: 1, minimumOrderQuantity: 50 })).toBe(50);
  });

  it('rounds demand-derived points up, and a SKU that did not sell needs nothing', () => {
    expect(pointsFor(dailyDemand(10, 30), { leadTimeDays: 7, safetyDays: 2, coverDays: 14 })).toEqual({ reorderPoint: 3, target: 8 });
    expect(pointsFor(dailyDemand(0, 30), { leadTimeDays: 7, safetyDays: 2, coverDays: 14 })).toEqual({ reorderPoint: 0, target: 0 });
    expect(suggestedQuantity({ reorderPoint: 0, target: 0, available: 0, incoming: 0, packSize: 12, minimumOrderQuantity: 12 })).toBe(0);
  });
});
