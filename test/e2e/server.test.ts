// The compiled server (`node dist/src/main.js`, like `npm start`) as a real process: first start on
// SQLite with the demo shop and a development admin key, a guest order over HTTP, a restart on the same
// data folder, the production refusal without ADMIN_API_KEY, and graphql-ws connection auth.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { spawnEngine, waitForOutput, type SpawnedEngine } from '../helpers/spawn.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput } from '../helpers/fixtures.js';

const DEV_KEY_LINE = /Development admin API key \(shown once, store it\): (ak_\S+)/;
const ORDER_READ = `query($id: ID!) { order(id: $id) { id number status total email lines { sku quantity } } }`;
const ORDERS = `query { orders(first: 20) { totalCount nodes { id number status total } } }`;

describe('compiled server process (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-e2e-server-'));
  const env = { ORDO_DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'info', ADMIN_API_KEY: undefined, DATABASE_URL: undefined };
  let server: SpawnedEngine | undefined;
  let devKey = '';
  let placed: { id: string; number: string; accessToken: string } | undefined;

  beforeAll(async () => {
    server = await spawnEngine(env);
  });

  afterAll(async () => {
    if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start prints a development admin key once, logs JSON and says where it listens', async () => {
    const s = server!;
    const m = s.stdout().match(DEV_KEY_LINE);
    expect(m, s.output()).toBeTruthy();
    devKey = m![1];
    expect(s.stdout().match(new RegExp(DEV_KEY_LINE.source, 'g'))).toHaveLength(1);
    // /ready can answer before the child's stdout pipe has carried the line logged when it began listening.
    await waitForOutput(s, /"msg":"Ordo listening on/).catch(() => null);
    const lines = s.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('Ordo listening on')), s.output()).toBe(true);
    const health = await fetch(`${s.base}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${s.base}/ready`);
    expect(ready.status).toBe(200);
  });

  it('a guest storefront places an order over HTTP and reads it back with its access token', async () => {
    const s = server!;
    const r = await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: 'SHOE-TR-42', quantity: 2 }], { email: 'guest@example.com' }) });
    const { placeOrder } = ok(r);
    const o = placeOrder.order;
    expect(o.status).toBe('CONFIRMED');
    expect(o.paymentStatus).toBe('AUTHORIZED');
    expect(o.number).toBe('1001');
    expect(o.currencyCode).toBe('EUR');
    expect(o.subtotal).toBe(17998);
    expect(o.shippingTotal).toBe(495);
    // 19% per part, rounded half-up: 17998 → 3419.62 → 3420; 495 → 94.05 → 94.
    expect(o.taxTotal).toBe(3420 + 94);
    expect(o.total).toBe(17998 + 495 + 3514);
    expect(o.lines).toHaveLength(1);
    expect(o.lines[0]).toMatchObject({ sku: 'SHOE-TR-42', quantity: 2, unitPrice: 8999, taxTotal: 3420 });
    expect(o.payments).toHaveLength(1);
    expect(o.payments[0]).toMatchObject({ status: 'AUTHORIZED', amount: 22007, method: 'test-card' });
    expect(typeof placeOrder.accessToken).toBe('string');
    placed = { id: o.id, number: o.number, accessToken: placeOrder.accessToken };

    const mine = ok(await gqlAt(s.url, ORDER_READ, { id: o.id }, placed.accessToken));
    expect(mine.order).toMatchObject({ id: o.id, number: '1001', status: 'CONFIRMED', total: 22007, email: 'guest@example.com' });

    const anon = await gqlAt(s.url, ORDER_READ, { id: o.id });
    expect(codeOf(anon), JSON.stringify(anon)).toBe('UNAUTHENTICATED');
    expect(anon.data?.order ?? null).toBeNull();

    const list = ok(await gqlAt(s.url, ORDERS, {}, devKey));
    expect(list.orders.totalCount).toBe(1);
    expect(list.orders.nodes.map((n: { id: string }) => n.id)).toEqual([o.id]);
  });

  describe('graphql-ws on the same port and path', () => {
    const clients: Client[] = [];
    const client = (authorization: string, closed: { code?: number; reason?: string }[]) => {
      const c = createClient({
        url: server!.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: { authorization },
        on: { closed: (e) => void closed.push({ code: (e as { code?: number }).code, reason: (e as { reason?: string }).reason }) },
      });
      clients.push(c);
      return c;
    };
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
    });

    it('refuses a connection with a bad token', async () => {
      const closed: { code?: number }[] = [];
      const c = client('Bearer ak_this_is_not_a_valid_key_0123456789', closed);
      const iter = c.iterate({ query: '{ channels { code } }' });
      let error: unknown;
      const deadline = AbortSignal.timeout(10_000);
      try {
        await Promise.race([
          iter.next(),
          new Promise((_, rej) => deadline.addEventListener('abort', () => rej(new Error('no close within 10s')))),
        ]);
      } catch (e) {
        error = e;
      }
      expect(error, 'the operation must not run on a refused connection').toBeDefined();
      const code = (error as { code?: number }).code ?? closed[0]?.code;
      expect(code, `error: ${String(error)} closed: ${JSON.stringify(closed)}`).toBeGreaterThanOrEqual(4400);
      expect(code).toBeLessThan(4500);
    });

    it('accepts the admin key and answers a query over the socket', async () => {
      const closed: { code?: number }[] = [];
      const c = client(`Bearer ${devKey}`, closed);
      const results: unknown[] = [];
      const run = (async () => {
        for await (const r of c.iterate({ query: '{ channels { code currencyCode } }' })) results.push(r);
      })();
      await Promise.race([run, new Promise((_, rej) => setTimeout(() => rej(new Error('no result within 10s')), 10_000))]);
      expect(results).toHaveLength(1);
      const r = results[0] as { data?: { channels: { code: string; currencyCode: string }[] }; errors?: unknown };
      expect(r.errors).toBeUndefined();
      expect(r.data!.channels.length).toBeGreaterThan(0);
      expect(r.data!.channels[0].currencyCode).toBe('EUR');
      // An order token is a valid principal on a socket too, and it reads its own order there.
      const c2 = client(`Bearer ${placed!.accessToken}`, []);
      const orderResults: any[] = [];
      for await (const x of c2.iterate({ query: ORDER_READ, variables: { id: placed!.id } })) orderResults.push(x);
      expect(orderResults[0].data.order.id).toBe(placed!.id);
    });
  });

  it('SIGTERM stops the process with exit code 0', async () => {
    const s = server!;
    const t0 = Date.now();
    const exit = await s.stop();
    expect(exit, `exit after SIGTERM (code 1 after ~20 s = the force-exit timer of src/process.ts fired: engine.stop() hung)\n${s.output()}`).toEqual({ code: 0, signal: null });
    // Graceful, not the 20 s force-exit timer of src/process.ts.
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 40_000);

  it('a second start on the same data dir prints no new key and keeps the data', async () => {
    server = await spawnEngine(env);
    const s = server;
    expect(s.stdout(), s.output()).toMatch(/Ordo listening on/);
    expect(s.stdout(), s.output()).not.toMatch(/Development admin API key/);
    expect(s.stdout(), s.output()).not.toMatch(/seeded the demo shop/);
    // Same database: the order is still there, and the first key still works.
    const list = ok(await gqlAt(s.url, ORDERS, {}, devKey));
    expect(list.orders.totalCount).toBe(1);
    expect(list.orders.nodes[0].number).toBe('1001');
    const next = ok(await gqlAt(s.url, PLACE_ORDER, { input: orderInput([{ sku: 'SOCK-MER-3P', quantity: 1 }], { email: 'second@example.com' }) }));
    expect(next.placeOrder.order.number).toBe('1002');

    const exit = await s.stop();
    expect(exit, `exit after SIGTERM (code 1 after ~20 s = the force-exit timer fired)\n${s.output()}`).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('production without ADMIN_API_KEY', () => {
  it('refuses to start: exit code 78 and a message naming ADMIN_API_KEY', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ordo-e2e-prod-'));
    try {
      const p = await spawnEngine({ NODE_ENV: 'production', ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: undefined, DATABASE_URL: undefined }, { waitForReady: false });
      const exit = await p.waitForExit(30_000);
      expect(exit.code, p.output()).toBe(78);
      expect(p.stdout() + p.stderr()).toMatch(/ADMIN_API_KEY/);
      const refused = await fetch(`${p.base}/health`).then(() => 'answered', () => 'refused');
      expect(refused).toBe('refused');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
