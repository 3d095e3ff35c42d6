// A small shop set up through the admin API, the way a back office would.
import type { TestEngine } from './engine.js';
import { ok } from './gql.js';

export const ADDRESS = { name: 'Jane Doe', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' };

export interface ShopSetup {
  locations?: { code: string; priority: number; autoFulfill?: boolean }[];
  variants: { sku: string; price: number; allowBackorder?: boolean; trackInventory?: boolean; weightGrams?: number; stock?: Record<string, number> }[];
  taxPercent?: number;
  shippingPrice?: number;
}

export async function setupShop(t: TestEngine, s: ShopSetup): Promise<void> {
  for (const l of s.locations ?? [{ code: 'wh-a', priority: 10 }]) {
    ok(await t.admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, {
      i: { code: l.code, name: `Location ${l.code}`, kind: 'WAREHOUSE', countryCode: 'DE', priority: l.priority, autoFulfill: l.autoFulfill ?? false },
    }));
  }
  ok(await t.admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
    i: {
      name: 'Test product',
      variants: s.variants.map((v) => ({ sku: v.sku, name: `Variant ${v.sku}`, price: v.price, currencyCode: 'EUR', allowBackorder: v.allowBackorder ?? false, trackInventory: v.trackInventory ?? true, weightGrams: v.weightGrams })),
    },
  }));
  for (const v of s.variants) {
    for (const [locationCode, delta] of Object.entries(v.stock ?? {})) {
      ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: v.sku, locationCode, delta, reason: 'RECEIVED' } }));
    }
  }
  ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
    i: { code: 'standard', name: 'Standard', carrierCode: 'sim', price: s.shippingPrice ?? 495, currencyCode: 'EUR', minTransitDays: 2, maxTransitDays: 4 },
  }));
  ok(await t.admin(`mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'DE', ratePercent: s.taxPercent ?? 19 } }));
}

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!, $key: String) {
  placeOrder(input: $input, idempotencyKey: $key) {
    accessToken
    order { id number status paymentStatus subtotal shippingTotal taxTotal total currencyCode estimatedDeliveryAt
      lines { id sku quantity unitPrice taxTotal lineTotal quantityBackordered }
      payments { id status amount transactionId method }
      history { type fromStatus toStatus actor message } }
  }
}`;

export function orderInput(lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) {
  return {
    email: 'jane@example.com', lines, shippingAddress: ADDRESS, shippingMethodCode: 'standard',
    payment: { method: 'test-card', token: 'tok_visa' }, ...extra,
  };
}

/** What a failed request must not have changed. */
export async function snapshot(t: TestEngine) {
  const [[o], [p], [r], [e], [m]] = await Promise.all([
    t.sql('SELECT COUNT(*) AS n FROM orders'),
    t.sql('SELECT COUNT(*) AS n FROM payment'),
    t.sql('SELECT COALESCE(SUM(reserved), 0) AS n FROM stock_level'),
    t.sql('SELECT COUNT(*) AS n FROM outbox_event'),
    t.sql('SELECT COUNT(*) AS n FROM stock_movement'),
  ]);
  return { orders: Number(o.n), payments: Number(p.n), reserved: Number(r.n), events: Number(e.n), movements: Number(m.n) };
}
