// The staff's live order list (orderFeed) on both databases: a member hears every new order and every
// change of their channels' orders, over graphql-ws, without naming an order; a member kept to one
// channel never hears another channel's order, and asking for another channel is refused; a buyer or
// a key without the orders role cannot subscribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { follow, wsClient } from '../e2e/subscriptions.helpers.js';

const FEED = `subscription($c: String) { orderFeed(channelCode: $c) { type message order { id number status channel { code } } } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DB_KINDS)('orderFeed on %s', (kind: DbKind) => {
  let t: TestEngine;
  const clients: Client[] = [];
  let scoped: string;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { variants: [{ sku: 'FD', price: 1000, stock: { 'wh-a': 50 } }] });
    ok(await t.admin(`mutation { createChannel(input: { code: "eu-web", name: "EU web", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    scoped = ok(await t.admin(`mutation { createApiKey(name: "eu-ops", roles: ["orders"], channelCodes: ["eu-web"]) { token } }`)).createApiKey.token;
  }, 90_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  const ws = (token?: string) => wsClient(t.url.replace(/^http/, 'ws'), token, clients);
  const place = async (channelCode?: string) => ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'FD', quantity: 1 }], channelCode ? { channelCode } : {}) })).placeOrder.order;
  // By id: each channel numbers its orders from its own sequence, so two channels' first orders share a number.
  const idsIn = (f: { results: any[] }) => new Set(f.results.map((r) => r.data?.orderFeed?.order?.id).filter(Boolean));

  it('staff hear new orders and changes of every channel; a scoped member only theirs', async () => {
    const all = follow(ws(t.env.ADMIN_API_KEY), FEED);
    const mine = follow(ws(scoped), FEED);
    const onlyHome = follow(ws(t.env.ADMIN_API_KEY), FEED, { c: 'default' });
    await sleep(300); // the subscriptions are registered before the orders are placed
    const home = await place();
    const web = await place('eu-web');
    await all.until(() => idsIn(all).has(home.id) && idsIn(all).has(web.id));
    await mine.until(() => idsIn(mine).has(web.id));
    await onlyHome.until(() => idsIn(onlyHome).has(home.id));
    // A change is heard too, with the order as it is now.
    ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "check") { status } }`, { id: web.id }));
    await mine.until((r) => r.some((x) => x.data?.orderFeed?.order?.id === web.id && x.data.orderFeed.order.status === 'ON_HOLD'));
    await all.until((r) => r.some((x) => x.data?.orderFeed?.order?.id === web.id && x.data.orderFeed.order.status === 'ON_HOLD'));
    // Whatever else arrived meanwhile, the scoped member never heard the other channel's order.
    await sleep(300);
    expect(idsIn(mine).has(home.id)).toBe(false);
    expect(mine.results.every((r) => r.data?.orderFeed?.order?.channel?.code === 'eu-web')).toBe(true);
    expect(idsIn(onlyHome).has(web.id)).toBe(false);
  });

  it('another channel, a buyer and a key without the orders role are refused', async () => {
    const other = follow(ws(scoped), FEED, { c: 'default' });
    await other.until(() => other.done);
    expect(JSON.stringify(other.error ?? other.results)).toMatch(/FORBIDDEN/);
    const anonymous = follow(ws(undefined), FEED);
    await anonymous.until(() => anonymous.done);
    expect(JSON.stringify(anonymous.error ?? anonymous.results)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    const catalogKey = ok(await t.admin(`mutation { createApiKey(name: "cat", roles: ["catalog"]) { token } }`)).createApiKey.token;
    const cat = follow(ws(catalogKey), FEED);
    await cat.until(() => cat.done);
    expect(JSON.stringify(cat.error ?? cat.results)).toMatch(/FORBIDDEN/);
  });
});
