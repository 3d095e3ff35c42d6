/// <reference lib="dom" />
// The queue board (bull-board at /admin/queues) on an engine with the BullMQ driver (real Redis): 401
// without a key, with a malformed, unknown or revoked one; 403 for a key without the operations role
// (catalog); 200 for superadmin and for an operations key, the page and its files and API under the
// mount path; changes from another site's page refused; no board (404, saying why) without Redis.
// In Debian's Chromium, with the key added to every request as an operator's proxy would: the page
// renders the engine's queues, loads nothing from elsewhere and breaks no Content-Security-Policy.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { queueNames } from '../../src/app.js';
import { ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';

const SCREENSHOT = '/tmp/board.png';
const CREATE_KEY = `mutation($name: String!, $roles: [String!]!) { createApiKey(name: $name, roles: $roles) { token } }`;

describe('the queue board at /admin/queues (BullMQ on Redis)', () => {
  let t: TestEngine;
  let base: string;
  const keys: Record<'catalog' | 'operations' | 'revoked' | 'scoped', string> = { catalog: '', operations: '', revoked: '', scoped: '' };
  const board = (path = '', token?: string, init: RequestInit = {}) =>
    fetch(`${base}/admin/queues${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) }, redirect: 'manual' });

  beforeAll(async () => {
    t = await startTestEngine('sqlite', { redis: true });
    base = t.url.replace(/\/graphql$/, '');
    for (const [name, roles] of [['catalog', ['catalog']], ['operations', ['operations']], ['revoked', ['operations']]] as const) {
      keys[name] = ok(await t.admin(CREATE_KEY, { name: `board-${name}`, roles })).createApiKey.token;
    }
    ok(await t.admin(`mutation { revokeApiKey(name: "board-revoked") }`));
    // The operations role kept to the default channel: the queues hold every channel's jobs.
    keys.scoped = ok(await t.admin(`mutation { createApiKey(name: "board-scoped", roles: ["operations"], channelCodes: ["default"]) { token } }`)).createApiKey.token;
    // Something to show: a stock change records an event, which runs as a job of the events queue.
    ok(await t.admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, {
      i: { code: 'wh-board', name: 'Board warehouse', kind: 'WAREHOUSE', countryCode: 'DE', priority: 10, autoFulfill: false },
    }));
    ok(await t.admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
      i: { name: 'Board Lamp', variants: [{ sku: 'BOARD-1', name: 'Board Lamp', price: 1000, currencyCode: 'EUR', allowBackorder: false, trackInventory: true }] },
    }));
    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'BOARD-1', locationCode: 'wh-board', delta: 3, reason: 'RECEIVED' } }));
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('answers 401 without a key and with a malformed, unknown or revoked one', async () => {
    for (const [what, headers] of [
      ['no header', {}],
      ['not a bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['unknown key', { authorization: 'Bearer ak_not-a-key-0123456789' }],
      ['revoked key', { authorization: `Bearer ${keys.revoked}` }],
    ] as const) {
      for (const path of ['', '/', '/api/queues', '/static/images/logo.svg']) {
        const res = await board(path, undefined, { headers });
        expect(res.status, `${what} ${path}`).toBe(401);
        expect(res.headers.get('www-authenticate'), what).toMatch(/^Bearer /);
        expect(res.headers.get('content-type'), what).toMatch(/^text\/plain/);
        expect(await res.text(), what).not.toMatch(/<html|queue board.*events/i);
      }
    }
  });

  it('answers 403 for a key without the operations role (catalog), and for one kept to a channel', async () => {
    for (const key of [keys.catalog, keys.scoped]) {
      for (const path of ['', '/api/queues']) {
        const res = await board(path, key);
        expect(res.status, path).toBe(403);
        expect(await res.text()).toMatch(/operations or superadmin role, for every channel/);
      }
    }
  });

  it('serves the board to superadmin and to an operations key: page, files and API under the mount path', async () => {
    for (const token of [ADMIN_KEY, keys.operations]) {
      const page = await board('', token);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).toContain('<base href="/admin/queues/"');
      // Nothing from another host (bull-board's Google Fonts link is taken out).
      expect(html).not.toMatch(/https?:\/\//);
      // Every file the page names is served, with the key, under /admin/queues/.
      const files = [...html.matchAll(/(?:src|href)="(static\/[^"]+)"/g)].map((m) => m[1]);
      expect(files.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(0);
      expect(files.filter((f) => f.endsWith('.css')).length).toBeGreaterThan(0);
      for (const f of files) {
        const res = await board(`/${f}`, token);
        expect(res.status, f).toBe(200);
        if (f.endsWith('.js')) expect(res.headers.get('content-type'), f).toMatch(/javascript/);
        await res.arrayBuffer();
      }
      // The same routes as /admin/queues/ and a queue's own page (the board's client-side routes).
      expect((await board('/', token)).status).toBe(200);
      expect((await board('/queue/events', token)).status).toBe(200);

      const api = await board('/api/queues?activeQueue=events&status=completed', token);
      expect(api.status).toBe(200);
      const { queues } = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] };
      const names = queues.map((q) => q.name);
      // Every queue of the deployment, as the engine counts them (src/app.ts).
      expect([...names].sort()).toEqual(queueNames(t.engine.app.modules).sort());
      expect(names).toEqual(expect.arrayContaining(['events', 'housekeeping', 'payments']));
    }
  });

  it('counts the jobs of the engine’s own queues (under its ORDO_REDIS_PREFIX)', async () => {
    await expect.poll(async () => {
      const api = await board('/api/queues?activeQueue=events&status=completed', ADMIN_KEY);
      const { queues } = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] };
      return queues.find((q) => q.name === 'events')?.counts.completed ?? 0;
    }, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('refuses a change sent from another site’s page, even with the key (a proxy adding the header to everything)', async () => {
    const res = await board('/api/queues/events/pause', ADMIN_KEY, { method: 'PUT', headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    const api = await board('/api/queues?activeQueue=events', ADMIN_KEY);
    const events = ((await api.json()) as { queues: { name: string; isPaused: boolean }[] }).queues.find((q) => q.name === 'events');
    expect(events?.isPaused).toBe(false);
  });

  it('sends security headers (helmet) with the board’s answers', async () => {
    for (const res of [await board('', ADMIN_KEY), await board('/api/queues', ADMIN_KEY), await board('')]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/https?:|\*/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  describe('in Chromium (Debian package, driven by playwright-core)', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('renders the queues, loads nothing from elsewhere and breaks no Content-Security-Policy', async () => {
      // The key on every request, as the operator's header-adding proxy sends it.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { authorization: `Bearer ${keys.operations}` } });
      const page = await context.newPage();
      const log: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      try {
        const res = await page.goto(`${base}/admin/queues`);
        expect(res?.status()).toBe(200);
        // The board lists the engine's queues by name once its API has answered.
        for (const name of ['events', 'housekeeping', 'payments']) {
          await expect.poll(() => page.getByText(name, { exact: true }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
        }
        await page.screenshot({ path: SCREENSHOT });
        // A queue's own page, reached by the board's links (client-side routing under the base path).
        await page.getByText('events', { exact: true }).first().click();
        await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(`${base}/admin/queues/queue/events`);
        // Its jobs: the stock change's event.
        await expect.poll(() => page.getByText('stock.changed').count(), { timeout: 10_000 }).toBeGreaterThan(0);

        expect(log.filter((l) => /^\[pageerror\]|Content Security Policy|Refused to/i.test(l)), 'page errors and CSP violations').toEqual([]);
        const off = requests.filter((u) => !u.startsWith(`${base}/admin/queues`) && !u.startsWith('data:'));
        expect(off, 'requests off the board').toEqual([]);
      } catch (e) {
        const dir = mkdtempSync(join(tmpdir(), 'ordo-queue-board-failure-'));
        await page.screenshot({ path: join(dir, 'page.png'), fullPage: true }).catch(() => {});
        writeFileSync(join(dir, 'console.log'), log.join('\n'));
        writeFileSync(join(dir, 'requests.log'), requests.join('\n'));
        console.log(`queue board browser test failed: screenshot, console and requests in ${dir}`);
        throw e;
      } finally {
        await context.close();
      }
    });
  });
});

describe('the queue board without Redis (in-process queue)', () => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine('sqlite');
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('answers 404 saying that the board needs REDIS_URL, with or without a key', async () => {
    const base = t.url.replace(/\/graphql$/, '');
    for (const headers of [{}, { authorization: `Bearer ${ADMIN_KEY}` }] as Record<string, string>[]) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const res = await fetch(`${base}${path}`, { headers });
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await res.text()).toMatch(/needs REDIS_URL/);
      }
    }
  });
});
