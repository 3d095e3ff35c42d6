// webhooks against a real HTTP receiver, on both databases, enabled by an ordo.config file with its
// options: signed deliveries arrive once each, a 500 is retried until it succeeds, and an endpoint that
// keeps failing is disabled.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, pluginImport, startTestEngine, type TestEngine } from '../../test/helpers/engine.js';
import { ok } from '../../test/helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../../test/helpers/fixtures.js';
import { settled } from '../../test/helpers/settled.js';
import { coreModules } from '../../src/modules.js';
import { printSchemaFile } from '../../src/schema-print.js';
import { webhooks } from './index.js';

// The options the assertions below count on (3 tries, 2 failed deliveries disable an endpoint).
const configFile = `
import { webhooks } from ${JSON.stringify(pluginImport('plugins/webhooks/index.ts'))};
export default { plugins: [webhooks({ maxAttempts: 3, backoffMs: 50, disableAfter: 2 })] };
`;

interface Received { path: string; headers: Record<string, string | string[] | undefined>; body: string }

/** A receiver: every request is recorded; `failFirst[path]` requests to a path answer 500 (-1: always). */
function receiver() {
  const got: Received[] = [];
  const failFirst: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      got.push({ path, headers: req.headers, body });
      const seen = got.filter((g) => g.path === path).length;
      const fail = failFirst[path] ?? 0;
      res.statusCode = fail === -1 || seen <= fail ? 500 : 200;
      res.end('ok');
    });
  });
  return { got, failFirst, server };
}

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const verify = (secret: string, r: Received) => {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['x-ordo-signature']));
  if (!m) return false;
  return createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest('hex') === m[2];
};

const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id url eventTypes enabled failureCount } } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(endpointId: $id) { id eventId eventType status attempts responseStatus lastError } }`;

describe.each(DB_KINDS)('webhooks on %s', (kind) => {
  let t: TestEngine;
  const rx = receiver();
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => rx.server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(rx.server.address() as AddressInfo).port}`;
    t = await startTestEngine(kind, { configFile });
    expect(t.engine.app.modules.map((m) => m.name)).toContain('webhooks');
    await setupShop(t, { variants: [{ sku: 'WH', price: 1000, stock: { 'wh-a': 100 } }] });
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((r) => rx.server.close(r));
  });
  const placeOrder = async () => ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'WH', quantity: 1 }]) })).placeOrder.order.id as string;
  const create = async (path: string, eventTypes: string[]) =>
    ok(await t.admin(CREATE, { i: { url: `${base}${path}`, eventTypes } })).createWebhookEndpoint as { secret: string; endpoint: { id: string } };

  it('needs an admin, and checks the URL', async () => {
    expect((await t.gql(CREATE, { i: { url: `${base}/x` } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.admin(CREATE, { i: { url: 'ftp://x' } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('delivers each matching event once, signed', async () => {
    const { secret, endpoint } = await create('/a', ['order.confirmed']);
    const ids = [await placeOrder(), await placeOrder()];
    const at = (p: string) => rx.got.filter((g) => g.path === p);
    await until(() => at('/a').length >= 2);
    await settled(t); // every delivery job has run: a duplicate would be here now
    expect(at('/a')).toHaveLength(2);
    expect(at('/a').every((r) => verify(secret, r))).toBe(true);
    expect(at('/a').every((r) => !verify('another-secret-0123456789', r))).toBe(true);
    const bodies = at('/a').map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type)).toEqual(['order.confirmed', 'order.confirmed']);
    expect(bodies.map((b) => b.payload.orderId).sort()).toEqual([...ids].sort());
    expect(new Set(bodies.map((b) => b.id)).size).toBe(2);
    await until(async () => ok(await t.admin(DELIVERIES, { id: endpoint.id })).webhookDeliveries.every((d: any) => d.status === 'SUCCEEDED'));
    const deliveries = ok(await t.admin(DELIVERIES, { id: endpoint.id })).webhookDeliveries;
    expect(deliveries).toHaveLength(2);
    expect(deliveries.every((d: any) => d.attempts === 1 && d.responseStatus === 200 && d.eventType === 'order.confirmed')).toBe(true);
  });

  it('retries a 500 with backoff until it succeeds, recording each attempt', async () => {
    rx.failFirst['/b'] = 1;
    const { endpoint } = await create('/b', ['order.confirmed']);
    await placeOrder();
    await until(async () => ok(await t.admin(DELIVERIES, { id: endpoint.id })).webhookDeliveries[0]?.status === 'SUCCEEDED');
    const [d] = ok(await t.admin(DELIVERIES, { id: endpoint.id })).webhookDeliveries;
    expect(d).toMatchObject({ attempts: 2, responseStatus: 200, lastError: null });
    const tries = rx.got.filter((g) => g.path === '/b');
    expect(tries).toHaveLength(2);
    expect(JSON.parse(tries[0].body).id).toBe(JSON.parse(tries[1].body).id);
  });

  it('disables an endpoint after consecutive failed deliveries, and deletes it', async () => {
    rx.failFirst['/c'] = -1;
    const { endpoint } = await create('/c', ['order.placed']);
    await placeOrder();
    await placeOrder();
    const ENDPOINTS = `{ webhookEndpoints { id enabled failureCount } }`;
    const mine = async () => ok(await t.admin(ENDPOINTS)).webhookEndpoints.find((e: any) => e.id === endpoint.id);
    await until(async () => (await mine()).enabled === false);
    expect(await mine()).toMatchObject({ failureCount: 2 });
    const deliveries = ok(await t.admin(DELIVERIES, { id: endpoint.id })).webhookDeliveries;
    expect(deliveries.map((d: any) => [d.status, d.attempts, d.responseStatus])).toEqual([['FAILED', 3, 500], ['FAILED', 3, 500]]);
    const before = rx.got.filter((g) => g.path === '/c').length;
    expect(before).toBe(6);
    await placeOrder();
    await settled(t); // the new order's events are handled: a delivery to /c would have been tried
    expect(rx.got.filter((g) => g.path === '/c')).toHaveLength(before);
    expect(ok(await t.admin(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: endpoint.id })).deleteWebhookEndpoint).toBe(true);
    expect(await mine()).toBeUndefined();
  });
});

describe('webhooks schema', () => {
  it('adds its types only when the plugin is enabled', async () => {
    const core = await printSchemaFile(coreModules);
    const withPlugin = await printSchemaFile([...coreModules, webhooks()]);
    for (const name of ['type WebhookEndpoint', 'type WebhookDelivery', 'enum WebhookDeliveryStatus', 'createWebhookEndpoint(', 'deleteWebhookEndpoint(', 'webhookDeliveries(']) {
      expect(withPlugin).toContain(name);
      expect(core).not.toContain(name);
    }
  });
});
