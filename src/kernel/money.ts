// Money is an integer amount in minor units. Tax is a rate in basis points (19.5 % = 1950) so that
// every computation stays in integers; rounding is half-up on each line, and totals add rounded lines.

export const MAX_AMOUNT = 2_000_000_000; // stays inside a 32-bit signed column with room for sums

export function assertAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_AMOUNT) {
    throw new RangeError(`${what} must be a whole number of minor units between 0 and ${MAX_AMOUNT}`);
  }
}

export function percentToBasisPoints(percent: number): number {
  const bp = Math.round(percent * 100);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100 || Math.abs(bp - percent * 100) > 1e-6) {
    throw new RangeError('a tax rate is a percentage from 0 to 100 with at most two decimals');
  }
  return bp;
}

export function basisPointsToPercent(bp: number): number {
  return bp / 100;
}

/** Tax on a net amount, rounded half-up (amounts are never negative here). */
export function taxOf(net: number, basisPoints: number): number {
  return Math.floor((net * basisPoints + 5_000) / 10_000);
}

export interface PricedLine {
  unitPrice: number;
  quantity: number;
  net: number;
  tax: number;
  total: number;
}

export function priceLine(unitPrice: number, quantity: number, basisPoints: number): PricedLine {
  const net = unitPrice * quantity;
  const tax = taxOf(net, basisPoints);
  return { unitPrice, quantity, net, tax, total: net + tax };
}

export interface OrderTotals {
  subtotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
}

/** Shipping is taxed at the destination's rate like a line; the totals are sums of rounded parts. */
export function orderTotals(lines: PricedLine[], shippingPrice: number, basisPoints: number): OrderTotals {
  const subtotal = lines.reduce((s, l) => s + l.net, 0);
  const shippingTax = taxOf(shippingPrice, basisPoints);
  const taxTotal = lines.reduce((s, l) => s + l.tax, 0) + shippingTax;
  return { subtotal, shippingTotal: shippingPrice, taxTotal, total: subtotal + shippingPrice + taxTotal };
}
