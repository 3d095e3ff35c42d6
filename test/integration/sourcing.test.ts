// Sourcing strategies (issue 17): a channel chooses how its orders pick the locations they are reserved
// and shipped from. On both databases: a Berlin buyer ships from the DE hub and an Austin buyer from the
// US hub under `nearest` (while `priority` sends both to the US hub), the region distance table decides
// between foreign hubs, `fewest-shipments` keeps a 3-line order together when one hub can fill it and
// splits it when none can, and a plugin's strategy takes over when a channel names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { definePlugin, type SourcingStrategy } from '../../src/index.js';

const AUSTIN = { name: 'Sam Roe', line1: '100 Congress Ave', city: 'Austin', region: 'TX', postalCode: '78701', countryCode: 'US' };
const WARSAW = { name: 'Ola Nowak', line1: 'Marszałkowska 1', city: 'Warszawa', postalCode: '00-001', countryCode: 'PL' };
const VIENNA = { name: 'Max Huber', line1: 'Ring 1', city: 'Wien', postalCode: '1010', countryCode: 'AT' };

/** A plugin's strategy: everything from the location whose code the plugin was configured with. */
const pinned = (code: string): SourcingStrategy => ({
  code: 'always-here',
  description: `Everything from ${code}.`,
  plan: (ctx) => {
    const here = ctx.locations.find((l) => l.code === code)!;
    return { lines: new Map(ctx.lines.map((l) => [l.variantId, [{ locationId: here.id, quantity: l.quantity }]])), ranking: [here.id] };
  },
});
const plugin = definePlugin({ name: 'always-at', providers: { sourcingStrategy: [pinned('at-hub')] } });

const SHIPMENTS = `query($id: ID!) { order(id: $id) { status shipments { location { code } lines { orderLine { sku } quantity } } } }`;

