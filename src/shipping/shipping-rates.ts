// Live carrier rates for carrier-rated shipping methods. A carrier provider that can quote registers its
// quoter here (fulfillment's CarrierService does it for every provider with `rates`), so quoteOrder and
// placeOrder, which sit above fulfillment, price a method without knowing carriers. A rate is kept for
// ORDO_RATE_CACHE_MS by parcel and address: the price a quote showed is the price placeOrder charges, and
// placement makes no network call when the buyer quoted first. A carrier that fails is not cached.
import { createHash } from 'node:crypto';
import type { AppRuntime } from '../kernel/runtime.js';
import { OrdoError } from '../kernel/errors.js';
import { TtlCache } from '../kernel/ttl-cache.js';
import type { ShippingMethod } from './shipping-method.entity.js';

export interface Parcel {
  lengthCm: number;
  widthCm: number;
  heightCm: number;
  /** Units and box together. */
  weightGrams: number;
}

export interface ShipAddress {
  name: string;
  company?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  countryCode: string;
  phone?: string | null;
}

export interface RateRequest {
  from: ShipAddress;
  to: ShipAddress;
  parcel: Parcel;
}

export interface CarrierRate {
  /** As the carrier names the service; a method's `serviceCode` picks one. */
  serviceCode: string;
  /** Minor units of currencyCode. */
  amount: number;
  currencyCode: string;
  minTransitDays?: number | null;
  maxTransitDays?: number | null;
}

export type RateQuoter = (req: RateRequest) => Promise<CarrierRate[]>;

export interface MethodPrice {
  price: number;
  minTransitDays: number;
  maxTransitDays: number;
}

export class ShippingRates {
  private readonly quoters = new Map<string, RateQuoter>();
  private readonly cache: TtlCache<CarrierRate[]>;

  constructor(app: AppRuntime) {
    this.cache = new TtlCache(app.config.rateCacheMs);
  }

  register(carrierCode: string, quoter: RateQuoter): void {
    this.quoters.set(carrierCode, quoter);
  }

  /** The carrier's rates for the parcel (cached); throws when the carrier cannot quote now. */
  async rates(carrierCode: string, req: RateRequest): Promise<CarrierRate[]> {
    const quoter = this.quoters.get(carrierCode);
    if (!quoter) throw new OrdoError('BAD_USER_INPUT', `Carrier "${carrierCode}" does not quote rates.`, { field: 'shippingMethodCode' });
    return this.cache.get(`${carrierCode}:${keyOf(req)}`, () => quoter(req));
  }

  /**
   * What a method costs for the parcel: its flat price, or the carrier's rate for its service (the cheapest
   * when it names none) in the method's currency plus the method's price as handling. Null when the carrier
   * has no such rate; throws (BAD_USER_INPUT on shippingMethodCode) when it cannot be asked.
   */
  async priceOf(method: ShippingMethod, req: RateRequest | null): Promise<MethodPrice | null> {
    const flat = { price: method.price, minTransitDays: method.minTransitDays, maxTransitDays: method.maxTransitDays };
    if (!method.carrierRated) return flat;
    if (!req) return null;
    let rates: CarrierRate[];
    try {
      rates = await this.rates(method.carrierCode, req);
    } catch (e) {
      if (e instanceof OrdoError) throw e;
      throw new OrdoError('BAD_USER_INPUT', `Carrier ${method.carrierCode} could not quote ${method.name} just now; try again or choose another shipping method.`, { field: 'shippingMethodCode' });
    }
    const rate = pick(rates.filter((r) => r.currencyCode === method.currencyCode), method.serviceCode);
    if (!rate) return null;
    return {
      price: rate.amount + method.price,
      minTransitDays: rate.minTransitDays ?? method.minTransitDays,
      maxTransitDays: rate.maxTransitDays ?? rate.minTransitDays ?? method.maxTransitDays,
    };
  }
}

function pick(rates: CarrierRate[], serviceCode: string | null | undefined): CarrierRate | null {
  if (serviceCode) return rates.find((r) => r.serviceCode.toLowerCase() === serviceCode.toLowerCase()) ?? null;
  return rates.reduce<CarrierRate | null>((best, r) => (!best || r.amount < best.amount ? r : best), null);
}

/** Same parcel, same addresses (the name on the label aside), same key. */
function keyOf(req: RateRequest): string {
  const place = (a: ShipAddress) => [a.line1, a.line2 ?? '', a.city, a.region ?? '', a.postalCode, a.countryCode];
  const p = req.parcel;
  return createHash('sha256').update(JSON.stringify([place(req.from), place(req.to), p.lengthCm, p.widthCm, p.heightCm, p.weightGrams])).digest('base64url');
}
