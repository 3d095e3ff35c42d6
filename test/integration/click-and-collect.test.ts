// Click & collect end to end (issue 17 part 5), on SQLite and PostgreSQL: quoteOrder lists the stores near
// the buyer with whether each can fill the cart; the order reserves at the chosen store (not at the
// warehouse that would come first) and ships to the store's address; ready → the pickup code in the
// customer's mail and on their live subscription (not for staff); a wrong code changes nothing; the
// right one delivers it with the stock out of the store and the payment captured; an order not collected
// within the window is cancelled by housekeeping and its captured money refunded.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, setupShop, snapshot } from '../helpers/fixtures.js';
import { parseMail } from '../helpers/mail.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';
import { follow, wsClient } from '../e2e/subscriptions.helpers.js';
import { Shipment } from '../../src/fulfillment/shipment.entity.js';

const STORE_ADDRESS = { line1: 'Alexanderplatz 5', city: 'Berlin', postalCode: '10178', phone: '+49 30 1234567' };
const BUYER = { ...ADDRESS, region: 'BE', phone: '+49 170 5550000' };

const PLACE = `mutation($input: PlaceOrderInput!, $key: String) {
  placeOrder(input: $input, idempotencyKey: $key) {
    accessToken
    order { id number status total paymentStatus pickupLocation { code }
      shippingAddress { name line1 city postalCode countryCode phone } billingAddress { name line1 city } }
  }
}`;
const QUOTE = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) {
  placeable problems { path code }
  pickupLocations { code name countryCode region canFillNow selected shippingMethodCode address { line1 city postalCode } }
} }`;
const ORDER = `query($id: ID!) { order(id: $id) {
  id status paymentStatus total
  payments { status amount amountCaptured amountRefunded }
  shipments { id status readyForPickupAt pickupCode location { code } deliveredAt labelUrl }
} }`;
const READY = `mutation($orderId: ID) { markReadyForPickup(orderId: $orderId) { id status readyForPickupAt pickupCode } }`;
const CONFIRM = `mutation($code: String!, $key: String) { confirmPickup(code: $code, idempotencyKey: $key) { id status deliveredAt } }`;

describe.each(DB_KINDS)('click & collect (%s)', (kind) => {
  let t: TestEngine;
  const clients: Client[] = [];

  beforeAll(async () => {
    // Housekeeping every 300 ms: the uncollected order is cancelled by the scheduled job, as in production.
    t = await startTestEngine(kind, { env: { ORDO_HOUSEKEEPING_EVERY_MS: '300', ORDO_PICKUP_WINDOW_DAYS: '3' } });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }],
      variants: [{ sku: 'MUG', price: 1000, stock: { 'wh-a': 50 } }, { sku: 'CAP', price: 500, stock: { 'wh-a': 50 } }],
    });
    const store = (code: string, countryCode: string, region: string, address: unknown) => t.admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, {
      i: { code, name: `Store ${code}`, kind: 'STORE', countryCode, region, priority: 50, address },
    });
    ok(await store('berlin-mitte', 'DE', 'BE', STORE_ADDRESS));
    ok(await store('munich', 'DE', 'BY', { line1: 'Marienplatz 1', city: 'München', postalCode: '80331' }));
    ok(await store('paris', 'FR', 'IDF', { line1: 'Rue de Rivoli 1', city: 'Paris', postalCode: '75001' }));
    for (const [sku, loc, n] of [['MUG', 'berlin-mitte', 5], ['CAP', 'berlin-mitte', 5], ['MUG', 'munich', 5]] as const) {
      ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku, locationCode: loc, delta: n, reason: 'RECEIVED' } }));
    }
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id kind } }`, {
      i: { code: 'collect', name: 'Collect in store', carrierCode: 'pickup', kind: 'PICKUP', price: 0, currencyCode: 'EUR', minTransitDays: 0, maxTransitDays: 1, countries: ['DE'] },
    }));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  const pickupInput = (lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) =>
    orderInput(lines, { shippingAddress: BUYER, shippingMethodCode: 'collect', pickupLocationCode: 'berlin-mitte', ...extra });
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const level = async (sku: string, code: string) => {
    const [row] = await t.sql('SELECT sl.on_hand, sl.reserved FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?', [sku, code]);
    return { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
  };
  const mails = (subject: RegExp) => {
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).map((f) => parseMail(readFileSync(join(dir, f), 'utf8'))).filter((m) => subject.test(m.subject));
  };
  const placeRouted = async (lines: { sku: string; quantity: number }[]) => {
    const placed = ok(await t.gql(PLACE, { input: pickupInput(lines) })).placeOrder;
    await until(() => order(placed.order.id), (o) => o.shipments.length === 1);
    return placed;
  };

  it('quoteOrder lists the stores near the buyer, the one that can fill the cart first among equals', async () => {
    const q = ok(await t.gql(QUOTE, { input: pickupInput([{ sku: 'MUG', quantity: 2 }, { sku: 'CAP', quantity: 1 }]) })).quoteOrder;
    expect(q.problems).toEqual([]);
    // Berlin (same region) before Munich (same country); Paris is not served by the DE-only PICKUP method.
    expect(q.pickupLocations.map((p: any) => [p.code, p.canFillNow, p.selected])).toEqual([['berlin-mitte', true, true], ['munich', false, false]]);
    expect(q.pickupLocations[0]).toMatchObject({ shippingMethodCode: 'collect', address: { line1: STORE_ADDRESS.line1, city: 'Berlin' } });
  });

  it('refuses a pickup without a store, a store with a delivery method, and a location that is not a store; nothing changes', async () => {
    const before = await snapshot(t);
    const cases = [
      pickupInput([{ sku: 'MUG', quantity: 1 }], { pickupLocationCode: undefined }),
      pickupInput([{ sku: 'MUG', quantity: 1 }], { shippingMethodCode: 'standard' }),
      pickupInput([{ sku: 'MUG', quantity: 1 }], { pickupLocationCode: 'wh-a' }),
    ];
    for (const input of cases) {
      const r = await t.gql(PLACE, { input });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(fieldOf(r)).toBe('input.pickupLocationCode');
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('end to end: reserved at the store, ready → code by mail and live event, a wrong code refused, the right one DELIVERED with stock out', async () => {
    const berlinBefore = await level('MUG', 'berlin-mitte');
    const { order: placed, accessToken } = await placeRouted([{ sku: 'MUG', quantity: 2 }]);
    // The store's address, the buyer's name and phone; the buyer's own address bills.
    expect(placed.pickupLocation).toEqual({ code: 'berlin-mitte' });
    expect(placed.shippingAddress).toEqual({ name: BUYER.name, line1: STORE_ADDRESS.line1, city: 'Berlin', postalCode: STORE_ADDRESS.postalCode, countryCode: 'DE', phone: BUYER.phone });
    expect(placed.billingAddress).toMatchObject({ name: BUYER.name, line1: BUYER.line1 });
    // Reserved at the store, although the warehouse has priority and stock.
    expect(await level('MUG', 'berlin-mitte')).toEqual({ onHand: berlinBefore.onHand, reserved: berlinBefore.reserved + 2 });
    expect(await level('MUG', 'wh-a')).toEqual({ onHand: 50, reserved: 0 });
    const routed = await order(placed.id);
    expect(routed.shipments).toMatchObject([{ status: 'PENDING', location: { code: 'berlin-mitte' } }]);

    // The buyer follows the order with its access token.
    const live = follow(wsClient(t.url.replace(/^http/, 'ws'), accessToken, clients),
      `subscription($id: ID!) { orderEvents(orderId: $id) { type message shipment { status pickupCode } } }`, { id: placed.id });
    await new Promise((r) => setTimeout(r, 300));

    const ready = ok(await t.admin(READY, { orderId: placed.id })).markReadyForPickup;
    expect(ready.status).toBe('READY_FOR_PICKUP');
    expect(ready.pickupCode).toBeNull(); // staff never read the code
    await settled(t);
    await live.until((rs) => rs.some((r) => r.data?.orderEvents?.shipment?.status === 'READY_FOR_PICKUP'));
    const event = live.results.find((r) => r.data?.orderEvents?.shipment?.status === 'READY_FOR_PICKUP')!.data.orderEvents;
    expect(event.type).toBe('SHIPMENT_UPDATED');
    expect(event.message).toMatch(/ready for pickup at Store berlin-mitte/);
    const code: string = event.shipment.pickupCode;
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    const [mail] = mails(new RegExp(`Order ${placed.number} is ready for pickup`));
    expect(mail.text).toContain(`Your pickup code: ${code}`);
    expect(mail.text).toContain(`Store berlin-mitte, ${STORE_ADDRESS.line1}, ${STORE_ADDRESS.postalCode} Berlin, DE`);
    // No label is bought for a collected order; the customer reads the code with its token too.
    expect(ok(await t.gql(ORDER, { id: placed.id }, accessToken)).order.shipments[0]).toMatchObject({ pickupCode: code, labelUrl: null });

    const before = await snapshot(t);
    const wrong = await t.admin(CONFIRM, { code: code === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA' });
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(fieldOf(wrong)).toBe('code');
    expect(await snapshot(t)).toEqual(before);
    expect((await order(placed.id)).shipments[0].status).toBe('READY_FOR_PICKUP');

    // Typed at the counter in lower case with a dash: the same code.
    const typed = `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase();
    const handed = ok(await t.admin(CONFIRM, { code: typed, key: 'pickup-1' })).confirmPickup;
    expect(handed.status).toBe('DELIVERED');
    // A repeat with its key answers the same; without it, collected already.
    expect(ok(await t.admin(CONFIRM, { code, key: 'pickup-1' })).confirmPickup.id).toBe(handed.id);
    expect(codeOf(await t.admin(CONFIRM, { code }))).toBe('INVALID_STATE_TRANSITION');
    await settled(t);
    const done = await order(placed.id);
    expect(done.status).toBe('DELIVERED');
    expect(done.shipments[0]).toMatchObject({ status: 'DELIVERED', pickupCode: null });
    // Stock out of the store through the ledger (a SHIPPED movement), captured on the handover.
    expect(await level('MUG', 'berlin-mitte')).toEqual({ onHand: berlinBefore.onHand - 2, reserved: berlinBefore.reserved });
    const [moved] = await t.sql(`SELECT SUM(m.delta) AS n FROM stock_movement m JOIN stock_location l ON l.id = m.location_id WHERE m.sku = 'MUG' AND l.code = 'berlin-mitte' AND m.reason = 'SHIPPED' AND m.order_id = ?`, [placed.id]);
    expect(Number(moved.n)).toBe(-2);
    expect(done.paymentStatus).toBe('PAID');
    expect(done.payments[0].amountCaptured).toBe(done.total);
    const history = ok(await t.admin(`query($id: ID!) { order(id: $id) { history { toStatus } } }`, { id: placed.id })).order.history.map((h: any) => h.toStatus).filter(Boolean);
    expect(history.slice(-2)).toEqual(['SHIPPED', 'DELIVERED']);
  });

  it('the store address cannot be replaced by an order edit', async () => {
    const { order: placed } = await placeRouted([{ sku: 'CAP', quantity: 1 }]);
    const edit = ok(await t.admin(`mutation($id: ID!) { beginOrderEdit(orderId: $id) { id } }`, { id: placed.id })).beginOrderEdit;
    const r = await t.admin(`mutation($id: ID!, $a: AddressInput!) { orderEditSetShippingAddress(editId: $id, address: $a) { id } }`, { id: edit.id, a: BUYER });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(fieldOf(r)).toBe('shippingAddress');
  });

  it('an order not collected within the window is cancelled by housekeeping and its captured money refunded', async () => {
    // Captured at placement, so that cancelling gives money back (the default policy would void instead).
    ok(await t.admin(`mutation { updateChannel(code: "default", input: { capturePolicy: ON_PLACEMENT }) { code } }`));
    const before = await level('CAP', 'berlin-mitte');
    const { order: late } = await placeRouted([{ sku: 'CAP', quantity: 2 }]);
    const { order: recent } = await placeRouted([{ sku: 'CAP', quantity: 1 }]);
    await until(() => order(late.id), (o) => o.paymentStatus === 'PAID');
    const shipment = ok(await t.admin(READY, { orderId: late.id })).markReadyForPickup;
    ok(await t.admin(READY, { orderId: recent.id }));
    // Marked ready four days ago: past the 3-day window (the other one waits, just marked).
    const em = t.em();
    await em.nativeUpdate(Shipment, { id: shipment.id }, { readyForPickupAt: new Date(Date.now() - 4 * 86_400_000) });

    const cancelled = await until(() => order(late.id), (o) => o.status === 'CANCELLED', 20_000);
    await settled(t);
    const after = await order(late.id);
    expect(after.shipments[0].status).toBe('CANCELLED');
    expect(after.payments[0]).toMatchObject({ amountCaptured: cancelled.total, amountRefunded: cancelled.total });
    expect(after.paymentStatus).toBe('REFUNDED');
    const history = ok(await t.admin(`query($id: ID!) { order(id: $id) { history { toStatus actor message } } }`, { id: late.id })).order.history;
    expect(history.find((h: any) => h.toStatus === 'CANCELLED')).toMatchObject({ actor: 'system', message: expect.stringMatching(/not collected within 3 day/) });
    expect(mails(new RegExp(`Order ${late.number} cancelled`))).toHaveLength(1);
    // Its units are back on sale at the store; the recent order keeps its unit and stays ready.
    expect(await level('CAP', 'berlin-mitte')).toEqual({ onHand: before.onHand, reserved: before.reserved + 1 });
    expect((await order(recent.id)).shipments[0].status).toBe('READY_FOR_PICKUP');
    ok(await t.admin(`mutation { updateChannel(code: "default", input: { capturePolicy: ON_FIRST_SHIPMENT }) { code } }`));
  });
});
