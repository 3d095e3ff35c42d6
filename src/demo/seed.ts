// First run outside production: a small demo shop to try the API on (nothing when any product exists).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { Product } from '../catalog/product.entity.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { StockLocationKind } from '../inventory/stock-location.entity.js';
import { StockAdjustmentReason } from '../inventory/stock-movement.entity.js';
import { ShippingService } from '../shipping/shipping.service.js';

const PRODUCTS = [
  { name: 'Trail Runner Shoe', description: 'Light trail shoe with a grippy sole.', variants: [
    { sku: 'SHOE-TR-42', name: 'Trail Runner 42', price: 8999 }, { sku: 'SHOE-TR-43', name: 'Trail Runner 43', price: 8999 }] },
  { name: 'Merino Socks', description: 'Three pairs.', variants: [{ sku: 'SOCK-MER-3P', name: 'Merino Socks (3 pairs)', price: 1999 }] },
  { name: 'Rain Jacket', description: null, variants: [{ sku: 'JKT-RAIN-M', name: 'Rain Jacket M', price: 12900, allowBackorder: true }] },
];

export async function seedDemo(app: AppRuntime): Promise<boolean> {
  const em = app.orm.em.fork() as Em;
  if (await em.count(Product, {})) return false;
  const inventory = app.service(InventoryService);
  const shipping = app.service(ShippingService);
  const catalog = app.service(CatalogService);
  try {
    await inventory.createLocation(em.fork(), { code: 'berlin', name: 'Berlin warehouse', kind: StockLocationKind.WAREHOUSE, countryCode: 'DE', priority: 10 });
    await inventory.createLocation(em.fork(), { code: 'rotterdam-3pl', name: 'Rotterdam 3PL', kind: StockLocationKind.THIRD_PARTY_LOGISTICS, countryCode: 'NL', priority: 20, autoFulfill: true });
    for (const p of PRODUCTS) {
      await catalog.createProduct(em.fork(), { name: p.name, description: p.description ?? undefined, variants: p.variants.map((v) => ({ ...v, currencyCode: 'EUR' })) });
    }
    const stock: [string, string, number][] = [
      ['SHOE-TR-42', 'berlin', 25], ['SHOE-TR-42', 'rotterdam-3pl', 40], ['SHOE-TR-43', 'berlin', 10],
      ['SOCK-MER-3P', 'berlin', 200], ['SOCK-MER-3P', 'rotterdam-3pl', 100], ['JKT-RAIN-M', 'rotterdam-3pl', 3],
    ];
    for (const [sku, locationCode, delta] of stock) {
      await inventory.adjust(em.fork(), { sku, locationCode, delta, reason: StockAdjustmentReason.RECEIVED, note: 'demo stock' });
    }
    await shipping.createMethod(em.fork(), { code: 'standard', name: 'Standard (2-4 days)', carrierCode: 'sim', price: 495, currencyCode: 'EUR', minTransitDays: 2, maxTransitDays: 4 });
    await shipping.createMethod(em.fork(), { code: 'express', name: 'Express (next day)', carrierCode: 'sim', price: 1495, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 1 });
    await shipping.setTaxRate(em.fork(), { countryCode: 'DE', ratePercent: 19 });
    await shipping.setTaxRate(em.fork(), { countryCode: 'NL', ratePercent: 21 });
  } catch (e) {
    // Two processes starting on an empty database: the other one seeds.
    app.log.info({ err: (e as Error).message }, 'demo seed skipped');
    return false;
  }
  app.log.info('seeded the demo shop (products, stock at two locations, shipping methods, tax rates)');
  return true;
}
