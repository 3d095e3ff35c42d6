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

/**
 * The tax inside a gross amount (tax-inclusive prices): gross × rate / (1 + rate), rounded half-up, in
 * integers as gross × bp / (10 000 + bp). 119.00 at 19 % → 19.00; the net is what is left (docs/prices.md).
 */
export function taxIncluded(gross: number, basisPoints: number): number {
  const d = 10_000 + basisPoints;
  return Math.floor((2 * gross * basisPoints + d) / (2 * d));
}

/**
 * Whether prices are net with tax added (`false`, the default) or gross with tax taken out of them
 * (`true`: a channel with pricesIncludeTax). An order keeps the mode it was placed in.
 */
export type PricesIncludeTax = boolean;

export interface PricedLine {
  /** The unit price as listed: net, or gross when prices include tax. */
  unitPrice: number;
  quantity: number;
  net: number;
  tax: number;
  /** net + tax: what the buyer pays for the line. */
  total: number;
}

/** A line priced per line, not per unit: the tax of the whole line is rounded once, half-up. */
export function priceLine(unitPrice: number, quantity: number, basisPoints: number, inclusive: PricesIncludeTax = false): PricedLine {
  if (inclusive) {
    const gross = unitPrice * quantity;
    const tax = taxIncluded(gross, basisPoints);
    return { unitPrice, quantity, net: gross - tax, tax, total: gross };
  }
  const net = unitPrice * quantity;
  const tax = taxOf(net, basisPoints);
  return { unitPrice, quantity, net, tax, total: net + tax };
}

/** Net and tax of a shipping charge (the method's price: net, or gross when prices include tax). */
export function priceShipping(price: number, basisPoints: number, inclusive: PricesIncludeTax = false): { net: number; tax: number; total: number } {
  const p = priceLine(price, 1, basisPoints, inclusive);
  return { net: p.net, tax: p.tax, total: p.total };
}

export interface OrderTotals {
  /** The lines' net amounts. */
  subtotal: number;
  /** Shipping, net. */
  shippingTotal: number;
  taxTotal: number;
  total: number;
}

/**
 * Shipping is taxed at the destination's rate like a line; the totals are sums of rounded parts.
 * `shippingPrice` is as the method lists it (gross when `inclusive`); `shippingTotal` is always net, so
 * subtotal + shippingTotal + taxTotal = total in either mode.
 */
export function orderTotals(lines: PricedLine[], shippingPrice: number, basisPoints: number, inclusive: PricesIncludeTax = false): OrderTotals {
  const subtotal = lines.reduce((s, l) => s + l.net, 0);
  const shipping = priceShipping(shippingPrice, basisPoints, inclusive);
  const taxTotal = lines.reduce((s, l) => s + l.tax, 0) + shipping.tax;
  return { subtotal, shippingTotal: shipping.net, taxTotal, total: subtotal + shipping.net + taxTotal };
}

/**
 * What a placed order's shipping is listed at, for pricing it again (orderTotals' `shippingPrice`): its
 * net shippingTotal, or, when its prices include tax, the gross — net plus the tax its lines do not
 * account for (`lines`: all of the order's lines with their current tax).
 */
export function listedShipping(order: { shippingTotal: number; taxTotal: number; pricesIncludeTax?: boolean | null }, lines: readonly { taxTotal: number }[]): number {
  if (!order.pricesIncludeTax) return order.shippingTotal;
  return order.shippingTotal + order.taxTotal - lines.reduce((s, l) => s + l.taxTotal, 0);
}

// ---------------------------------------------------------------- currencies and formatting

// ISO 4217 minor units (the SIX "list one"), for the currencies whose exponent is not 2. A table rather
// than Intl: ICU/CLDR's digits are how amounts are usually *shown*, not the ISO minor unit the amounts
// are counted in, and they differ for some (Intl says 0 for IQD, IDR, HUF, IRR, AFN, LAK...; ISO says 3
// for IQD and 2 for the others). Amounts are integers of the ISO minor unit, so ISO decides.
const ISO_EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
  // "N.A." in ISO 4217 (no minor unit: metals, SDR, the testing and no-currency codes): the unit itself.
  XAG: 0, XAU: 0, XBA: 0, XBB: 0, XBC: 0, XBD: 0, XDR: 0, XPD: 0, XPT: 0, XSU: 0, XTS: 0, XUA: 0, XXX: 0,
};

/** How many decimals the minor unit of a currency has (ISO 4217): JPY 0, EUR 2, KWD 3; 2 for a code ISO does not list. */
export function currencyExponent(currencyCode: string): number {
  return ISO_EXPONENTS[currencyCode.toUpperCase()] ?? 2;
}

const formats = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(locale: string, code: string, digits: number): Intl.NumberFormat | null {
  const key = `${locale}|${code}`;
  let f = formats.get(key);
  if (f === undefined) {
    const options: Intl.NumberFormatOptions = { style: 'currency', currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits };
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      // An unknown locale falls back to English; a code Intl refuses (not three letters) to the plain form.
      try {
        f = new Intl.NumberFormat('en', options);
      } catch {
        f = null;
      }
    }
    if (formats.size > 1000) formats.clear(); // locales x currencies in use stay few; this only bounds a misuse
    formats.set(key, f);
  }
  return f;
}

/**
 * An amount in minor units as people read it, in the currency's own decimals: `¥1,200`, `€12.34`,
 * `KWD 1.250` (Intl puts a no-break space between a code and the number), `-€5.00`.
 */
export function formatMoney(amount: number, currencyCode: string, locale = 'en'): string {
  const code = currencyCode.toUpperCase();
  const digits = currencyExponent(code);
  const major = amount / 10 ** digits;
  const f = currencyFormat(locale, code, digits);
  return f ? f.format(major) : `${major.toFixed(digits)} ${code}`;
}

/** Half-up share of `part` of `whole` in `value` (all non-negative integers): a share of a line or a tax. */
export function proportional(value: number, part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.floor((2 * value * part + whole) / (2 * whole));
}
