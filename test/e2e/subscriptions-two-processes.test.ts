// Two compiled engine processes, one PostgreSQL, one Redis: a subscriber on process A hears what was
// caused through process B (the outbox relay of B publishes on Redis; A's fan-out hears it once), and
// each subscriber gets each event once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { createPgDatabase, REDIS_URL, uniqueName } from '../helpers/services.js';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import type { TestEngine } from '../helpers/engine.js';
import { follow, wsClient, type Follower } from './subscriptions.helpers.js';

const ADMIN_KEY = 'e2e-live-two-procs-admin-key-012345';
const SKU = 'LIVE-2P';
const ORDER_EVENTS = `subscription($id: ID!) { orderEvents(orderId: $id) { type message order { id status } } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live events across two engine processes (PostgreSQL + Redis)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: SpawnedEngine | undefined;
  let b: SpawnedEngine | undefined;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createPgDatabase();
    const env = {
      DATABASE_URL: db.url, REDIS_URL, ORDO_REDIS_PREFIX: uniqueName('ordo-live'), ADMIN_API_KEY: ADMIN_KEY,
      ORDO_SEED_DEMO: '0', NODE_ENV: 'production', ORDO_MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '10',
    };
    a = await spawnEngine(env);
    b = await spawnEngine(env);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([a?.stop().catch(() => {}), b?.stop().catch(() => {})]);
    await db?.drop();
  });

  it('a subscriber on process A hears events caused through process B, each once', async () => {
    const viaB = { admin: (q: string, v?: Record<string, unknown>) => gqlAt(b!.url, q, v, ADMIN_KEY) } as unknown as TestEngine;
    await setupShop(viaB, { locations: [{ code: 'wh-a', priority: 10 }], variants: [{ sku: SKU, price: 1000, stock: { 'wh-a': 10 } }] });
    const placed = ok(await gqlAt(b!.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { payment: { method: 'manual' } }) })).placeOrder;
    const orderId = placed.order.id;

    // Two subscribers on A (guest token and admin), one on B.
    const onA1 = follow(wsClient(a!.wsUrl, placed.accessToken, clients), ORDER_EVENTS, { id: orderId });
    const onA2 = follow(wsClient(a!.wsUrl, ADMIN_KEY, clients), ORDER_EVENTS, { id: orderId });
    const onB = follow(wsClient(b!.wsUrl, placed.accessToken, clients), ORDER_EVENTS, { id: orderId });
    const stockOnA = follow(wsClient(a!.wsUrl, undefined, clients), `subscription { stockLevelChanged(sku: "${SKU}") { available } }`);
    await sleep(500);

    // Everything happens through B: money received (CONFIRMED), a hold, its release, a cancellation.
    ok(await gqlAt(b!.url, `mutation($id: ID!) { capturePayment(id: $id) { status } }`, { id: placed.order.payments[0].id }, ADMIN_KEY));
    const stuck = ok(await gqlAt(b!.url, `mutation($id: ID!) { holdOrder(id: $id, reason: "check") { status } }`, { id: orderId }, ADMIN_KEY)).holdOrder;
    expect(stuck.status).toBe('ON_HOLD');
    ok(await gqlAt(b!.url, `mutation($id: ID!) { cancelOrder(id: $id, reason: "done") { status } }`, { id: orderId }, ADMIN_KEY));

    const statuses = (f: Follower) => f.results.filter((r) => r.data?.orderEvents.type === 'STATUS_CHANGED').map((r) => r.data.orderEvents.order.status);
    for (const f of [onA1, onA2, onB]) await f.until(() => statuses(f).includes('CANCELLED')).catch((e) => { throw new Error(`${e.message}\nA:${a!.output()}\nB:${b!.output()}`); });
    // The cancellation's refund and the capture's invoice are written by jobs, after the mutations
    // answered: wait for both, so that nothing of this order is still to come when the marker is written.
    const heard = (f: Follower, type: string) => f.results.some((r) => r.data?.orderEvents.type === type);
    for (const f of [onA1, onA2, onB]) await f.until(() => heard(f, 'REFUND_ISSUED') && heard(f, 'INVOICE_ISSUED')
      && f.results.some((r) => r.data?.orderEvents.message === 'Payment status is REFUNDED.'));
    // The marker: one more event of the order, written to the outbox after all that (a relay publishes it
    // on its next poll). Events reach a subscriber in order, so once it is here a duplicate of an earlier
    // event would be here too.
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await sql.query('INSERT INTO outbox_event (type, aggregate_id, payload, created_at_ms, attempts) VALUES ($1, $2, $3, $4, 0)',
      ['order.payment_status_changed', orderId, JSON.stringify({ orderId, message: 'marker' }), Date.now()]);
    await sql.end();
    const marked = (f: Follower) => f.results.some((r) => r.data?.orderEvents.message === 'marker');
    for (const f of [onA1, onA2, onB]) await f.until(() => marked(f));
    for (const f of [onA1, onA2, onB]) {
      expect(f.results.every((r) => !r.errors), JSON.stringify(f.results)).toBe(true);
      expect(statuses(f)).toEqual(['CONFIRMED', 'ON_HOLD', 'CANCELLED']);
    }
    // The three subscribers heard the same events, once each.
    // Up to the marker: jobs (a credit note) may still add events after it, on their way to each subscriber.
    const seq = (f: Follower) => {
      const all = f.results.map((r) => `${r.data.orderEvents.type}:${r.data.orderEvents.message}`);
      return all.slice(0, all.indexOf('PAYMENT_STATUS_CHANGED:marker') + 1);
    };
    expect(seq(onA1)).toEqual(seq(onB));
    expect(seq(onA2)).toEqual(seq(onB));
    expect(new Set(seq(onA1)).size).toBe(seq(onA1).length);
    // The cancellation released the reserved unit: A's stock subscriber heard it.
    await stockOnA.until((r) => r.some((x) => x.data?.stockLevelChanged.available === 10));
  }, 60_000);
});
