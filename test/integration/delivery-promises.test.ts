// Delivery promises at checkout (issue 17), on both databases: quoteOrder offers the order sourced for
// the earliest delivery and for the fewest shipments, each with its parcels and date from the locations'
// cut-off times; they differ when the fast locations are split and agree once the cut-off has passed;
// placeOrder with the chosen goal reserves that option and keeps its promised date.
//
// The clock is the real one; the locations' time zones are chosen so that it is 11:xx there now (fixed
// UTC offsets, Etc/GMT±n), working every day: a cut-off at 13:00 is still ahead, one at 10:00 has passed,
// whatever the hour the suite runs. The calendar arithmetic on fixed clocks is test/unit/ship-calendar.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TRANSIT = 4;

/** A fixed-offset zone where the local hour is 11 now, and its offset from UTC in hours. */
function elevenOClockZone(): { zone: string; offset: number } {
  const offset = 11 - new Date().getUTCHours(); // -12 … +11
  // IANA's Etc zones have the sign inverted: Etc/GMT-2 is UTC+2.
  return { zone: offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`, offset };
}

/** The instant of `hh:mm` local, `days` after today (local), in a zone `offset` hours from UTC. */
function localInstant(offset: number, days: number, hh: number, mm = 0): number {
  const local = new Date(Date.now() + offset * HOUR);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, hh, mm) - offset * HOUR;
}

const QUOTE = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) {
  sourcingOptions { goal shipmentCount complete promisedDeliveryAt shipments { locationCode shipsAt lines { sku quantity } } } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { promisedDeliveryAt estimatedDeliveryAt shipments { location { code } } } }`;

describe.each(DB_KINDS)('delivery promises on %s', (kind: DbKind) => {
  let t: TestEngine;
  const { zone, offset } = elevenOClockZone();
  const cart = [{ sku: 'PRM-X', quantity: 1 }, { sku: 'PRM-Y', quantity: 1 }];
  const options = async (lines = cart) => {
    const q = ok(await t.gql(QUOTE, { input: orderInput(lines) })).quoteOrder.sourcingOptions as any[];
    return Object.fromEntries(q.map((o) => [o.goal, o]));
  };
  const setCutoff = (code: string, cutoffTime: string) =>
    t.admin(`mutation($c: String!, $i: UpdateStockLocationInput!) { updateStockLocation(code: $c, input: $i) { cutoffTime } }`, { c: code, i: { cutoffTime } });

  beforeAll(async () => {
    t = await startTestEngine(kind);
    // Two nearby hubs that still ship today (13:00), each with half the cart; a hub with all of it whose
    // cut-off (10:00) has passed.
    const every = [1, 2, 3, 4, 5, 6, 7];
    for (const [code, countryCode, cutoffTime, priority] of [['de-fast', 'DE', '13:00', 10], ['at-fast', 'AT', '13:00', 20], ['us-late', 'US', '10:00', 5]] as const) {
      ok(await t.admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, {
        i: { code, name: code, kind: 'WAREHOUSE', countryCode, priority, timeZone: zone, cutoffTime, workingDays: every },
      }));
    }
    ok(await t.admin(`mutation { createProduct(input: { name: "Promised", variants: [
      { sku: "PRM-X", name: "X", price: 1000, currencyCode: "EUR" }, { sku: "PRM-Y", name: "Y", price: 1000, currencyCode: "EUR" }] }) { id } }`));
    for (const [sku, locationCode] of [['PRM-X', 'de-fast'], ['PRM-Y', 'at-fast'], ['PRM-X', 'us-late'], ['PRM-Y', 'us-late']]) {
      ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku, locationCode, delta: 20, reason: 'RECEIVED' } }));
    }
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code: 'standard', name: 'Standard', carrierCode: 'sim', price: 495, currencyCode: 'EUR', minTransitDays: 2, maxTransitDays: TRANSIT },
    }));
    ok(await t.admin(`mutation { setTaxRate(input: { countryCode: "DE", ratePercent: 19 }) { ratePercent } }`));
  });
  afterAll(async () => t?.stop());

  it('offers the earliest delivery (two parcels, today) and the fewest shipments (one parcel, tomorrow)', async () => {
    const o = await options();
    const today13 = localInstant(offset, 0, 13);
    const tomorrow10 = localInstant(offset, 1, 10);
    expect(o.EARLIEST_DELIVERY.shipmentCount).toBe(2);
    expect(o.EARLIEST_DELIVERY.shipments.map((s: any) => `${s.locationCode}:${s.lines[0].sku}`).sort()).toEqual(['at-fast:PRM-Y', 'de-fast:PRM-X']);
    expect(new Date(o.EARLIEST_DELIVERY.shipments[0].shipsAt).getTime()).toBe(today13);
    expect(new Date(o.EARLIEST_DELIVERY.promisedDeliveryAt).getTime()).toBe(today13 + TRANSIT * DAY);
    expect(o.FEWEST_SHIPMENTS.shipmentCount).toBe(1);
    expect(o.FEWEST_SHIPMENTS.shipments[0]).toMatchObject({ locationCode: 'us-late', lines: [{ sku: 'PRM-X', quantity: 1 }, { sku: 'PRM-Y', quantity: 1 }] });
    expect(new Date(o.FEWEST_SHIPMENTS.promisedDeliveryAt).getTime()).toBe(tomorrow10 + TRANSIT * DAY);
    expect(o.EARLIEST_DELIVERY.complete && o.FEWEST_SHIPMENTS.complete).toBe(true);
    // One SKU that the fast hub has: both goals agree on it.
    const single = await options([{ sku: 'PRM-X', quantity: 1 }]);
    expect(single.FEWEST_SHIPMENTS.shipments.map((s: any) => s.locationCode)).toEqual(['de-fast']);
    expect(single.EARLIEST_DELIVERY.promisedDeliveryAt).toBe(single.FEWEST_SHIPMENTS.promisedDeliveryAt);
  });

  it('reserves the option chosen and keeps its promised date on the order', async () => {
    const o = await options();
    for (const [goal, where] of [['FEWEST_SHIPMENTS', ['us-late']], ['EARLIEST_DELIVERY', ['at-fast', 'de-fast']]] as const) {
      const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput(cart, { sourcingGoal: goal }) })).placeOrder.order;
      await settled(t);
      const order = ok(await t.admin(ORDER, { id: placed.id })).order;
      expect(order.shipments.map((s: any) => s.location.code).sort()).toEqual(where);
      expect(order.promisedDeliveryAt).toBe(o[goal].promisedDeliveryAt);
    }
    // Without a goal the channel's strategy (priority: us-late first) decides, and the promise follows it.
    const plain = ok(await t.gql(PLACE_ORDER, { input: orderInput(cart) })).placeOrder.order;
    await settled(t);
    const order = ok(await t.admin(ORDER, { id: plain.id })).order;
    expect(order.shipments.map((s: any) => s.location.code)).toEqual(['us-late']);
    expect(new Date(order.promisedDeliveryAt).getTime()).toBe(localInstant(offset, 1, 10) + TRANSIT * DAY);
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput(cart, { sourcingGoal: 'CHEAPEST' }) }))).toBe('BAD_USER_INPUT');
  });

  it('once the fast hubs\' cut-off has passed, the earliest delivery is the single parcel too', async () => {
    // 10:30 local: passed. They ship tomorrow at 10:30, after the US hub's 10:00.
    for (const code of ['de-fast', 'at-fast']) ok(await setCutoff(code, '10:30'));
    const o = await options();
    expect(o.EARLIEST_DELIVERY.shipments.map((s: any) => s.locationCode)).toEqual(['us-late']);
    expect(o.EARLIEST_DELIVERY.promisedDeliveryAt).toBe(o.FEWEST_SHIPMENTS.promisedDeliveryAt);
    expect(new Date(o.EARLIEST_DELIVERY.promisedDeliveryAt).getTime()).toBe(localInstant(offset, 1, 10) + TRANSIT * DAY);
    const bad = await setCutoff('de-fast', '3pm');
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });
});
