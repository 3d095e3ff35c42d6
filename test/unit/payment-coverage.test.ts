// What an edit asks of an order's payments when its total changes (payments/payment-coverage.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { difference } from '../../src/payments/payment-coverage.js';

describe('the difference an edit settles', () => {
  it('charges the increase, refunds a decrease from captured money only', () => {
    expect(difference({ authorized: 0, capturedNet: 1000 }, 1000, 1500)).toEqual({ due: 500, refund: 0 });
    expect(difference({ authorized: 0, capturedNet: 1000 }, 1000, 700)).toEqual({ due: 0, refund: 300 });
    // Authorized, not captured: a lower total is simply captured less.
    expect(difference({ authorized: 1000, capturedNet: 0 }, 1000, 700)).toEqual({ due: 0, refund: 0 });
  });

  it('per shipment: a decrease comes off the authorization still open before any captured money', () => {
    // 50 captured for a shipment, 50 still authorized for the rest: the rest shrinks to 20, nothing is refunded.
    expect(difference({ authorized: 50, capturedNet: 50 }, 100, 70)).toEqual({ due: 0, refund: 0 });
    // Below what was captured: the excess comes back.
    expect(difference({ authorized: 50, capturedNet: 50 }, 100, 40)).toEqual({ due: 0, refund: 10 });
  });

  it('an authorization above the old total (units cancelled since) pays for an increase first', () => {
    expect(difference({ authorized: 1000, capturedNet: 0 }, 800, 900)).toEqual({ due: 0, refund: 0 });
    expect(difference({ authorized: 1000, capturedNet: 0 }, 800, 1200)).toEqual({ due: 200, refund: 0 });
  });

  it('a goodwill refund stays given: the buyer pays only the increase, and gets the whole decrease back', () => {
    expect(difference({ authorized: 0, capturedNet: 989 }, 1000, 1300)).toEqual({ due: 300, refund: 0 });
    expect(difference({ authorized: 0, capturedNet: 989 }, 1000, 800)).toEqual({ due: 0, refund: 200 });
  });

  it('never charges and refunds at once, never refunds more than captured, never charges more than the increase', () => {
    const amount = fc.integer({ min: 0, max: 100_000 });
    fc.assert(fc.property(amount, amount, amount, amount, (authorized, capturedNet, previous, total) => {
      const { due, refund } = difference({ authorized, capturedNet }, previous, total);
      expect(due === 0 || refund === 0).toBe(true);
      expect(refund).toBeLessThanOrEqual(capturedNet);
      expect(due).toBeLessThanOrEqual(Math.max(0, total - previous));
      expect(refund).toBeLessThanOrEqual(Math.max(0, previous - total));
      // Fully covered before: after the change, covered again.
      if (authorized + capturedNet === previous) expect(authorized + capturedNet + due - refund).toBeGreaterThanOrEqual(total);
    }));
  });
});
