// Catalog, stock locations, stock adjustments and the movement ledger, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';

const ADJUST = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand reserved available location { code } variant { sku } } }`;

describe.each(DB_KINDS)('catalog and inventory on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { locations: [{ code: 'main', priority: 1 }], variants: [{ sku: 'K-1', price: 2500, stock: { main: 10 } }] });
  });
  afterAll(async () => t?.stop());

  it('creates products with variants and finds them by search, SKU and cursor', async () => {
    ok(await t.admin(`mutation { createProduct(input: { name: "Blue Kettle", description: "1.5 l", variants: [
      { sku: "KET-BLUE", name: "Blue Kettle", price: 3999, currencyCode: "EUR", weightGrams: 1200 },
      { sku: "KET-BLUE-XL", name: "Blue Kettle XL", price: 4999, currencyCode: "EUR", allowBackorder: true }] }) { id } }`));
    const found = ok(await t.gql(`{ products(search: "kettle") { totalCount nodes { name description variants { sku price weightGrams allowBackorder trackInventory available } } } }`)).products;
    expect(found.totalCount).toBe(1);
    expect(found.nodes[0].variants).toEqual([
      { sku: 'KET-BLUE', price: 3999, weightGrams: 1200, allowBackorder: false, trackInventory: true, available: 0 },
      { sku: 'KET-BLUE-XL', price: 4999, weightGrams: null, allowBackorder: true, trackInventory: true, available: 0 },
    ]);
    expect(ok(await t.gql(`{ variant(sku: "KET-BLUE") { name product { name } } }`)).variant).toEqual({ name: 'Blue Kettle', product: { name: 'Blue Kettle' } });
    expect(ok(await t.gql(`{ variant(sku: "NOPE") { name } }`)).variant).toBeNull();
    const first = ok(await t.gql(`{ products(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }`)).products;
    expect(first.totalCount).toBe(2);
    const second = ok(await t.gql(`query($a: String) { products(first: 1, after: $a) { pageInfo { hasNextPage hasPreviousPage } nodes { name } } }`, { a: first.pageInfo.endCursor })).products;
    expect(second.nodes[0].name).not.toBe(first.nodes[0].name);
    expect(second.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it('refuses a taken SKU (CONFLICT) and bad product input (BAD_USER_INPUT), creating nothing', async () => {
    const count = async () => Number((await t.sql('SELECT COUNT(*) AS n FROM product'))[0].n);
    const before = await count();
    expect(codeOf(await t.admin(`mutation { createProduct(input: { name: "Dup", variants: [{ sku: "K-1", name: "x", price: 1, currencyCode: "EUR" }] }) { id } }`))).toBe('CONFLICT');
    expect(codeOf(await t.admin(`mutation { createProduct(input: { name: "Neg", variants: [{ sku: "N-1", name: "x", price: -5, currencyCode: "EUR" }] }) { id } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`mutation { createProduct(input: { name: "Cur", variants: [{ sku: "N-2", name: "x", price: 5, currencyCode: "euro" }] }) { id } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`mutation { createProduct(input: { name: "None", variants: [] }) { id } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`mutation { createProduct(input: { name: "Float", variants: [{ sku: "N-3", name: "x", price: 1.5, currencyCode: "EUR" }] }) { id } }`))).toBe('BAD_USER_INPUT');
    expect(await count()).toBe(before);
  });

  it('adjusts stock with a ledger entry per change and never below what orders hold', async () => {
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'K-1', quantity: 4 }]) }));
    expect(ok(await t.admin(ADJUST, { i: { sku: 'K-1', locationCode: 'main', delta: 5, reason: 'RECEIVED', note: 'PO-77' } })).adjustStock)
      .toEqual({ sku: 'K-1', onHand: 15, reserved: 4, available: 11, location: { code: 'main' }, variant: { sku: 'K-1' } });
    expect(ok(await t.admin(ADJUST, { i: { sku: 'K-1', locationCode: 'main', delta: -11, reason: 'DAMAGED' } })).adjustStock.onHand).toBe(4);
    // 4 are on hand and all 4 are reserved for the order: removing one more is refused.
    const r = await t.admin(ADJUST, { i: { sku: 'K-1', locationCode: 'main', delta: -1, reason: 'LOST' } });
    expect(codeOf(r)).toBe('INSUFFICIENT_STOCK');
    const moves = ok(await t.admin(`{ stockMovements(sku: "K-1") { delta reason note location { code } order { id } } }`)).stockMovements;
    expect(moves.map((m: any) => [m.delta, m.reason, m.note])).toEqual([[-11, 'DAMAGED', null], [5, 'RECEIVED', 'PO-77'], [10, 'RECEIVED', null]]);
    expect(codeOf(await t.admin(ADJUST, { i: { sku: 'K-1', locationCode: 'nowhere', delta: 1, reason: 'COUNT' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(ADJUST, { i: { sku: 'NOPE', locationCode: 'main', delta: 1, reason: 'COUNT' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(ADJUST, { i: { sku: 'K-1', locationCode: 'main', delta: 0, reason: 'COUNT' } }))).toBe('BAD_USER_INPUT');
    // Stock at a new location starts from the first RECEIVED adjustment.
    ok(await t.admin(`mutation { createStockLocation(input: { code: "store-1", name: "Shop", kind: STORE, countryCode: "DE", priority: 50 }) { id } }`));
    expect(ok(await t.admin(ADJUST, { i: { sku: 'K-1', locationCode: 'store-1', delta: 3, reason: 'RECEIVED' } })).adjustStock.available).toBe(3);
    expect(ok(await t.gql(`{ variant(sku: "K-1") { available } }`)).variant.available).toBe(3);
    expect(codeOf(await t.admin(`mutation { createStockLocation(input: { code: "store-1", name: "Again", kind: STORE, countryCode: "DE" }) { id } }`))).toBe('CONFLICT');
    expect(ok(await t.gql(`{ stockLocations { code priority autoFulfill } }`)).stockLocations.map((l: any) => l.code)).toEqual(['main', 'store-1']);
  });

  it('keeps channels, shipping methods and tax rates, refusing duplicates and bad rates', async () => {
    expect(ok(await t.gql(`{ channels { code currencyCode kind } }`)).channels[0]).toEqual({ code: 'default', currencyCode: 'EUR', kind: 'WEB_STORE' });
    expect(codeOf(await t.admin(`mutation { createChannel(input: { code: "default", name: "x", kind: API, currencyCode: "EUR" }) { id } }`))).toBe('CONFLICT');
    expect(ok(await t.admin(`mutation { setTaxRate(input: { countryCode: "FR", ratePercent: 5.5 }) { countryCode ratePercent } }`)).setTaxRate).toEqual({ countryCode: 'FR', ratePercent: 5.5 });
    expect(codeOf(await t.admin(`mutation { setTaxRate(input: { countryCode: "FR", ratePercent: 5.555 }) { countryCode } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`mutation { setTaxRate(input: { countryCode: "FR", ratePercent: 120 }) { countryCode } }`))).toBe('BAD_USER_INPUT');
    expect(ok(await t.gql(`{ taxRates { countryCode ratePercent } }`)).taxRates).toEqual([{ countryCode: 'DE', ratePercent: 19 }, { countryCode: 'FR', ratePercent: 5.5 }]);
    expect(codeOf(await t.admin(`mutation { createShippingMethod(input: { code: "standard", name: "x", carrierCode: "sim", price: 1, currencyCode: "EUR", minTransitDays: 1, maxTransitDays: 2 }) { id } }`))).toBe('CONFLICT');
    expect(codeOf(await t.admin(`mutation { createShippingMethod(input: { code: "slow", name: "x", carrierCode: "sim", price: 1, currencyCode: "EUR", minTransitDays: 5, maxTransitDays: 2 }) { id } }`))).toBe('BAD_USER_INPUT');
  });

  it('bounds query depth', async () => {
    const deep = `{ products { nodes { variants { product { variants { product { variants { product { variants { product { variants { product { name } } } } } } } } } } } } }`;
    expect(codeOf(await t.gql(deep))).toBe('QUERY_TOO_COMPLEX');
    expect(codeOf(await t.gql(`{ nope }`))).toBe('BAD_USER_INPUT');
  });
});
