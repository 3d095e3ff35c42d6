// The carrier providers this engine knows, by code. `sim` is always there; a plugin registers its own from
// onStart (registering a code again replaces the provider, so a plugin may also replace `sim`).
import type { AppRuntime } from '../../kernel/runtime.js';
import { OrdoError } from '../../kernel/errors.js';
import type { CarrierProvider } from './carrier.js';
import { SimCarrier } from './sim-carrier.js';
import { ShippingRates } from '../../shipping/shipping-rates.js';

export class CarrierService {
  private readonly providers = new Map<string, CarrierProvider>();

  constructor(private readonly app: AppRuntime) {
    this.register(new SimCarrier());
  }

  /** A provider that quotes rates is also registered with ShippingRates, for carrier-rated methods. */
  register(provider: CarrierProvider): void {
    if (!/^[a-z][a-z0-9-]*$/.test(provider.code)) throw new Error(`carrier code "${provider.code}" must be lower-case kebab`);
    this.providers.set(provider.code, provider);
    if (provider.rates) this.app.service(ShippingRates).register(provider.code, (req) => provider.rates!(req));
  }

  get(code: string): CarrierProvider {
    const provider = this.providers.get(code);
    if (!provider) {
      throw new OrdoError('BAD_USER_INPUT', `Unknown carrier "${code}". Known carriers: ${this.codes().join(', ')}.`, { field: 'carrier' });
    }
    return provider;
  }

  codes(): string[] {
    return [...this.providers.keys()].sort();
  }
}
