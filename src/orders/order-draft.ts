// The part of an order request that placeOrder and quoteOrder share, so that a quote is priced by the
// very code that charges: the checks of the request (channel, payment method, shipping method and the
// country it serves, discount kinds) and the pricing of its lines (the channel's prices, else catalog
// prices; destination tax, added to net prices or taken out of gross ones; shipping). Problems go to a ProblemSink: placeOrder's throws the first, quoteOrder's collects them.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { orderTotals, priceLine, type OrderTotals, type PricedLine } from '../kernel/money.js';
import { ChannelService } from '../channels/channel.service.js';
import type { Channel } from '../channels/channel.entity.js';
import { ShippingService } from '../shipping/shipping.service.js';
import type { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { PaymentService } from '../payments/payment.service.js';
import type { PaymentProvider } from '../payments/payment-provider.js';
import { MAX_LINE_QUANTITY, type PlaceOrderInput } from './order.inputs.js';
import { planDiscounts, type PlannedStep } from './order-pricing.js';
import type { ProblemSink } from './order-problems.js';
import { flatPrice, lazyRequest, methodPrice } from './shipping-price.js';
import { asksForPickup, pickupOf, type Pickup } from './pickup.js';
import type { MethodPrice } from '../shipping/shipping-rates.js';
import { epochOf } from '../catalog/preorder.js';

export interface OrderRequest {
  email: string;
  /** Quantities by SKU, in the order the SKUs first appear (lines of one SKU are merged). */
  quantities: Map<string, number>;
  /** The input line each SKU first appears on, for problem paths. */
  lineOf: Map<string, number>;
  channel: Channel;
  provider: PaymentProvider | null;
  method: ShippingMethod | null;
  /** The method's price and transit days for this order (a carrier-rated method's live rate). */
  shipping: MethodPrice | null;
  discounts: PlannedStep[];
  /** The destination's tax rate in basis points. */
  bp: number;
  /** Click & collect: the store and the order's addresses (pickup.ts); null for a delivery. */
  pickup: Pickup | null;
}

export interface VariantRow {
  id: string;
  sku: string;
  name: string;
  price: number;
  currencyCode: string;
  trackInventory: boolean;
  allowBackorder: boolean;
  /** Not archived (archiving a product archives its variants). */
  sellable: boolean;
  /** Preorder terms (catalog/preorder.ts: `isPreorder`) and the units preordered so far. */
  releaseAt: number | null;
  preorderLimit: number | null;
  preordered: number;
}

export interface DraftLine {
  v: VariantRow;
  p: PricedLine;
}

export interface PricedDraft {
  /** Lines that can be priced, in SKU order of the request. */
  lines: DraftLine[];
  totals: OrderTotals;
}

/** Checks what can be checked without the catalog: the channel (an unknown one is an error even for a quote). */
export async function checkRequest(app: AppRuntime, em: Em, input: PlaceOrderInput, sink: ProblemSink): Promise<OrderRequest> {
  const email = input.email.trim().toLowerCase();
  const { quantities, lineOf } = mergeLines(input.lines, sink);
  // Reference data comes from the services' caches without a promise when it is there (`known…`): each
  // promise costs a request on Node 20 the request scope's async hooks too.
  const channels = app.service(ChannelService);
  const channel = channels.known(input.channelCode) ?? (await channels.byCode(em, input.channelCode));

  let provider: PaymentProvider | null = null;
  try {
    provider = app.service(PaymentService).provider(input.payment.method);
    provider.validate?.(input.payment);
  } catch (e) {
    provider = null;
    sink.addError(fieldOf(e) ?? 'payment', e);
  }

  const shippingService = app.service(ShippingService);
  const method = shippingService.knownMethod(input.shippingMethodCode) ?? (await shippingService.methodByCode(em, input.shippingMethodCode));
  // Click & collect: the order goes to the store (served, taxed and rated there), never to the buyer's address.
  const pickup = asksForPickup(input, method) ? await pickupOf(em, input, method, sink) : null;
  const to = pickup?.shipTo ?? input.shippingAddress;
  const country = to.countryCode;
  if (!method) {
    sink.add('shippingMethodCode', 'BAD_USER_INPUT', `There is no shipping method with code "${input.shippingMethodCode}".`);
  } else if (method.currencyCode !== channel.currencyCode) {
    sink.add('shippingMethodCode', 'BAD_USER_INPUT', `Shipping method ${method.code} is priced in ${method.currencyCode}, the channel sells in ${channel.currencyCode}.`);
  } else if (!method.serves(country)) {
    sink.add('shippingMethodCode', 'BAD_USER_INPUT', `Shipping method ${method.code} does not deliver to ${country}.`);
  }
  let usable = method && method.currencyCode === channel.currencyCode && method.serves(country) ? method : null;
  const shipping = !usable ? null : usable.carrierRated ? await methodPrice(app, usable, lazyRequest(em, quantities, to), sink) : flatPrice(usable);
  if (!shipping) usable = null;

  const discounts = planDiscounts(app, input.discounts, sink);
  // Read here, before placeOrder holds a pooled connection for its transaction (this read takes its own).
  const bp = shippingService.knownBasisPoints(country) ?? (await shippingService.basisPointsFor(em, country));
  return { email, quantities, lineOf, channel, provider, method: usable, shipping, discounts, bp, pickup };
}

/**
 * Unit prices staff set instead of the catalog's, by SKU (draft orders). Only staff code paths pass them
 * (completeDraftOrder, a draft's quote): PlaceOrderInput has no way to set a price.
 */
export type PriceOverrides = ReadonlyMap<string, number>;

/** Reads the lines' variants (one statement, on `db`: placeOrder's own connection) and prices them with the destination's tax. */
export async function priceRequest(db: SqlRunner, req: OrderRequest, sink: ProblemSink, overrides?: PriceOverrides): Promise<PricedDraft> {
  const skus = [...req.quantities.keys()];
  const variants: VariantRow[] = skus.length ? (await db.execute(VARIANTS(skus.length), [req.channel.id, ...skus])).map(toVariant) : [];
  return priceVariants(variants, req, sink, overrides);
}

/** Prices the request's lines from their variants as read (priceRequest; placeOrder's one-line path reads them with its reservation). */
export function priceVariants(variants: VariantRow[], req: OrderRequest, sink: ProblemSink, overrides?: PriceOverrides): PricedDraft {
  const { bp } = req;
  // A tax-inclusive channel's prices are gross: tax is taken out of each line (docs/prices.md).
  const inclusive = req.channel.pricesIncludeTax;
  const skus = [...req.quantities.keys()];
  const bySku = new Map(variants.map((v) => [v.sku, v]));
  const lines: DraftLine[] = [];
  for (const sku of skus) {
    const v = bySku.get(sku);
    const at = `lines[${req.lineOf.get(sku)}].sku`;
    if (!v) sink.add(at, 'BAD_USER_INPUT', `Unknown SKU: ${sku}.`, { reason: 'SKU_UNKNOWN' });
    // Archived: no longer sold, but still on the orders that have it.
    else if (!v.sellable) sink.add(at, 'BAD_USER_INPUT', `SKU ${sku} is archived and no longer sold.`, { reason: 'SKU_ARCHIVED' });
    else if (v.currencyCode !== req.channel.currencyCode) sink.add(at, 'BAD_USER_INPUT', `SKU ${sku} is not sold in ${req.channel.currencyCode}.`);
    else lines.push({ v, p: priceLine(overrides?.get(sku) ?? v.price, req.quantities.get(sku)!, bp, inclusive) });
  }
  const totals = orderTotals(lines.map((l) => l.p), req.shipping?.price ?? 0, bp, inclusive);
  return { lines, totals };
}

/**
 * The variants of `n` SKUs with their price in a channel, as priceRequest reads them (`toVariant` shapes a
 * row). Parameters: the channel's id, then the SKUs. A variant's own price in the channel (prices/, in the
 * channel's currency) comes before its catalog price; without one, the catalog price and currency, which
 * priceVariants refuses when they are not the channel's.
 */
export const VARIANTS = (n: number) =>
  `SELECT pv.id, pv.sku, pv.name, COALESCE(vp.price, pv.price) AS price, COALESCE(vp.currency_code, pv.currency_code) AS currency_code,
  pv.track_inventory, pv.allow_backorder, CASE WHEN pv.active = true THEN 1 ELSE 0 END AS sellable,
  pv.release_date, pv.preorder_limit, pv.preordered
FROM product_variant pv LEFT JOIN variant_price vp ON vp.variant_id = pv.id AND vp.channel_id = ?
WHERE pv.sku IN (${Array(n).fill('?').join(', ')})`;

/** SQLite answers booleans as 0/1. */
export const toVariant = (r: any): VariantRow => ({
  id: r.id, sku: r.sku, name: r.name, price: Number(r.price), currencyCode: r.currency_code,
  trackInventory: !!Number(r.track_inventory === true ? 1 : r.track_inventory), allowBackorder: !!Number(r.allow_backorder === true ? 1 : r.allow_backorder),
  sellable: Number(r.sellable) === 1,
  releaseAt: epochOf(r.release_date), preorderLimit: r.preorder_limit === null || r.preorder_limit === undefined ? null : Number(r.preorder_limit), preordered: Number(r.preordered ?? 0),
});

/** Two lines of one SKU become one line; the sum must stay within the per-line bound. */
function mergeLines(lines: { sku: string; quantity: number }[], sink: ProblemSink) {
  const quantities = new Map<string, number>();
  const lineOf = new Map<string, number>();
  lines.forEach((l, i) => {
    const sku = l.sku.trim();
    if (!Number.isInteger(l.quantity) || l.quantity < 1) return sink.add(`lines[${i}].quantity`, 'BAD_USER_INPUT', 'quantity must be at least 1.');
    const sum = (quantities.get(sku) ?? 0) + l.quantity;
    if (sum > MAX_LINE_QUANTITY) return sink.add(`lines[${i}].quantity`, 'BAD_USER_INPUT', `quantity of ${sku} must be at most ${MAX_LINE_QUANTITY}.`);
    if (!lineOf.has(sku)) lineOf.set(sku, i);
    quantities.set(sku, sum);
  });
  return { quantities, lineOf };
}

/** The input path an OrdoError names (`payment.method`), without the argument's name. */
function fieldOf(e: unknown): string | undefined {
  const f = (e as { extensions?: { field?: unknown } })?.extensions?.field;
  return typeof f === 'string' ? f.replace(/^input\./, '') : undefined;
}
