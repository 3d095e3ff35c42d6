import { describe, expect, it } from 'vitest';
import { orderTotals, percentToBasisPoints, priceLine, taxOf } from '../../src/kernel/money.js';

describe('money', () => {
  it('rounds tax half-up per line', () => {
    expect(taxOf(250, 1000)).toBe(25); // exact
    expect(taxOf(5, 1000)).toBe(1); // 0.5 -> 1
    expect(taxOf(4, 1250)).toBe(1); // 0.5 -> 1
    expect(taxOf(3, 1000)).toBe(0); // 0.3 -> 0
    expect(taxOf(8999 * 2, 1900)).toBe(3420); // 3419.62 -> 3420
    expect(taxOf(1999, 1900)).toBe(380); // 379.81 -> 380
  });

  it('sums rounded lines, not the rounded sum', () => {
    // Three lines of 0.05 at 10 %: each line's tax 0.005 rounds to 0.01; the sum of exact tax would round to 0.02.
    const lines = [priceLine(5, 1, 1000), priceLine(5, 1, 1000), priceLine(5, 1, 1000)];
    const t = orderTotals(lines, 0, 1000);
    expect(t.taxTotal).toBe(3);
    expect(t.total).toBe(15 + 3);
  });

  it('taxes shipping at the destination rate', () => {
    const t = orderTotals([priceLine(1000, 2, 1900)], 495, 1900);
    expect(t).toEqual({ subtotal: 2000, shippingTotal: 495, taxTotal: 380 + 94, total: 2000 + 495 + 474 });
  });

  it('keeps rates in basis points and refuses more than two decimals', () => {
    expect(percentToBasisPoints(19)).toBe(1900);
    expect(percentToBasisPoints(7.25)).toBe(725);
    expect(() => percentToBasisPoints(7.255)).toThrow();
    expect(() => percentToBasisPoints(101)).toThrow();
    expect(() => percentToBasisPoints(-1)).toThrow();
  });
});
