// The money a return gives back, in minor units: units' shares of their lines, less their share of the
// discounts, plus shipping once when the shop was at fault.
import { describe, expect, it } from 'vitest';
import { returnRefund } from '../../src/returns/return-refund.js';
import { ReturnReason } from '../../src/returns/return-status.js';

// 2 × 50.00 and 1 × 30.00 (tax included) + 5.00 shipping = 135.00.
const order = { total: 13_500, discountTotal: 0, lines: [{ id: 'a', quantity: 2, lineTotal: 10_000 }, { id: 'b', quantity: 1, lineTotal: 3_000 }] };

describe('returnRefund', () => {
  it('gives each received unit its share of the line, and no shipping for a change of mind', () => {
    expect(returnRefund(order, [{ orderLineId: 'a', quantityReceived: 1, reason: ReturnReason.CHANGED_MIND }], false)).toEqual({ amount: 5_000, shipping: false });
    expect(returnRefund(order, [{ orderLineId: 'a', quantityReceived: 0, reason: ReturnReason.DAMAGED }], false)).toEqual({ amount: 0, shipping: false });
  });

  it('adds the shipping when the shop was at fault, once per order', () => {
    const damaged = [{ orderLineId: 'b', quantityReceived: 1, reason: ReturnReason.DAMAGED }];
    expect(returnRefund(order, damaged, false)).toEqual({ amount: 3_500, shipping: true });
    expect(returnRefund(order, damaged, true)).toEqual({ amount: 3_000, shipping: false });
  });

  it('takes off the units\' share of what discounts paid, and still refunds the whole shipping', () => {
    // 13.00 in points on the same goods: the order cost 122.00.
    const discounted = { ...order, total: 12_200, discountTotal: 1_300 };
    expect(returnRefund(discounted, [{ orderLineId: 'a', quantityReceived: 2, reason: ReturnReason.CHANGED_MIND }], false)).toEqual({ amount: 9_000, shipping: false });
    const all = [{ orderLineId: 'a', quantityReceived: 2, reason: ReturnReason.WRONG_ITEM }, { orderLineId: 'b', quantityReceived: 1, reason: ReturnReason.WRONG_ITEM }];
    // Everything back for the shop's mistake: exactly what was paid.
    expect(returnRefund(discounted, all, false)).toEqual({ amount: 12_200, shipping: true });
  });
});
