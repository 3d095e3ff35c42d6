// An exchange's price difference in minor units: per unit as the order paid it (tax included, less the
// discounts' share) against the new variant at the order's tax rate; cheaper lines pay for pricier ones
// before anything is refunded.
import { describe, expect, it } from 'vitest';
import { exchangeDifference } from '../../src/returns/exchange-difference.js';

// 19 %: 2 × 10.00 (23.80) and 1 × 20.00 (23.80).
const lines = [{ id: 'a', quantity: 2, unitPrice: 1_000, lineTotal: 2_380 }, { id: 'b', quantity: 1, unitPrice: 2_000, lineTotal: 2_380 }];
const order = { discountTotal: 0, taxBasisPoints: 1_900, lines };

describe('exchangeDifference', () => {
  it('refunds a cheaper variant and charges a pricier one, per unit with tax', () => {
    expect(exchangeDifference(order, [{ orderLineId: 'a', quantity: 2, newUnitPrice: 800 }])).toMatchObject({ difference: -476, charge: 0, credit: 0, refund: 476 });
    expect(exchangeDifference(order, [{ orderLineId: 'b', quantity: 1, newUnitPrice: 2_500 }])).toEqual({
      units: [{ orderLineId: 'b', unitDifference: 595, unitCharge: { net: 500, tax: 95 } }], difference: 595, charge: 595, credit: 0, refund: 0,
    });
  });

  it('costs nothing for a variant of the same price, whatever the rounding of the line', () => {
    const odd = { discountTotal: 0, taxBasisPoints: 1_900, lines: [{ id: 'c', quantity: 3, unitPrice: 999, lineTotal: 3_566 }] };
    expect(exchangeDifference(odd, [{ orderLineId: 'c', quantity: 3, newUnitPrice: 999 }])).toMatchObject({ difference: 0, charge: 0, refund: 0 });
  });

  it('gives the new unit the same share of the discounts as the returned one', () => {
    const discounted = { ...order, discountTotal: 476 }; // 10 % off the goods
    // 9.52 less 0.95 against 11.90 less 1.19.
    expect(exchangeDifference(discounted, [{ orderLineId: 'a', quantity: 1, newUnitPrice: 800 }])).toMatchObject({ difference: -214, refund: 214 });
    expect(exchangeDifference(discounted, [{ orderLineId: 'b', quantity: 1, newUnitPrice: 2_000 }]).difference).toBe(0);
  });

  it('lets cheaper lines pay for pricier ones before anything is refunded', () => {
    const both = exchangeDifference(order, [{ orderLineId: 'a', quantity: 2, newUnitPrice: 800 }, { orderLineId: 'b', quantity: 1, newUnitPrice: 2_500 }]);
    expect(both).toMatchObject({ difference: 119, charge: 595, credit: 476, refund: 0 });
  });
});
