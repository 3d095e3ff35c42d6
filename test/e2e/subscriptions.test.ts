// Live updates over graphql-ws against the compiled server process (SQLite, in-process pub/sub): a guest
// follows an order from CONFIRMED to DELIVERED with its access token, other tokens are refused, a signed-in
// customer hears their own orders, a revoked API key and an expired or revoked session end their
// subscriptions, and stockLevelChanged follows orders and restocks. Absences ("not others'") are checked
// after a later marker event arrived, since events reach a subscriber in order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { Client } from 'graphql-ws';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import type { TestEngine } from '../helpers/engine.js';
import { follow, wsClient, type Follower } from './subscriptions.helpers.js';

const ADMIN_KEY = 'e2e-subscriptions-admin-key-0123456789';
const SKU = 'LIVE-1';
const OTHER_SKU = 'LIVE-OTHER';
const ORDER_EVENTS = `subscription($id: ID!) { orderEvents(orderId: $id) { type message at order { id number status } shipment { id status trackingNumber } } }`;
const MY_EVENTS = `subscription { myOrderEvents { type message order { id status } } }`;
const STOCK = `subscription($sku: String!) { stockLevelChanged(sku: $sku) { sku available } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('subscriptions over graphql-ws (compiled server, SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-e2e-live-'));
  let s: SpawnedEngine;
  const clients: Client[] = [];
  const admin = (q: string, v?: Record<string, unknown>) => gqlAt(s.url, q, v, ADMIN_KEY);

  beforeAll(async () => {
    s = await spawnEngine({
      ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', NODE_ENV: 'production', ORDO_MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn',
      ORDO_SUBSCRIPTION_RECHECK_MS: '300', DATABASE_URL: undefined,
    });
    await setupShop({ admin } as unknown as TestEngine, { locations: [{ code: 'wh-a', priority: 10 }], variants: [{ sku: SKU, price: 1000, stock: { 'wh-a': 100 } }, { sku: OTHER_SKU, price: 500, stock: { 'wh-a': 10 } }] });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await s?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a guest with the order access token follows the order from CONFIRMED to DELIVERED and hears every status in order', async () => {
    const placed = ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'guest@example.com', payment: { method: 'manual' } }) })).placeOrder;
    expect(placed.order.status).toBe('PENDING');
    const orderId = placed.order.id;
    const guest = follow(wsClient(s.wsUrl, placed.accessToken, clients), ORDER_EVENTS, { id: orderId });
    await sleep(400); // the subscription is registered on the server

    // Money received → CONFIRMED; the routing job makes a shipment; staff pick, pack, ship; the carrier delivers.
    ok(await admin(`mutation($id: ID!) { capturePayment(id: $id) { status } }`, { id: placed.order.payments[0].id }));
    const shipment = await poll(async () => {
      const o = ok(await admin(`query($id: ID!) { order(id: $id) { shipments { id status } } }`, { id: orderId })).order;
      return o.shipments[0];
    });
    ok(await admin(`mutation($id: ID!) { markShipmentPicked(id: $id) { id } }`, { id: shipment.id }));
    ok(await admin(`mutation($id: ID!) { markShipmentPacked(id: $id) { id } }`, { id: shipment.id }));
    await poll(async () => ok(await admin(`query($id: ID!) { shipment(id: $id) { status } }`, { id: shipment.id })).shipment.status === 'LABELLED' || null);
    const shipped = ok(await admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { trackingNumber } }`, { id: shipment.id })).markShipmentShipped;
    ok(await admin(`mutation($i: TrackingEventInput!) { recordTrackingEvent(input: $i) { status } }`, { i: { trackingNumber: shipped.trackingNumber, status: 'DELIVERED' } }));

    const statuses = (r: Follower['results']) => r.filter((x) => x.data?.orderEvents.type === 'STATUS_CHANGED').map((x) => x.data.orderEvents.order.status);
    await guest.until((r) => statuses(r).includes('DELIVERED'));
    expect(guest.results.every((r) => !r.errors), JSON.stringify(guest.results)).toBe(true);
    expect(statuses(guest.results)).toEqual(['CONFIRMED', 'IN_FULFILLMENT', 'SHIPPED', 'DELIVERED']);
    const events = guest.results.map((r) => r.data.orderEvents);
    for (const e of events) expect(e.order).toMatchObject({ id: orderId, number: placed.order.number });
    // Times never go back, and the shipment events carry the shipment.
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const shipmentEvents = events.filter((e) => e.type === 'SHIPMENT_UPDATED');
    expect(shipmentEvents.map((e) => e.shipment.id).every((id) => id === shipment.id)).toBe(true);
    expect(shipmentEvents.some((e) => e.shipment.trackingNumber === shipped.trackingNumber)).toBe(true);
    expect(events.some((e) => e.type === 'PAYMENT_STATUS_CHANGED')).toBe(true);
    // Nothing twice: each event once (a replay would repeat a message at the same instant).
    const keys = events.map((e) => `${e.type}|${e.at}|${e.message}`);
    expect(new Set(keys).size).toBe(keys.length);
  }, 60_000);

  it("refuses another order's token and another customer's session (FORBIDDEN on subscribe), and anonymous callers", async () => {
    const first = ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'a@example.com' }) })).placeOrder;
    const second = ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'b@example.com' }) })).placeOrder;
    const reg = ok(await gqlAt(s.url, `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, { i: { email: 'other@example.com', password: 'correct horse battery' } })).registerCustomer;
    for (const [token, code] of [[second.accessToken, 'FORBIDDEN'], [reg.token, 'FORBIDDEN'], [undefined, 'UNAUTHENTICATED']] as const) {
      const f = follow(wsClient(s.wsUrl, token, clients), ORDER_EVENTS, { id: first.order.id });
      await f.until((r) => r.length > 0 || f.done, 10_000).catch(() => {});
      await f.ended;
      const errors = f.results[0]?.errors ?? (f.error as { message: string; extensions?: Record<string, unknown> }[] | undefined);
      expect(errors?.[0]?.extensions?.code, JSON.stringify({ results: f.results, error: f.error })).toBe(code);
    }
    // The right token is accepted on the same server.
    const mine = follow(wsClient(s.wsUrl, first.accessToken, clients), ORDER_EVENTS, { id: first.order.id });
    await sleep(300);
    ok(await admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "test") { status } }`, { id: first.order.id }));
    await mine.until((r) => r.some((x) => x.data?.orderEvents.order.status === 'CANCELLED'));
  });

  it("a signed-in customer hears their own orders' events (myOrderEvents), not others'", async () => {
    const reg = ok(await gqlAt(s.url, `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, { i: { email: 'me@example.com', password: 'correct horse battery' } })).registerCustomer;
    // Another customer's order (a guest order would belong to no customer at all).
    const someoneElse = ok(await gqlAt(s.url, `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, { i: { email: 'x@example.com', password: 'correct horse battery' } })).registerCustomer;
    const other = ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'x@example.com' }) }, someoneElse.token)).placeOrder.order;
    const f = follow(wsClient(s.wsUrl, reg.token, clients), MY_EVENTS);
    // Registered once it hears an order of mine placed after it (one placed before it started is missed).
    const mine: string[] = [];
    await heardAfter(f, async () => void mine.push(ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'me@example.com' }) }, reg.token)).placeOrder.order.id));
    ok(await admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "x") { status } }`, { id: other.id }));
    // The marker: events reach a subscriber in the order they happened, so once this one is here, the
    // other customer's cancellation would be here too.
    ok(await admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "y") { status } }`, { id: mine[0] }));
    await f.until((r) => r.some((x) => x.data?.myOrderEvents.order.id === mine[0] && x.data.myOrderEvents.order.status === 'CANCELLED'));
    const heardOf = new Set(f.results.map((r) => r.data?.myOrderEvents.order.id));
    expect([...heardOf].filter((id) => !mine.includes(id))).toEqual([]);
  });

  it('a subscription whose API key is revoked is ended (UNAUTHENTICATED)', async () => {
    const created = ok(await admin(`mutation { createApiKey(name: "live-staff", roles: ["orders"]) { token } }`)).createApiKey;
    const order = ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }]) })).placeOrder.order;
    const f = follow(wsClient(s.wsUrl, created.token, clients), ORDER_EVENTS, { id: order.id });
    // Live first: it hears the order's events (held, released, ...) while the key is valid.
    let held = false;
    await heardAfter(f, async () => {
      held = !held;
      ok(await admin(held ? `mutation($id: ID!) { holdOrder(id: $id, reason: "probe") { status } }` : `mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: order.id }));
    });
    expect(f.done).toBe(false);
    ok(await admin(`mutation { revokeApiKey(name: "live-staff") }`));
    await Promise.race([f.ended, sleep(5_000)]);
    expect(f.done, 'the subscription ends within a few re-check periods').toBe(true);
    const errors = f.error as { extensions?: Record<string, unknown> }[];
    expect(errors?.[0]?.extensions?.code, JSON.stringify(f.error)).toBe('UNAUTHENTICATED');
  });

  it('a customer session that expires, or is revoked, ends its subscriptions (UNAUTHENTICATED)', async () => {
    const ends: Record<string, Follower> = {};
    for (const who of ['expires', 'revoked']) {
      const email = `${who}@example.com`;
      const reg = ok(await gqlAt(s.url, `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, { i: { email, password: 'correct horse battery' } })).registerCustomer;
      const f = follow(wsClient(s.wsUrl, reg.token, clients), MY_EVENTS);
      await heardAfter(f, () => gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email }) }, reg.token).then(ok));
      ends[who] = f;
    }
    // ORDO_SESSION_DAYS is at least a day: the session is made to run out in the database instead (the
    // engine's own file; SQLite keeps dates as epoch milliseconds).
    const db = new Database(join(dataDir, 'ordo.sqlite'), { timeout: 5_000 });
    try {
      const session = `customer_id = (SELECT id FROM customer WHERE email = ?)`;
      db.prepare(`UPDATE customer_session SET expires_at = ? WHERE ${session}`).run(Date.now() - 1_000, 'expires@example.com');
      db.prepare(`UPDATE customer_session SET revoked_at = ? WHERE ${session}`).run(Date.now(), 'revoked@example.com');
    } finally {
      db.close();
    }
    for (const [who, f] of Object.entries(ends)) {
      await Promise.race([f.ended, sleep(5_000)]);
      expect(f.done, `${who}: the subscription ends within a few re-check periods`).toBe(true);
      expect((f.error as { extensions?: Record<string, unknown> }[])?.[0]?.extensions?.code, `${who}: ${JSON.stringify(f.error)}`).toBe('UNAUTHENTICATED');
    }
  });

  it('stockLevelChanged (public) follows an order and a restock, and only its SKU', async () => {
    const f = follow(wsClient(s.wsUrl, undefined, clients), STOCK, { sku: SKU });
    const unrelated = follow(wsClient(s.wsUrl, undefined, clients), STOCK, { sku: OTHER_SKU });
    const restock = (sku: string, delta: number) => admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku, locationCode: 'wh-a', delta, reason: 'RECEIVED' } }).then(ok);
    // Both registered: each has heard a change of its own SKU.
    await heardAfter(f, () => restock(SKU, 1));
    await heardAfter(unrelated, () => restock(OTHER_SKU, 1));
    const before = ok(await gqlAt(s.url, `query($s: String!) { variant(sku: $s) { available } }`, { s: SKU })).variant.available;
    const n = f.results.length;
    ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 2 }]) }));
    await f.until((r) => r.length >= n + 1);
    expect(f.results[n].data).toEqual({ stockLevelChanged: { sku: SKU, available: before - 2 } });
    await restock(SKU, 5);
    await f.until((r) => r.length >= n + 2);
    expect(f.results[n + 1].data).toEqual({ stockLevelChanged: { sku: SKU, available: before + 3 } });
    // The marker: a change of the other SKU after those; when it arrives, theirs would have too.
    const seen = unrelated.results.length;
    await restock(OTHER_SKU, 1);
    await unrelated.until((r) => r.length > seen);
    expect(unrelated.results.map((r) => r.data?.stockLevelChanged.sku)).toEqual(unrelated.results.map(() => OTHER_SKU));
  });
});