describe.each(DB_KINDS)('sourcing strategies on %s', (kind: DbKind) => {
  let t: TestEngine;

  const place = async (lines: { sku: string; quantity: number }[], address: Record<string, unknown>) => {
    const r = ok(await t.gql(PLACE_ORDER, { input: orderInput(lines, { shippingAddress: address }) }));
    return r.placeOrder.order as { id: string; status: string };
  };
  /** Where each SKU of the order ships from, after routing: `sku@location` sorted. */
  const shippedFrom = async (id: string) => {
    await settled(t);
    const o = ok(await t.admin(SHIPMENTS, { id })).order;
    return { count: o.shipments.length, at: o.shipments.flatMap((s: any) => s.lines.map((l: any) => `${l.orderLine.sku}@${s.location.code}`)).sort() };
  };
  const strategy = async (s: string) => ok(await t.admin(`mutation($s: String!) { setChannelSourcing(channelCode: "default", strategy: $s) { sourcingStrategy } }`, { s })).setChannelSourcing.sourcingStrategy;

  beforeAll(async () => {
    t = await startTestEngine(kind, { plugins: [plugin] });
    const hubs = [
      { code: 'us-hub', countryCode: 'US', region: 'TX', priority: 5 },
      { code: 'de-hub', countryCode: 'DE', region: 'BE', priority: 10 },
      { code: 'at-hub', countryCode: 'AT', priority: 20 },
    ];
    for (const h of hubs) ok(await t.admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, { i: { ...h, name: h.code, kind: 'WAREHOUSE' } }));
    const skus = ['SRC-A', 'SRC-B', 'SRC-C', 'SRC-D', 'SRC-E'];
    ok(await t.admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
      i: { name: 'Sourced', variants: skus.map((sku) => ({ sku, name: sku, price: 1000, currencyCode: 'EUR' })) },
    }));
    // A and B everywhere; C only in the US; D only in Germany; E in the US and Austria.
    const stock: [string, string, number][] = [
      ['SRC-A', 'us-hub', 100], ['SRC-A', 'de-hub', 100], ['SRC-A', 'at-hub', 100],
      ['SRC-B', 'us-hub', 100], ['SRC-B', 'de-hub', 100],
      ['SRC-C', 'us-hub', 100], ['SRC-D', 'de-hub', 100], ['SRC-E', 'us-hub', 100], ['SRC-E', 'at-hub', 100],
    ];
    for (const [sku, locationCode, delta] of stock) ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku, locationCode, delta, reason: 'RECEIVED' } }));
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code: 'standard', name: 'Standard', carrierCode: 'sim', price: 495, currencyCode: 'EUR', minTransitDays: 2, maxTransitDays: 4 },
    }));
    for (const countryCode of ['DE', 'US', 'PL', 'AT']) ok(await t.admin(`mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode, ratePercent: 19 } }));
  });
  afterAll(async () => t?.stop());

  it('lists the strategies, refuses an unknown one, and keeps priority as the default', async () => {
    const listed = ok(await t.admin(`{ sourcingStrategies { code description } }`)).sourcingStrategies.map((s: any) => s.code);
    expect(listed).toEqual(expect.arrayContaining(['priority', 'nearest', 'earliest-delivery', 'fewest-shipments', 'always-here']));
    expect(ok(await t.admin(`{ channels { code sourcingStrategy } }`)).channels.find((c: any) => c.code === 'default').sourcingStrategy).toBe('priority');
    const bad = await t.admin(`mutation { setChannelSourcing(channelCode: "default", strategy: "closest") { code } }`);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(fieldOf(bad)).toBe('strategy');
    expect(codeOf(await t.gql(`mutation { setChannelSourcing(channelCode: "default", strategy: "nearest") { code } }`))).toBe('UNAUTHENTICATED');

    // By priority the US hub (priority 5) ships even to Berlin.
    expect((await shippedFrom((await place([{ sku: 'SRC-A', quantity: 1 }], ADDRESS)).id)).at).toEqual(['SRC-A@us-hub']);
  });

  it('nearest: a Berlin buyer ships from the DE hub, an Austin buyer from the US hub', async () => {
    expect(await strategy('nearest')).toBe('nearest');
    expect((await shippedFrom((await place([{ sku: 'SRC-A', quantity: 2 }], ADDRESS)).id)).at).toEqual(['SRC-A@de-hub']);
    expect((await shippedFrom((await place([{ sku: 'SRC-A', quantity: 2 }], AUSTIN)).id)).at).toEqual(['SRC-A@us-hub']);
    // A checkout hold for an Austin cart holds the units where the order will ship from, and the order takes them.
    const reservedAt = async (sku: string) => Object.fromEntries(ok(await t.admin(`query($s: String!) { stockLevels(sku: $s) { location { code } reserved } }`, { s: sku })).stockLevels.map((l: any) => [l.location.code, l.reserved]));
    const before = await reservedAt('SRC-B');
    const hold = ok(await t.gql(`mutation($i: CheckoutHoldInput!) { holdCheckoutStock(input: $i) { id } }`, {
      i: { lines: [{ sku: 'SRC-B', quantity: 3 }], shippingAddress: { countryCode: 'US', region: 'TX' } },
    })).holdCheckoutStock;
    const held = await reservedAt('SRC-B');
    expect([held['us-hub'] - before['us-hub'], held['de-hub'] - before['de-hub']]).toEqual([3, 0]);
    const withHold = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SRC-B', quantity: 3 }], { shippingAddress: AUSTIN, holdId: hold.id }) });
    expect((await shippedFrom(ok(withHold).placeOrder.order.id)).at).toEqual(['SRC-B@us-hub']);
    // A line the nearest hub lacks comes from the next nearest that has it.
    expect((await shippedFrom((await place([{ sku: 'SRC-A', quantity: 1 }, { sku: 'SRC-C', quantity: 1 }], ADDRESS)).id)).at).toEqual(['SRC-A@de-hub', 'SRC-C@us-hub']);
  });

  it('nearest: the region distance table chooses between hubs in other countries', async () => {
    // No hub in Poland: without distances priority decides (US first).
    expect((await shippedFrom((await place([{ sku: 'SRC-A', quantity: 1 }], WARSAW)).id)).at).toEqual(['SRC-A@us-hub']);
    const table = ok(await t.admin(`mutation($d: [RegionDistanceInput!]!) { setRegionDistances(distances: $d) { fromRegion toRegion distance } }`, {
      d: [{ fromRegion: 'PL', toRegion: 'DE', distance: 520 }, { fromRegion: 'pl', toRegion: 'AT', distance: 300 }, { fromRegion: 'PL', toRegion: 'US-TX', distance: 9000 }],
    })).setRegionDistances;
    expect(table).toHaveLength(3);
    expect(table.map((d: any) => `${d.fromRegion}>${d.toRegion}`)).toContain('PL>AT');
    expect((await shippedFrom((await place([{ sku: 'SRC-A', quantity: 1 }], WARSAW)).id)).at).toEqual(['SRC-A@at-hub']);
    // B is not in Austria: from the next nearest, Germany.
    expect((await shippedFrom((await place([{ sku: 'SRC-B', quantity: 1 }], WARSAW)).id)).at).toEqual(['SRC-B@de-hub']);
    const bad = await t.admin(`mutation { setRegionDistances(distances: [{ fromRegion: "Poland", toRegion: "DE", distance: 1 }]) { distance } }`);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    // A null distance removes the entry.
    expect(ok(await t.admin(`mutation { setRegionDistances(distances: [{ fromRegion: "PL", toRegion: "US-TX", distance: null }]) { distance } }`)).setRegionDistances).toHaveLength(2);
  });

  it('fewest-shipments: a 3-line order stays together when one hub can fill it, and splits when none can', async () => {
    // Nearest splits it: A and B from Germany, C only in the US.
    const lines = [{ sku: 'SRC-A', quantity: 1 }, { sku: 'SRC-B', quantity: 1 }, { sku: 'SRC-C', quantity: 1 }];
    expect(await shippedFrom((await place(lines, ADDRESS)).id)).toEqual({ count: 2, at: ['SRC-A@de-hub', 'SRC-B@de-hub', 'SRC-C@us-hub'] });
    await strategy('fewest-shipments');
    expect(await shippedFrom((await place(lines, ADDRESS)).id)).toEqual({ count: 1, at: ['SRC-A@us-hub', 'SRC-B@us-hub', 'SRC-C@us-hub'] });
    // C is only in the US and D only in Germany: two shipments, the rest where it keeps them two.
    const apart = await shippedFrom((await place([{ sku: 'SRC-A', quantity: 1 }, { sku: 'SRC-C', quantity: 1 }, { sku: 'SRC-D', quantity: 1 }], ADDRESS)).id);
    expect(apart.count).toBe(2);
    expect(apart.at).toEqual(expect.arrayContaining(['SRC-C@us-hub', 'SRC-D@de-hub']));
  });

  it('reserves the plan through the ledger: another order taking the planned units moves the line to the next location', async () => {
    await strategy('nearest');
    ok(await t.admin(`mutation { createProduct(input: { name: "Scarce", variants: [{ sku: "SRC-S", name: "Scarce", price: 500, currencyCode: "EUR" }] }) { id } }`));
    for (const [locationCode, delta] of [['de-hub', 3], ['us-hub', 3]] as const) ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'SRC-S', locationCode, delta, reason: 'RECEIVED' } }));
    // Ten Berlin buyers at once want 1 unit each of 6: six orders, three from each hub, never more.
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SRC-S', quantity: 1 }]) })));
    expect(results.filter((r) => !r.errors).length).toBe(6);
    expect(results.filter((r) => r.errors).every((r) => codeOf(r) === 'INSUFFICIENT_STOCK')).toBe(true);
    const levels = ok(await t.admin(`{ stockLevels(sku: "SRC-S") { location { code } onHand reserved } }`)).stockLevels;
    expect(levels.map((l: any) => [l.location.code, l.onHand, l.reserved]).sort()).toEqual([['de-hub', 3, 3], ['us-hub', 3, 3]]);
    await settled(t);
    await expectReconciled(t);
  });

  it('a plugin strategy takes over when the channel names it', async () => {
    await strategy('always-here');
    expect((await shippedFrom((await place([{ sku: 'SRC-E', quantity: 1 }], AUSTIN)).id)).at).toEqual(['SRC-E@at-hub']);
    // What its location lacks comes from its ranking (only at-hub), else the order is refused.
    const r = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SRC-C', quantity: 1 }], { shippingAddress: VIENNA }) });
    expect(codeOf(r)).toBe('INSUFFICIENT_STOCK');
    await strategy('priority');
  });
});
