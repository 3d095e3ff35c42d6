// Tax taken out of gross prices (tax-inclusive channels, docs/prices.md): per line, half-up, in integers.
// The property: net + tax = gross on every line, and the tax is within half a minor unit of the exact
// gross × rate / (1 + rate), a tie going up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exchangeDifference } from '../../src/returns/exchange-difference.js';
import { MAX_AMOUNT, listedShipping, orderTotals, priceLine, priceShipping, taxIncluded, taxOf } from '../../src/kernel/money.js';

describe('tax included in gross prices', () => {
  it("the issue's example: 119.00 at 19 % is 100.00 net and 19.00 tax", () => {
    expect(taxIncluded(11_900, 1_900)).toBe(1_900);
    expect(priceLine(11_900, 1, 1_900, true)).toEqual({ unitPrice: 11_900, quantity: 1, net: 10_000, tax: 1_900, total: 11_900 });
    // Exclusive prices are unchanged: 100.00 + 19 % = 119.00.
    expect(priceLine(10_000, 1, 1_900)).toEqual({ unitPrice: 10_000, quantity: 1, net: 10_000, tax: 1_900, total: 11_900 });
  });

  it('rounds each line once, half-up, not each unit', () => {
    // 3 × 0.05 gross at 19 %: 0.15 × 19/119 = 0.0239… → 0.02 (per unit it would be 3 × 0.01).
    expect(priceLine(5, 3, 1_900, true)).toMatchObject({ net: 13, tax: 2, total: 15 });
    // 3 × 9.99 = 29.97 gross: 4.7851… → 4.79 tax, 25.18 net.
    expect(priceLine(999, 3, 1_900, true)).toMatchObject({ net: 2_518, tax: 479, total: 2_997 });
    // 0.21 gross at 5 %: exactly 0.01.
    expect(taxIncluded(21, 500)).toBe(1);
    // 0.01 at 100 %: exactly 0.005 → 0.01 (half-up).
    expect(taxIncluded(1, 10_000)).toBe(1);
    // 0.03 at 100 %: 0.015 → 0.02.
    expect(taxIncluded(3, 10_000)).toBe(2);
  });

  it('shipping is taxed the same way, and an order adds rounded lines; subtotal and shipping are net', () => {
    const lines = [priceLine(999, 3, 1_900, true), priceLine(1, 1, 1_900, true), priceLine(5, 3, 1_900, true)];
    expect(priceShipping(595, 1_900, true)).toEqual({ net: 500, tax: 95, total: 595 });
    const t = orderTotals(lines, 595, 1_900, true);
    expect(t).toEqual({ subtotal: 2_518 + 1 + 13, shippingTotal: 500, taxTotal: 479 + 0 + 2 + 95, total: 2_997 + 1 + 15 + 595 });
    // The gross shipping comes back from an order's figures (cancellations and edits price it again).
    expect(listedShipping({ shippingTotal: t.shippingTotal, taxTotal: t.taxTotal, pricesIncludeTax: true }, lines.map((l) => ({ taxTotal: l.tax })))).toBe(595);
    expect(listedShipping({ shippingTotal: 495, taxTotal: 1_000, pricesIncludeTax: false }, [])).toBe(495);
  });

  it('property: net + tax = gross, tax within half a minor unit of gross × rate / (1 + rate), ties up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT }), fc.integer({ min: 0, max: 10_000 }), (gross, bp) => {
        const line = priceLine(gross, 1, bp, true);
        expect(line.net + line.tax).toBe(gross);
        expect(line.total).toBe(gross);
        expect(line.net).toBeGreaterThanOrEqual(0);
        // Exact value tax* = gross·bp / (10000 + bp); in integers: |2·tax·d − 2·gross·bp| ≤ d, and a tie
        // (2·gross·bp − (2·tax − 1)·d = 0) means tax is the upper neighbour.
        const d = BigInt(10_000 + bp);
        const twice = 2n * BigInt(gross) * BigInt(bp);
        const err = 2n * BigInt(line.tax) * d - twice;
        expect(err <= d && err >= -d).toBe(true);
        if (err === -d) throw new Error('a tie rounded down');
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: a gross price from a net one taxed exclusively gives the net back (to within a minor unit)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000 }), (net, bp) => {
        const gross = net + taxOf(net, bp);
        expect(Math.abs(priceLine(gross, 1, bp, true).net - net)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1_000 },
    );
  });

  it("an exchange in a tax-inclusive order: the new unit's gross price is not taxed again", () => {
    // Returned: 119.00 gross (100.00 + 19.00); the new variant 142.80 gross: 23.80 more = 20.00 + 3.80 tax.
    const order = { discountTotal: 0, taxBasisPoints: 1_900, lines: [{ id: 'l1', quantity: 1, unitPrice: 11_900, lineTotal: 11_900 }] };
    const inclusive = exchangeDifference({ ...order, pricesIncludeTax: true }, [{ orderLineId: 'l1', quantity: 1, newUnitPrice: 14_280 }]);
    expect(inclusive).toMatchObject({ difference: 2_380, charge: 2_380, units: [{ unitDifference: 2_380, unitCharge: { net: 2_000, tax: 380 } }] });
    // The same figures in an exclusive order would add 19 % to 142.80.
    expect(exchangeDifference(order, [{ orderLineId: 'l1', quantity: 1, newUnitPrice: 14_280 }]).difference).toBe(14_280 + 2_713 - 11_900);
  });
});
