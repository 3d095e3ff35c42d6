// Live updates under a burst (PostgreSQL): events published faster than the fan-out can load them. Pub/sub
// hands a subscriber at most 1,024 waiting events (graphql-yoga's Repeater) and one more throws inside the
// publisher's dispatch, which ends the process: the fan-out must keep reading and keep its own backlog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { follow, wsClient } from '../e2e/subscriptions.helpers.js';
import { EventFanOut } from '../../src/live/fan-out.js';
import { EVENT_TOPIC } from '../../src/kernel/outbox/outbox-relay.js';

describe('live updates under a burst of events (PostgreSQL)', () => {
  let t: TestEngine;
  const clients: Client[] = [];
  beforeAll(async () => {
    t = await startTestEngine('postgresql');
    await setupShop(t, { variants: [{ sku: 'BURST-1', price: 1000, stock: { 'wh-a': 5 } }] });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  it('reads on while it falls behind, and still tells a subscriber the next change', async () => {
    const token = ok(await t.gql(`mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, { i: { email: 'burst@example.com', password: 'correct horse battery' } })).registerCustomer.token;
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'BURST-1', quantity: 1 }], { email: 'burst@example.com' }) }, token)).placeOrder.order;
    // A customer's subscriber makes every order event a load of its order.
    const mine = follow(wsClient(t.url.replace(/^http/, 'ws'), token, clients), `subscription { myOrderEvents { type order { id status } } }`);
    const fanOut = t.engine.app.service(EventFanOut);
    await until(() => fanOut.subscriberCount, (n) => n > 0);
    const before = fanOut.stats.events;
    for (let burst = 0; burst < 40; burst++) {
      // As the relay publishes: up to 200 in one go, then it waits for its database.
      for (let i = 0; i < 200; i++) {
        const id = 50_000_000 + burst * 200 + i;
        t.engine.app.pubsub.publish(EVENT_TOPIC, { id, type: 'order.on_hold', aggregateId: `ord_burst_${id}`, payload: { orderId: `ord_burst_${id}`, to: 'ON_HOLD' }, at: new Date().toISOString() } as never);
      }
      await new Promise((r) => setImmediate(r));
    }
    ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "after the burst") { status } }`, { id: placed.id }));
    await mine.until((r) => r.some((x) => x.data?.myOrderEvents?.order.id === placed.id && x.data.myOrderEvents.order.status === 'ON_HOLD'), 60_000);
    expect(fanOut.stats.events - before).toBeGreaterThan(8_000);
  }, 120_000);
});
