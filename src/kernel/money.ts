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
