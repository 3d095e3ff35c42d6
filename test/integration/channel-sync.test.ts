// Channel connectors (issue 17): the sim-marketplace connector pulls a marketplace simulator's orders
// (its own HTTP server here, with rate limits and outages) and pushes shipments, refunds and
// cancellations back, each once. On both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { marketOrders, startMarketplaceApi, type MarketplaceApi } from '../fakes/marketplace-api.js';
import { channelPushHandlers } from '../../src/channel-sync/channel-pushes.js';
import { StockSync } from '../../src/channel-sync/stock-sync.js';

const CONNECT = `mutation($code: String!, $connector: String!, $config: JSONObject!) {
  connectChannel(channelCode: $code, connector: $connector, config: $config) { connector cursor failures }
}`;
const SYNC = `mutation($code: String!) { syncChannel(channelCode: $code) { connector } }`;
const CONNECTION = `query { channels { code connection { connector cursor failures lastError importedOrders nextAttemptAt } } }`;
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }`;
const IMPORTED = "SELECT COUNT(*) AS n, COUNT(DISTINCT external_id) AS distinct_ids FROM orders WHERE external_id LIKE 'MK-%'";

describe.each(DB_KINDS)('channel connectors on %s', (kind: DbKind) => {
  let t: TestEngine;
  let market: MarketplaceApi;
  const connection = async () => ok(await t.admin(CONNECTION)).channels.find((c: { code: string }) => c.code === 'market').connection;
  const imported = async () => {
    const [r] = await t.sql(IMPORTED);
    return { n: Number(r.n), distinct: Number(r.distinct_ids) };
  };

  beforeAll(async () => {
    market = await startMarketplaceApi();
    t = await startTestEngine(kind, { env: { ORDO_CHANNEL_BACKOFF_MS: '50' } });
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 20, autoFulfill: true }, { code: 'staffed', priority: 10 }],
      variants: [{ sku: 'MK-AUTO', price: 1200, stock: { auto: 100 } }, { sku: 'MK-SLOW', price: 1200, stock: { staffed: 1000 } }],
    });
    ok(await t.admin(`mutation { createChannel(input: { code: "market", name: "Marketplace", kind: MARKETPLACE, currencyCode: "EUR" }) { id } }`));
  });
  afterAll(async () => {
    await t?.stop();
    await market?.close();
  });

  it('refuses a connector it does not know and settings it cannot use', async () => {
    const unknown = await t.admin(CONNECT, { code: 'market', connector: 'amazon-sp', config: {} });
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(fieldOf(unknown)).toBe('connector');
    const noUrl = await t.admin(CONNECT, { code: 'market', connector: 'sim-marketplace', config: { apiKey: 'x' } });
    expect(fieldOf(noUrl)).toBe('config.baseUrl');
    expect(codeOf(await t.gql(CONNECT, { code: 'market', connector: 'sim-marketplace', config: { baseUrl: market.url, apiKey: 'x' } }))).toBe('UNAUTHENTICATED');
    expect(await connection()).toBeNull();
  });

  it('imports 500 published orders once each, through 429s and 500s, however often it polls', { timeout: 180_000 }, async () => {
    // 20 ship from the automated location at once; the rest wait at the staffed one.
    market.publish(marketOrders(500, kind, (i) => (i < 20 ? 'MK-AUTO' : 'MK-SLOW')));
    market.faults = { every429: 7, every500: 5 };
    ok(await t.admin(CONNECT, { code: 'market', connector: 'sim-marketplace', config: { baseUrl: market.url, apiKey: market.apiKey, pageSize: 50, shippingMethodCode: 'standard' } }));
    ok(await t.admin(SYNC, { code: 'market' }));
    ok(await t.admin(SYNC, { code: 'market' }));
    await until(imported, (x) => x.n === 500, 120_000);
    market.faults = {};
    // Polling again finds nothing new. (500 orders' events to work off first: on SQLite, with the rest of
    // the suite on the same two cores, that can take longer than settled's default.)
    ok(await t.admin(SYNC, { code: 'market' }));
    await settled(t, 120_000);
    expect(await imported()).toEqual({ n: 500, distinct: 500 });
    expect((await connection()).importedOrders).toBe(500);
    expect(market.answers.get(429)).toBeGreaterThan(0);
    expect(market.answers.get(500)).toBeGreaterThan(0);
    const c = await connection();
    expect(c).toMatchObject({ connector: 'sim-marketplace', cursor: '499', failures: 0, lastError: null });
    expect(market.acknowledged.size).toBe(500);
    const [paid] = await t.sql("SELECT COUNT(*) AS n FROM payment p JOIN orders o ON o.id = p.order_id WHERE o.external_id LIKE 'MK-%' AND p.method = 'external' AND p.status = 'PAID' AND p.amount_captured = 1779");
    expect(Number(paid.n)).toBe(500);
  });

  it('pushes each shipment with its tracking number once, and a cancellation with its refund once', { timeout: 180_000 }, async () => {
    // The 20 automated orders ship; each shipment reaches the marketplace once (keys differ per shipment).
    await until(() => market.shipments.length, (n) => n === 20, 60_000);
    await settled(t);
    expect(market.shipments).toHaveLength(20);
    expect(new Set(market.shipments.map((s) => s.orderId)).size).toBe(20);
    const [one] = market.shipments;
    const [row] = await t.sql("SELECT s.tracking_number FROM shipment s JOIN orders o ON o.id = s.order_id WHERE o.external_id = ?", [one.orderId]);
    expect(one.body).toMatchObject({ carrier: 'sim', tracking_number: row.tracking_number, items: [{ sku: 'MK-AUTO', quantity: 1 }] });

    // Staff cancel a waiting marketplace order: the cancellation and the refund of what the marketplace took go back, once.
    const [o] = await t.sql("SELECT id FROM orders WHERE external_id = ?", [`MK-${kind}-0100`]);
    market.faults = { every429: 2 };
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "out of stock at the marketplace", idempotencyKey: "mk-cancel-1") { id status } }`, { id: o.id }));
    await until(() => market.refunds.length + market.cancellations.length, (n) => n === 2, 60_000);
    market.faults = {};
    await settled(t);
    expect(market.cancellations).toEqual([{ orderId: `MK-${kind}-0100`, key: `ordo-cancel-${o.id}`, body: expect.objectContaining({ reason: expect.stringContaining('out of stock at the marketplace') }) }]);
    expect(market.refunds).toHaveLength(1);
    expect(market.refunds[0]).toMatchObject({ orderId: `MK-${kind}-0100`, body: { amount: 1779, currency: 'EUR' } });
    // Each push handler run again for its events (a replayed event, a job retried after the call): nothing more reaches the marketplace.
    const events = await t.sql("SELECT id, type, payload FROM outbox_event WHERE type IN ('shipment.shipped', 'payment.refunded', 'order.cancelled')");
    const app = t.engine.app;
    for (const e of events) {
      const payload = typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload;
      await channelPushHandlers[e.type]({ id: Number(e.id), type: e.type, payload, at: new Date() }, { app, em: app.orm.em.fork(), log: app.log, attempt: 2 });
    }
    expect([market.shipments.length, market.refunds.length, market.cancellations.length]).toEqual([20, 1, 1]);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it("tells each channel what it may sell: a web rush's last unit reaches the marketplace within 5 s; a 20 % share never shows more", { timeout: 120_000 }, async () => {
    const stock = await startMarketplaceApi('mk_stock_key');
    try {
      ok(await t.admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i: { name: 'Rush', variants: [{ sku: 'RUSH-1', name: 'Rush', price: 1000, currencyCode: 'EUR' }, { sku: 'SHARE-1', name: 'Share', price: 1000, currencyCode: 'EUR' }] } }));
      for (const [sku, delta] of [['RUSH-1', 10], ['SHARE-1', 100]] as const) {
        ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku, locationCode: 'staffed', delta, reason: 'RECEIVED' } }));
      }
      ok(await t.admin(`mutation { createChannel(input: { code: "stock-full", name: "Full", kind: MARKETPLACE, currencyCode: "EUR" }) { id } }`));
      ok(await t.admin(`mutation { createChannel(input: { code: "stock-share", name: "Share", kind: SOCIAL, currencyCode: "EUR" }) { id } }`));
      const config = { baseUrl: stock.url, apiKey: stock.apiKey };
      ok(await t.admin(`mutation($c: JSONObject!) { connectChannel(channelCode: "stock-full", connector: "sim-marketplace", config: $c, stockBuffer: 0) { stockBuffer } }`, { c: config }));
      // The second channel shares the simulator: its SKUs are told apart by what each channel was told (channel_stock).
      const share = await startMarketplaceApi('mk_share_key');
      try {
        ok(await t.admin(`mutation($c: JSONObject!) { connectChannel(channelCode: "stock-share", connector: "sim-marketplace", config: $c, stockSharePercent: 20, stockBuffer: 2) { stockSharePercent } }`, { c: { baseUrl: share.url, apiKey: share.apiKey } }));
        await until(() => [stock.inventory.get('RUSH-1'), share.inventory.get('SHARE-1')], ([a, b]) => a === 10 && b === 19, 20_000);

        // The web store sells the last 10 RUSH-1 at once (and 50 SHARE-1): each channel hears of it within 5 s.
        const input = (sku: string, quantity: number) => ({ email: 'rush@example.com', lines: [{ sku, quantity }], shippingAddress: { name: 'R', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' }, shippingMethodCode: 'standard', payment: { method: 'test-card', token: 'tok_visa' } });
        const sold = Date.now();
        const rush = await Promise.all([...Array.from({ length: 10 }, () => t.gql(PLACE, { input: input('RUSH-1', 1) })), t.gql(PLACE, { input: input('SHARE-1', 50) })]);
        expect(rush.filter((r) => r.errors).length).toBe(0);
        await until(() => [stock.inventory.get('RUSH-1'), share.inventory.get('SHARE-1')], ([a, b]) => a === 0 && b === 9, 5_000);
        expect(Date.now() - sold).toBeLessThan(5_000);
        // The shared channel was never told more than its share of what there was: (100 − 2) × 20 % = 19, then (50 − 2) × 20 % = 9.
        expect(share.inventoryUpdates.filter((u) => u.sku === 'SHARE-1').map((u) => u.quantity)).toEqual([19, 9]);
        expect(Math.max(...share.inventoryUpdates.filter((u) => u.sku === 'SHARE-1').map((u) => u.quantity))).toBeLessThanOrEqual(20);
        // Only what changed is pushed: RUSH-1 from 10 down to 0 (in one step, or a few if the rush spanned two syncs), never the same twice.
        const rushed = stock.inventoryUpdates.filter((u) => u.sku === 'RUSH-1').map((u) => u.quantity);
        expect([rushed[0], rushed.at(-1)]).toEqual([10, 0]);
        expect(rushed.every((q, i) => i === 0 || q < rushed[i - 1])).toBe(true);

        // Two syncs of one channel at once (a debounce bucket's job and the next one's, or a poll tick's, while
        // a push is slow): each quantity is still pushed once; the second finds nothing left to push.
        ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'SHARE-1', locationCode: 'staffed', delta: 25, reason: 'RECEIVED' } }));
        const [{ id: shareId }] = await t.sql(`SELECT id FROM channel WHERE code = 'stock-share'`);
        const sync = t.engine.app.service(StockSync);
        await Promise.all([sync.sync(t.em(), shareId), sync.sync(t.em(), shareId)]);
        // (50 + 25 − 2) × 20 % = 14, told once.
        await until(() => share.inventory.get('SHARE-1'), (q) => q === 14, 5_000);
        expect(share.inventoryUpdates.filter((u) => u.sku === 'SHARE-1').map((u) => u.quantity)).toEqual([19, 9, 14]);
      } finally {
        await share.close();
      }
    } finally {
      await stock.close();
    }
  });
});
