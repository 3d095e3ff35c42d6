// An order's addresses as plain SQL reads them, for the hot paths that read orders without the ORM (the
// automated walk's routing, the plain invoice): the columns of its shipping (`ship_`) or billing (`bill_`)
// address, and the address a row of them makes.
import type { Address } from './address.js';

const FIELDS = [
  ['name', 'name'], ['line1', 'line1'], ['line2', 'line2'], ['city', 'city'], ['region', 'region'],
  ['postalCode', 'postal_code'], ['countryCode', 'country_code'], ['phone', 'phone'],
] as const;

export type AddressPrefix = 'ship_' | 'bill_';

/** `o.ship_name AS ship_name, …` for a SELECT over `orders` aliased `alias`. */
export const addressColumns = (prefix: AddressPrefix, alias = 'o'): string => FIELDS.map(([, c]) => `${alias}.${prefix}${c} AS ${prefix}${c}`).join(', ');

/** The address in a row read with `addressColumns(prefix)`. */
export function addressOf(row: Record<string, any>, prefix: AddressPrefix): Address {
  const a: Record<string, unknown> = {};
  for (const [field, column] of FIELDS) a[field] = row[`${prefix}${column}`] ?? null;
  return a as unknown as Address;
}
