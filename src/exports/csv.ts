// CSV text (RFC 4180: comma-separated, CRLF between rows, a cell quoted when it holds a comma, a quote or a
// line break, quotes doubled) with a guard against formula injection: a spreadsheet runs a cell that
// starts with = + - @ (or a tab or carriage return) as a formula, so such a text cell gets a leading
// apostrophe. Only text that came from people (emails, notes, SKUs, references) is guarded: the numbers
// the export writes itself (a negative quantity) stay numbers.

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as typed by someone: guarded, then quoted as needed. Null and undefined are empty. */
export function text(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const v = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A cell the export made itself (numbers, ISO dates, enum values): written as it is. */
export function raw(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** One row, CRLF-terminated; the cells are already text()/raw() output. */
export function row(cells: string[]): string {
  return `${cells.join(',')}\r\n`;
}

/** A header row (plain names, nothing to guard). */
export function header(names: readonly string[]): string {
  return row(names.map((n) => text(n)));
}

/**
 * An amount in minor units as a decimal string in the currency's exponent: 1234 EUR (2) → "12.34",
 * 1200 JPY (0) → "1200", 1250 KWD (3) → "1.250", -5 EUR → "-0.05". Integers only: no float rounding.
 */
export function decimal(minor: number | string | bigint, exponent: number): string {
  const n = BigInt(minor);
  const sign = n < 0n ? '-' : '';
  const digits = (n < 0n ? -n : n).toString();
  if (exponent <= 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}
