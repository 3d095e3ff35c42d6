// Live updates executed once per audience (src/live/audience.ts): subscribers over real WebSockets that
// send the same document and variables with the same grant share one execution of an event; each still
// sees only what its principal may (an order token holder is refused the customer's other orders, the
// customer and staff are not), and another document or other variables get a result of their own. The
// `next` messages the engine writes itself are the bytes graphql-ws would send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { follow, wsClient, type Follower } from '../e2e/subscriptions.helpers.js';
import { EventFanOut } from '../../src/live/fan-out.js';

const SKU = 'AUD-1';
const WITH_ORDERS = `subscription($id: ID!, $n: Int) { orderEvents(orderId: $id) { type order { id status customer { orders(first: $n) { nodes { id } } } } } }`;
const OTHER_FIELDS = `subscription($id: ID!) { orderEvents(orderId: $id) { type message order { id status } } }`;

describe('live updates shared per audience (SQLite)', () => {
  let t: TestEngine;
  const clients: Client[] = [];
  let customer: string;
  let first: { id: string; accessToken: string };
  let second: string;
  const fanOut = () => t.engine.app.service(EventFanOut);
  const ws = () => t.url.replace(/^http/, 'ws');

  beforeAll(async () => {
    t = await startTestEngine('sqlite');
    await setupShop(t, { variants: [{ sku: SKU, price: 1000, stock: { 'wh-a': 20 } }] });
    customer = ok(await t.gql(`mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, { i: { email: 'aud@example.com', password: 'correct horse battery' } })).registerCustomer.token;
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'aud@example.com' }) }, customer)).placeOrder;
    first = { id: placed.order.id, accessToken: placed.accessToken };
    second = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'aud@example.com' }) }, customer)).placeOrder.order.id;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  it('executes an event once per document, variables and grant, and each subscriber sees only what it may', async () => {
    const before = { subscribers: fanOut().subscriberCount, audiences: fanOut().audienceCount };
    const holder1 = follow(wsClient(ws(), first.accessToken, clients), WITH_ORDERS, { id: first.id, n: 5 });
    const holder2 = follow(wsClient(ws(), first.accessToken, clients), WITH_ORDERS, { id: first.id, n: 5 });
    const owner = follow(wsClient(ws(), customer, clients), WITH_ORDERS, { id: first.id, n: 5 });
    const ownerOne = follow(wsClient(ws(), customer, clients), WITH_ORDERS, { id: first.id, n: 1 });
    const staff = follow(wsClient(ws(), ADMIN_KEY, clients), WITH_ORDERS, { id: first.id, n: 5 });
    const otherFields = follow(wsClient(ws(), first.accessToken, clients), OTHER_FIELDS, { id: first.id });
    const otherOrder = follow(wsClient(ws(), customer, clients), WITH_ORDERS, { id: second, n: 5 });
    await until(() => fanOut().subscriberCount, (n) => n === before.subscribers + 7);
    // The two holders of the order's token share one audience; every other subscriber has its own.
    expect(fanOut().audienceCount - before.audiences).toBe(6);

    const deliveries = fanOut().stats.deliveries;
    ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "audiences") { status } }`, { id: first.id }));
    const heard = [holder1, holder2, owner, ownerOne, staff, otherFields];
    for (const f of heard) await f.until((r) => r.some((x) => x.data?.orderEvents?.order.status === 'ON_HOLD'));
    const held = (f: Follower) => f.results.find((x) => x.data?.orderEvents?.order.status === 'ON_HOLD')!;

    // The token holder: the order, but not the customer's other orders (FORBIDDEN at that field).
    expect(held(holder1)).toEqual(held(holder2));
    expect(held(holder1).data!.orderEvents).toEqual({ type: 'STATUS_CHANGED', order: { id: first.id, status: 'ON_HOLD', customer: null } });
    expect(held(holder1).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The customer and staff see both orders; the customer asking for one gets one.
    const ids = (f: Follower) => held(f).data!.orderEvents.order.customer.orders.nodes.map((o: { id: string }) => o.id).sort();
    for (const f of [owner, staff]) {
      expect(held(f).errors).toBeUndefined();
      expect(ids(f)).toEqual([first.id, second].sort());
    }
    expect(ids(ownerOne)).toHaveLength(1);
    // Another document: its own fields, nothing more.
    expect(Object.keys(held(otherFields).data!.orderEvents).sort()).toEqual(['message', 'order', 'type']);
    expect(held(otherFields).data!.orderEvents.order).toEqual({ id: first.id, status: 'ON_HOLD' });
    expect(held(otherFields).errors).toBeUndefined();

    // Nothing for the subscriber of the other order, even once a later event of its own arrived.
    ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "marker") { status } }`, { id: second }));
    await otherOrder.until((r) => r.length > 0);
    expect(otherOrder.results.map((r) => r.data?.orderEvents.order.id)).toEqual([second]);
    expect(fanOut().stats.deliveries - deliveries).toBeGreaterThanOrEqual(7);
  }, 60_000);

  it('an audience ends with its last member; the next message a socket gets is what graphql-ws would send', async () => {
    const before = fanOut().audienceCount;
    const a = wsClient(ws(), ADMIN_KEY, []);
    const b = wsClient(ws(), ADMIN_KEY, []);
    const query = `subscription($id: ID!) { orderEvents(orderId: $id) { type order { status paymentStatus } } }`;
    follow(a, query, { id: first.id });
    follow(b, query, { id: first.id });
    await until(() => fanOut().audienceCount, (n) => n === before + 1);
    await a.dispose();
    await sleep(300);
    expect(fanOut().audienceCount).toBe(before + 1);
    await b.dispose();
    await until(() => fanOut().audienceCount, (n) => n === before);

    // The protocol by hand: connection_init, subscribe, then the raw text of the `next` frame.
    const socket = new WebSocket(ws(), 'graphql-transport-ws');
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(String(data)));
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${first.accessToken}` } }));
    await until(() => frames.length, (n) => n === 1);
    expect(JSON.parse(frames[0])).toEqual({ type: 'connection_ack' });
    const subscribers = fanOut().subscriberCount;
    socket.send(JSON.stringify({ id: 'raw "1"', type: 'subscribe', payload: { query, variables: { id: first.id } } }));
    await until(() => fanOut().subscriberCount, (n) => n === subscribers + 1);
    ok(await t.admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: first.id }));
    await until(() => frames.length, (n) => n >= 2);
    const next = JSON.parse(frames[1]);
    expect(next).toMatchObject({ id: 'raw "1"', type: 'next', payload: { data: { orderEvents: { type: 'STATUS_CHANGED', order: { status: expect.any(String) } } } } });
    expect(frames[1]).toBe(JSON.stringify({ id: 'raw "1"', type: 'next', payload: next.payload }));
    // Unsubscribing leaves the fan-out.
    socket.send(JSON.stringify({ id: 'raw "1"', type: 'complete' }));
    await until(() => fanOut().subscriberCount, (n) => n === subscribers);
    socket.close();
  }, 60_000);

  it('an event reaches each of 250 subscribers once, over several turns of the event loop, and the next one follows it', async () => {
    // More subscribers than the fan-out writes per turn (audience.ts, BATCH): the walk over them stops and
    // resumes; one that leaves meanwhile is skipped, the others each hear every event once, in order.
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: 'aud@example.com' }) }, customer)).placeOrder;
    const query = `subscription($id: ID!) { orderEvents(orderId: $id) { type order { id status } } }`;
    const before = fanOut().subscriberCount;
    const own: Client[] = [];
    const followers = Array.from({ length: 250 }, () => follow(wsClient(ws(), placed.accessToken, own), query, { id: placed.order.id }));
    clients.push(...own);
    await until(() => fanOut().subscriberCount, (n) => n === before + 250, 30_000);
    const leaving = own[120];
    ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "many") { status } }`, { id: placed.order.id }));
    await leaving.dispose();
    ok(await t.admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: placed.order.id }));
    const statuses = (f: Follower) => f.results.map((r) => r.data?.orderEvents.order.status);
    for (const [i, f] of followers.entries()) {
      if (i === 120) continue;
      await f.until((r) => r.length >= 2);
      expect(statuses(f)).toEqual(['ON_HOLD', 'CONFIRMED']);
    }
    // The one that left heard at most the first event, never the second.
    expect(statuses(followers[120]).filter((s) => s === 'CONFIRMED')).toEqual([]);
    await sleep(200);
    expect(followers.filter((f, i) => i !== 120 && f.results.length !== 2)).toEqual([]);
  }, 90_000);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a subscriber whose socket does not take its messages', () => {
  it('queues at most MAX_QUEUE of them, then is ended (RATE_LIMITED); one whose socket keeps up gets every message in order', async () => {
    const { LiveSubscriber } = await import('../../src/live/subscriber.js');
    const { MAX_QUEUE } = await import('../../src/live/fan-out.js');
    // Sockets as ws is to the subscriber: `send(data, cb)`, the callback once the data is taken.
    const stuck = { readyState: 1, sent: [] as string[], send(data: string) { this.sent.push(data); } };
    const flowing = { readyState: 1, sent: [] as string[], send(data: string, cb?: (err?: Error) => void) { this.sent.push(data); setImmediate(() => cb?.()); } };
    const audience = {} as never;
    const slow = new LiveSubscriber<never>({ kind: 'anonymous' }, undefined, MAX_QUEUE, () => {}, { id: 's', socket: stuck, audience });
    const fast = new LiveSubscriber<never>({ kind: 'anonymous' }, undefined, MAX_QUEUE, () => {}, { id: 'f', socket: flowing, audience });
    const ended = slow.next().then(() => 'done', (e: { extensions?: { code?: string } }) => e.extensions?.code);
    for (let i = 0; i < MAX_QUEUE + 10; i++) {
      slow.send(`m${i}`);
      fast.send(`m${i}`);
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 50));
    // The first message is on its way; MAX_QUEUE more waited; the next one ended it.
    expect(stuck.sent).toEqual(['m0']);
    expect(await ended).toBe('RATE_LIMITED');
    expect(slow.closed).toBe(true);
    expect(flowing.sent).toEqual(Array.from({ length: MAX_QUEUE + 10 }, (_, i) => `m${i}`));
    expect(fast.closed).toBe(false);
  });
});
