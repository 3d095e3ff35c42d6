// Money arrives in minor units of its currency; Intl knows each currency's exponent (JPY 0, KWD 3).
const formats = new Map<string, Intl.NumberFormat>();

function format(currency: string): Intl.NumberFormat {
  let f = formats.get(currency);
  if (!f) formats.set(currency, (f = new Intl.NumberFormat('en-GB', { style: 'currency', currency })));
  return f;
}

/** Minor units as a number of major units (1999 EUR → 19.99, 500 JPY → 500). */
export const toMajor = (minor: number, currency: string) => minor / 10 ** (format(currency).resolvedOptions().maximumFractionDigits ?? 2);

export const formatMoney = (minor: number, currency: string) => format(currency).format(toMajor(minor, currency));

export const formatTime = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
