import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { percentToBasisPoints } from '../kernel/money.js';
import { TtlCache } from '../kernel/ttl-cache.js';
import { ShippingMethod, ShippingMethodKind } from './shipping-method.entity.js';
import { TaxRate } from './tax-rate.entity.js';
import type { CreateShippingMethodInput, SetTaxRateInput, UpdateShippingMethodInput } from './shipping.inputs.js';

/** No list, or an empty one, means every country; codes kept once each, sorted. */
const countryList = (codes: string[] | null | undefined): string[] | null => (codes?.length ? [...new Set(codes)].sort() : null);

const detached = <T extends object>(cls: new () => T, row: T | null): T | null => (row ? Object.assign(Object.create(cls.prototype), row) : null);

export class ShippingService {
  private methods: TtlCache<ShippingMethod | null>;
  private active: TtlCache<ShippingMethod[]>;
  private rates: TtlCache<{ bp: number }>;

  constructor(private readonly app: AppRuntime) {
    this.methods = new TtlCache(app.config.referenceCacheMs);
    this.active = new TtlCache(app.config.referenceCacheMs);
    this.rates = new TtlCache(app.config.referenceCacheMs);
  }

  async createMethod(em: Em, input: CreateShippingMethodInput): Promise<ShippingMethod> {
    if (input.maxTransitDays < input.minTransitDays) throw badInput('maxTransitDays must be at least minTransitDays.', 'maxTransitDays');
    // A collected order has no parcel to rate: its price is the method's own (often 0).
    if (input.kind === ShippingMethodKind.PICKUP && input.carrierRated) throw badInput('A PICKUP method is not carrier-rated: its price is its own.', 'carrierRated');
    const method = em.create(ShippingMethod, { ...input, countries: countryList(input.countries) });
    try {
      await em.persistAndFlush(method);
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new OrdoError('CONFLICT', `A shipping method with code "${input.code}" exists already.`);
      throw e;
    }
    this.clearCaches();
    return method;
  }

  async updateMethod(em: Em, code: string, input: UpdateShippingMethodInput): Promise<ShippingMethod> {
    const method = await em.findOne(ShippingMethod, { code });
    if (!method) throw badInput(`There is no shipping method with code "${code}".`, 'code');
    const { countries, ...rest } = input;
    for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) (method as any)[k] = v;
    if (countries !== undefined && countries !== null) method.countries = countryList(countries);
    if (method.maxTransitDays < method.minTransitDays) throw badInput('maxTransitDays must be at least minTransitDays.', 'input.maxTransitDays');
    if (method.kind === ShippingMethodKind.PICKUP && method.carrierRated) throw badInput('A PICKUP method is not carrier-rated: its price is its own.', 'input.carrierRated');
    await em.flush();
    this.clearCaches();
    return method;
  }

  /** Active methods, cheapest first; with a country, those that deliver there. */
  async methodsList(em: Em, countryCode?: string | null): Promise<ShippingMethod[]> {
    const all = await this.activeMethods(em);
    return countryCode ? all.filter((m) => m.serves(countryCode)) : all;
  }

  /** Cached for quotes: every active method, cheapest first. */
  activeMethods(em: Em): Promise<ShippingMethod[]> {
    return this.active.get('all', async () =>
      (await em.fork().find(ShippingMethod, { active: true }, { orderBy: { price: 'asc', code: 'asc' } })).map((m) => detached(ShippingMethod, m)!));
  }

  private clearCaches(): void {
    this.methods.clear();
    this.active.clear();
  }

  /** methodByCode's method when it is cached, else undefined (methodByCode reads it). */
  knownMethod(code: string): ShippingMethod | undefined {
    return this.methods.peek(code) ?? undefined;
  }

  /** basisPointsFor's rate when it is cached, else undefined (basisPointsFor reads it). */
  knownBasisPoints(countryCode: string): number | undefined {
    return this.rates.peek(countryCode)?.bp;
  }

  /** Cached for the order hot path; null when there is no active method with that code. */
  methodByCode(em: Em, code: string): Promise<ShippingMethod | null> {
    return this.methods.get(code, async () => detached(ShippingMethod, await em.fork().findOne(ShippingMethod, { code, active: true })));
  }

  async setTaxRate(em: Em, input: SetTaxRateInput): Promise<TaxRate> {
    let bp: number;
    try {
      bp = percentToBasisPoints(input.ratePercent);
    } catch (e) {
      throw badInput(`ratePercent: ${(e as Error).message}.`, 'ratePercent');
    }
    await em.upsert(TaxRate, { countryCode: input.countryCode, basisPoints: bp });
    this.rates.clear();
    return Object.assign(new TaxRate(), { countryCode: input.countryCode, basisPoints: bp });
  }

  taxRates(em: Em): Promise<TaxRate[]> {
    return em.find(TaxRate, {}, { orderBy: { countryCode: 'asc' } });
  }

  /** The destination's rate in basis points; 0 where none is set. */
  async basisPointsFor(em: Em, countryCode: string): Promise<number> {
    const r = await this.rates.get(countryCode, async () => {
      const row = await em.fork().findOne(TaxRate, { countryCode });
      return { bp: row?.basisPoints ?? 0 };
    });
    return r.bp;
  }
}
