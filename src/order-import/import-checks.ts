// The checks of one imported order that need the catalog: every SKU known, the currency the channel's,
// the shipping method known, and the money adding up (lines, shipping and taxes less discounts = total).
// Each failure names its field in the batch (orders[3].lines[0].sku).
import { validate } from 'class-validator';
import { badInput } from '../kernel/errors.js';
import { validationProblems } from '../kernel/field-errors.js';
import { AddressInput } from '../order-core/address.js';
import { formatMoney } from '../kernel/money.js';
import type { Channel } from '../channels/channel.entity.js';
import type { ProductVariant } from '../catalog/variant.entity.js';
import type { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { ImportOrderInput, ImportOrderLineInput } from './import.inputs.js';

export interface ImportCatalog {
  variants: Map<string, ProductVariant>;
  methods: Map<string, ShippingMethod>;
}

export interface CheckedImport {
  lines: { v: ProductVariant; quantity: number; unitPrice: number; taxTotal: number; name: string }[];
  method: ShippingMethod | null;
  subtotal: number;
  taxTotal: number;
  shippingTax: number;
  discountTotal: number;
}

export function checkImport(input: ImportOrderInput, index: number, channel: Channel, catalog: ImportCatalog): CheckedImport {
  const at = (f: string) => `orders[${index}].${f}`;
  if (input.currencyCode && input.currencyCode !== channel.currencyCode) {
    throw badInput(`The order is in ${input.currencyCode}; channel ${channel.code} sells in ${channel.currencyCode}.`, at('currencyCode'));
  }
  const seen = new Set<string>();
  const lines = input.lines.map((l, j) => {
    const v = catalog.variants.get(l.sku);
    if (!v) throw badInput(`There is no product variant with SKU "${l.sku}".`, at(`lines[${j}].sku`));
    if (seen.has(l.sku)) throw badInput(`SKU "${l.sku}" is on two lines: send one line with the whole quantity.`, at(`lines[${j}].sku`));
    seen.add(l.sku);
    return { v, quantity: l.quantity, unitPrice: l.unitPrice, taxTotal: l.taxTotal, name: l.name ?? v.name };
  });
  const method = input.shippingMethodCode ? catalog.methods.get(input.shippingMethodCode) ?? null : null;
  if (input.shippingMethodCode && !method) throw badInput(`There is no shipping method with code "${input.shippingMethodCode}".`, at('shippingMethodCode'));
  const subtotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const shippingTax = input.shippingTax ?? 0;
  const taxTotal = lines.reduce((s, l) => s + l.taxTotal, 0) + shippingTax;
  const discountTotal = input.discountTotal ?? 0;
  const expected = subtotal + input.shippingTotal + taxTotal - discountTotal;
  if (expected !== input.total) {
    const c = channel.currencyCode;
    throw badInput(
      `total is ${formatMoney(input.total, c)} but the lines (${formatMoney(subtotal, c)}), shipping (${formatMoney(input.shippingTotal, c)}) and taxes (${formatMoney(taxTotal, c)}) less discounts (${formatMoney(discountTotal, c)}) make ${formatMoney(expected, c)}.`,
      at('total'),
    );
  }
  if (!Number.isSafeInteger(expected) || expected < 0) throw badInput('The order\'s amounts are out of range.', at('total'));
  return { lines, method, subtotal, taxTotal, shippingTax, discountTotal };
}

/**
 * The shape checks GraphQL makes of its arguments, made again for orders that did not come through
 * GraphQL (a connector's pull): a malformed order from a channel is a per-order BAD_USER_INPUT.
 */
export async function checkShape(input: ImportOrderInput, index: number): Promise<void> {
  const o = Object.assign(new ImportOrderInput(), input, {
    lines: Array.isArray(input.lines) ? input.lines.map((l) => Object.assign(new ImportOrderLineInput(), l)) : input.lines,
    shippingAddress: input.shippingAddress && Object.assign(new AddressInput(), input.shippingAddress),
    billingAddress: input.billingAddress ? Object.assign(new AddressInput(), input.billingAddress) : undefined,
  });
  const problems = validationProblems(await validate(o, { forbidUnknownValues: false, skipUndefinedProperties: true }), `orders[${index}]`) ?? [];
  // Optional fields are skipped when missing (as GraphQL leaves them out); the required ones are not.
  const missing = (obj: object | undefined, keys: string[], at: string) => {
    for (const k of keys) if ((obj as Record<string, unknown> | undefined)?.[k] === undefined || (obj as Record<string, unknown>)[k] === null) problems.push({ path: `${at}.${k}`, message: `${k} is required` });
  };
  missing(o, ['externalId', 'email', 'lines', 'shippingAddress', 'shippingTotal', 'total'], `orders[${index}]`);
  missing(o.shippingAddress, ['name', 'line1', 'city', 'postalCode', 'countryCode'], `orders[${index}].shippingAddress`);
  if (o.billingAddress) missing(o.billingAddress, ['name', 'line1', 'city', 'postalCode', 'countryCode'], `orders[${index}].billingAddress`);
  (Array.isArray(o.lines) ? o.lines : []).forEach((l, j) => missing(l, ['sku', 'quantity', 'unitPrice', 'taxTotal'], `orders[${index}].lines[${j}]`));
  if (problems.length) throw badInput(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems[0].path);
  const money = ['shippingTotal', 'shippingTax', 'discountTotal', 'total'] as const;
  for (const k of money) if (o[k] !== undefined && o[k] !== null && !Number.isSafeInteger(o[k])) problems.push({ path: `orders[${index}].${k}`, message: `${k} is an integer amount in the minor unit` });
  (o.lines ?? []).forEach((l, j) => {
    for (const k of ['unitPrice', 'taxTotal'] as const) if (!Number.isSafeInteger(l[k])) problems.push({ path: `orders[${index}].lines[${j}].${k}`, message: `${k} is an integer amount in the minor unit` });
  });
  if (problems.length) throw badInput(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems[0].path);
}
