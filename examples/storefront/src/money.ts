// The engine sends amounts as integers in the currency's minor unit (cents for EUR). One fixed locale so
// that a price reads the same in every browser (and in the end-to-end test, which compares the text).
const LOCALE = 'en-IE';
const formats = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number, currencyCode: string): string {
  let f = formats.get(currencyCode);
  if (!f) formats.set(currencyCode, (f = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: currencyCode })));
  return f.format(minor / 10 ** (f.resolvedOptions().maximumFractionDigits ?? 2));
}

export function formatDate(iso: string, withTime = false): string {
  return new Date(iso).toLocaleString(LOCALE, withTime
    ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' }
    : { weekday: 'short', day: 'numeric', month: 'short' });
}