/**
 * Waits until a subscription hears something caused after it started: `poke` causes an event, and is
 * repeated until one arrives (a subscription that is not registered on the server yet misses it).
 */
async function heardAfter(f: Follower, poke: () => Promise<unknown>, tries = 20): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const seen = f.results.length;
    await poke();
    try {
      await f.until((r) => r.length > seen, 1_000);
      return;
    } catch (e) {
      if (f.done) throw e;
    }
  }
  throw new Error(`the subscription heard nothing in ${tries} tries: ${JSON.stringify(f.results)}`);
}

async function poll<T>(fn: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('a slow subscriber', () => {
  it('is ended (RATE_LIMITED) once more than MAX_QUEUE events wait for it; a subscriber that keeps up gets every event', async () => {
    const { LiveSubscriber } = await import('../../src/live/subscriber.js');
    const { MAX_QUEUE } = await import('../../src/live/fan-out.js');
    const closed: string[] = [];
    const slow = new LiveSubscriber<number>({ kind: 'anonymous' }, undefined, MAX_QUEUE, () => closed.push('slow'));
    const fast = new LiveSubscriber<number>({ kind: 'anonymous' }, undefined, MAX_QUEUE, () => closed.push('fast'));
    const heard: number[] = [];
    const reader = (async () => { for await (const v of fast) { heard.push(v); if (v === MAX_QUEUE + 9) break; } })();
    for (let i = 0; i < MAX_QUEUE + 10; i++) {
      slow.push(i);
      fast.push(i);
      await Promise.resolve();
    }
    await reader;
    expect(heard).toEqual(Array.from({ length: MAX_QUEUE + 10 }, (_, i) => i));
    expect(slow.closed).toBe(true);
    expect(closed).toContain('slow');
    // What was queued is dropped with it; the consumer gets the error at once.
    await expect(slow.next()).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(await slow.next()).toEqual({ value: undefined, done: true });
  });
});
