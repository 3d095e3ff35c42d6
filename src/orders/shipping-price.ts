// What the order's shipping costs: a flat method's price, or a carrier-rated method's live rate for the
// parcel the preferred location would pack (shipping/shipping-rates.ts). Asked before placeOrder's
// transaction: a carrier is a network call, never made while a pooled connection is held.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { packAt, preferredOrigin, unitsWeight } from '../inventory/parcel.js';
import type { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { ShippingRates, type MethodPrice, type RateRequest, type ShipAddress } from '../shipping/shipping-rates.js';
import type { AddressInput } from '../order-core/address.js';
import type { ProblemSink } from './order-problems.js';

/** The parcel of these units from the preferred location to the address; null when no location has an address. */
export async function rateRequestFor(em: Em, quantities: ReadonlyMap<string, number>, to: AddressInput): Promise<RateRequest | null> {
  const origin = await preferredOrigin(em);
  if (!origin) return null;
  const packed = packAt(origin, await unitsWeight(em, quantities));
  if (!packed.from) return null;
  return { from: packed.from, to: shipAddress(to), parcel: packed.parcel };
}

export const shipAddress = (a: AddressInput): ShipAddress => ({
  name: a.name, line1: a.line1, line2: a.line2 ?? null, city: a.city, region: a.region ?? null, postalCode: a.postalCode, countryCode: a.countryCode, phone: a.phone ?? null,
});

/**
 * The method's price for the request; a carrier-rated method without a rate (or whose carrier cannot be
 * asked) is a problem on `shippingMethodCode` and null. `request` is built once, on first need.
 */
export async function methodPrice(app: AppRuntime, method: ShippingMethod, request: () => Promise<RateRequest | null>, sink: ProblemSink): Promise<MethodPrice | null> {
  if (!method.carrierRated) return flatPrice(method);
  try {
    const priced = await app.service(ShippingRates).priceOf(method, await request());
    if (!priced) sink.add('shippingMethodCode', 'BAD_USER_INPUT', `${method.name} has no ${method.carrierCode} rate for this parcel and address.`);
    return priced;
  } catch (e) {
    sink.addError('shippingMethodCode', e);
    return null;
  }
}

/** A flat-rate method's price (what methodPrice gives it, without a promise). */
export const flatPrice = (method: ShippingMethod): MethodPrice => ({ price: method.price, minTransitDays: method.minTransitDays, maxTransitDays: method.maxTransitDays });

/** One lazily built request, shared by every method priced for the same order. */
export function lazyRequest(em: Em, quantities: ReadonlyMap<string, number>, to: AddressInput): () => Promise<RateRequest | null> {
  let built: Promise<RateRequest | null> | null = null;
  return () => (built ??= rateRequestFor(em, quantities, to));
}
