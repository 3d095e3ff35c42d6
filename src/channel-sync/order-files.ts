// The orders of a posted file, as importOrders takes them. JSON: an array of ImportOrderInput objects
// (or { orders: [...] }). CSV (RFC 4180, a header row): one row per order line; the rows of one order share
// its `external_id`, and the order's columns are read from its first row:
//   external_id, email, placed_at, currency, ship_name, ship_line1, ship_line2, ship_city, ship_region,
//   ship_postal_code, ship_country, ship_phone, shipping_method, shipping_total, shipping_tax,
//   discount_total, total, payment_reference, fulfilled_by_channel,
//   sku, quantity, unit_price, tax, name
// Amounts are integers in the minor unit of the channel's currency, as everywhere in Ordo.
import { parse } from 'csv-parse/sync';
import { badInput } from '../kernel/errors.js';
import type { ImportOrderInput } from '../order-import/import.inputs.js';

export function ordersOfFile(body: string, contentType: string): ImportOrderInput[] {
  if (/json/i.test(contentType) || /^\s*[[{]/.test(body)) return ordersOfJson(body);
  return ordersOfCsv(body);
}

function ordersOfJson(body: string): ImportOrderInput[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    throw badInput(`The file is not JSON: ${(e as Error).message}`, 'file');
  }
  const orders = Array.isArray(data) ? data : (data as { orders?: unknown })?.orders;
  if (!Array.isArray(orders)) throw badInput('A JSON file is an array of orders, or { "orders": [...] }.', 'file');
  return orders.map((o) => {
    if (!o || typeof o !== 'object') throw badInput('Each order of the file is an object.', 'file');
    const order = o as Record<string, unknown>;
    return { ...order, placedAt: typeof order.placedAt === 'string' ? new Date(order.placedAt) : order.placedAt } as unknown as ImportOrderInput;
  });
}

const int = (v: string | undefined, column: string, line: number): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw badInput(`Line ${line}: ${column} is "${v}", not a whole number (amounts are in minor units).`, `file.${column}`);
  return Number(v);
};
const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function ordersOfCsv(body: string): ImportOrderInput[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(body, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, bom: true, relax_column_count: false });
  } catch (e) {
    throw badInput(`The file is not a CSV file Ordo can read: ${(e as Error).message}`, 'file');
  }
  const missing = ['external_id', 'email', 'sku', 'quantity', 'unit_price', 'tax', 'total'].filter((c) => rows.length && !(c in rows[0]));
  if (missing.length) throw badInput(`The CSV file has no ${missing.join(', ')} column.`, 'file');
  const orders = new Map<string, ImportOrderInput>();
  rows.forEach((r, i) => {
    const line = i + 2;
    const id = text(r.external_id);
    if (!id) throw badInput(`Line ${line}: external_id is empty.`, 'file.external_id');
    let o = orders.get(id);
    if (!o) {
      o = {
        externalId: id, email: text(r.email) ?? '', placedAt: text(r.placed_at) ? new Date(r.placed_at) : undefined, currencyCode: text(r.currency),
        shippingAddress: {
          name: text(r.ship_name) ?? '', line1: text(r.ship_line1) ?? '', line2: text(r.ship_line2), city: text(r.ship_city) ?? '',
          region: text(r.ship_region), postalCode: text(r.ship_postal_code) ?? '', countryCode: text(r.ship_country) ?? '', phone: text(r.ship_phone),
        },
        shippingMethodCode: text(r.shipping_method), shippingTotal: int(r.shipping_total, 'shipping_total', line) ?? 0,
        shippingTax: int(r.shipping_tax, 'shipping_tax', line), discountTotal: int(r.discount_total, 'discount_total', line),
        total: int(r.total, 'total', line)!, paymentReference: text(r.payment_reference),
        fulfilledByChannel: /^(1|true|yes)$/i.test(r.fulfilled_by_channel ?? '') || undefined, lines: [],
      } as ImportOrderInput;
      orders.set(id, o);
    }
    o.lines.push({ sku: text(r.sku) ?? '', quantity: int(r.quantity, 'quantity', line)!, unitPrice: int(r.unit_price, 'unit_price', line)!, taxTotal: int(r.tax, 'tax', line)!, name: text(r.name) });
  });
  return [...orders.values()];
}
