/// <reference lib="dom" />
// The offline IDE: GraphiQL at /graphiql from the compiled server (NODE_ENV=production, like `npm start`).
// Over HTTP: the page and every file it loads come from the engine, and none names another host. In
// Debian's Chromium (playwright-core, no downloaded browser): a browser opening /graphql lands in the
// IDE, runs a query and sees the product this test created, sends the Authorization header typed in
// the headers editor, follows a subscription over graphql-ws, and never makes a request off the engine.
// With ORDO_INTROSPECTION=false there is no IDE.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { startTestEngine } from '../helpers/engine.js';

// Functions handed to page.evaluate run in the page, where `document` exists (tsconfig has no DOM lib).
declare const document: any;

const SCREENSHOT = '/work/notes/graphiql.png';
const ADMIN_KEY = 'e2e-graphiql-admin-key-0123456789';
const SKU = 'IDE-LAMP-1';
const PRODUCT = `Desk Lamp ${Math.random().toString(36).slice(2, 8)}`;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GraphiQL at /graphiql (compiled server, NODE_ENV=production)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-e2e-graphiql-'));
  let s: SpawnedEngine;
  const admin = (q: string, v?: Record<string, unknown>) => gqlAt(s.url, q, v, ADMIN_KEY);
  let onHand = 0;

  beforeAll(async () => {
    s = await spawnEngine({
      ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', NODE_ENV: 'production', ORDO_MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn', DATABASE_URL: undefined,
    });
    ok(await admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, {
      i: { code: 'wh-a', name: 'Warehouse A', kind: 'WAREHOUSE', countryCode: 'DE', priority: 10, autoFulfill: false },
    }));
    ok(await admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
      i: { name: PRODUCT, variants: [{ sku: SKU, name: `${PRODUCT} (EU plug)`, price: 4900, currencyCode: 'EUR', allowBackorder: false, trackInventory: true }] },
    }));
    await restock(5);
  });

  afterAll(async () => {
    await s?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function restock(delta: number) {
    ok(await admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: SKU, locationCode: 'wh-a', delta, reason: 'RECEIVED' } }));
    onHand += delta;
  }

  describe('over HTTP', () => {
    it('serves the page and every script and stylesheet it names from the engine; none of them names another host', async () => {
      const res = await fetch(`${s.base}/graphiql`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).not.toMatch(/https?:\/\/|\/\/cdn/i);

      // The policy the browser enforces: scripts only from this engine (nothing inline, no eval), and
      // connections only to it.
      const csp = Object.fromEntries(res.headers.get('content-security-policy')!.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }));
      expect(csp['default-src']).toEqual(["'none'"]);
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['connect-src']).toEqual(["'self'", `ws://127.0.0.1:${s.port}`, `wss://127.0.0.1:${s.port}`]);
      for (const values of Object.values(csp)) for (const v of values) expect(v).not.toMatch(/^https?:|\*/);

      const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
      const styles = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]);
      // React, ReactDOM, GraphiQL, graphql-ws, and the script that starts the IDE; no inline script.
      expect(scripts.map((p) => p.split('/').pop())).toEqual(['react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'graphql-ws.min.js', 'ordo-graphiql.js']);
      expect(html.match(/<script\b/g)).toHaveLength(scripts.length);
      expect(styles.map((p) => p.split('/').pop())).toEqual(['graphiql.min.css', 'ordo-graphiql.css']);

      for (const path of [...scripts, ...styles]) {
        expect(path, 'a path on this engine').toMatch(/^\/graphiql\/assets\/[0-9a-f]{12}\/[\w.-]+$/);
        const a = await fetch(`${s.base}${path}`);
        expect(a.status, path).toBe(200);
        expect(a.headers.get('content-type'), path).toMatch(path.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
        // The address carries the content hash, so the file never changes under it.
        expect(a.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
        expect(a.headers.get('content-encoding'), path).toBe('gzip');
        const body = await a.text();
        expect(body.length, path).toBeGreaterThan(path.includes('ordo-graphiql') ? 50 : 5_000);
        if (path.endsWith('.css')) {
          // Stylesheets pull nothing in: no @import, every url() a data: URL (GraphiQL's fonts).
          expect(body, path).not.toMatch(/@import/);
          expect([...body.matchAll(/url\(\s*["']?([^"')\s]{0,12})/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:')), path).toEqual([]);
          expect(body, path).not.toMatch(/https?:\/\/|\/\/cdn/i);
        } else if (path.includes('ordo-graphiql')) {
          expect(body).not.toMatch(/https?:\/\/|\/\/cdn/i);
        } else {
          // The bundles quote URLs in comments and messages (licences, docs, the SVG namespace); what
          // matters is that they load nothing from elsewhere: no script or stylesheet tag, dynamic
          // import or importScripts naming another host. The browser test below watches the wire too.
          const loads = body.match(/<script[^>]*\bsrc\s*=\s*\\?["']?(https?:)?\/\/[^"'\s>]*|<link[^>]*\bhref\s*=\s*\\?["']?(https?:)?\/\/[^"'\s>]*|\b(import|importScripts)\(\s*["'`](https?:)?\/\/[^"'`]*/gi);
          expect(loads, path).toBeNull();
        }
      }

      // Only the files of the page: no directory listing, no guessing other files of node_modules.
      const first = scripts[0].split('/');
      expect((await fetch(`${s.base}/graphiql/assets/000000000000/${first.at(-1)}`)).status).toBe(404);
      expect((await fetch(`${s.base}/graphiql/assets/${first.at(-2)}/package.json`)).status).toBe(404);
      expect((await fetch(`${s.base}/graphiql/assets/`)).status).toBe(404);
    });

    it('sends a browser opening /graphql to /graphiql; API requests on /graphql are answered as before', async () => {
      const visit = await fetch(s.url, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
      expect(visit.status).toBe(302);
      expect(visit.headers.get('location')).toBe('/graphiql');

      // Apollo's GET support: a GET with a query and a preflight-forcing header is executed...
      const get = await fetch(`${s.url}?query=${encodeURIComponent('{ products(first: 5) { nodes { name } } }')}`, {
        headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
      });
      expect(get.status).toBe(200);
      expect(((await get.json()) as any).data.products.nodes).toEqual([{ name: PRODUCT }]);
      // ...and CSRF prevention still refuses a simple one (a browser's, with or without text/html):
      // no landing page, no redirect.
      for (const accept of ['application/json', BROWSER_ACCEPT]) {
        const simple = await fetch(`${s.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept }, redirect: 'manual' });
        expect(simple.status, accept).toBe(400);
        expect(simple.headers.get('content-type'), accept).not.toMatch(/text\/html/);
        expect(await simple.text(), accept).toMatch(/CSRF|preflight/i);
      }
      // Clients that do not ask for HTML are not redirected.
      for (const accept of ['application/json', '*/*', 'application/graphql-response+json']) {
        const r = await fetch(s.url, { headers: { accept }, redirect: 'manual' });
        expect(r.status, accept).toBe(400);
        expect(r.headers.get('location'), accept).toBeNull();
      }
      // POST is the API, whatever the Accept header says.
      const post = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: BROWSER_ACCEPT }, body: JSON.stringify({ query: '{ __typename }' }), redirect: 'manual' });
      expect(post.status).toBe(200);
      expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
    });
  });

  describe('in Chromium (Debian package, driven by playwright-core)', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    interface Ide {
      page: Page;
      requests: { method: string; url: string; headers: Record<string, string> }[];
      sockets: string[];
      wsSent: string[];
      log: string[];
    }

    /**
     * A fresh browser profile on the IDE, recording what the page asks for and what it logs. When `use`
     * fails, a screenshot, the console and the requests go to a temp folder (named in the output)
     * while the page is still open.
     */
    async function withIde(path: string, use: (ide: Ide) => Promise<void>) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const ide: Ide = { page, requests: [], sockets: [], wsSent: [], log: [] };
      page.on('request', (r) => ide.requests.push({ method: r.method(), url: r.url(), headers: r.headers() }));
      page.on('websocket', (ws) => {
        ide.sockets.push(ws.url());
        ws.on('framesent', (f) => ide.wsSent.push(String(f.payload)));
      });
      page.on('console', (m) => ide.log.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => ide.log.push(`[pageerror] ${e.message}`));
      try {
        await page.goto(`${s.base}${path}`);
        await page.waitForSelector('.graphiql-query-editor .CodeMirror');
        await use(ide);
      } catch (e) {
        const dir = mkdtempSync(join(tmpdir(), 'ordo-graphiql-failure-'));
        await page.screenshot({ path: join(dir, 'page.png'), fullPage: true }).catch(() => {});
        writeFileSync(join(dir, 'console.log'), ide.log.join('\n'));
        writeFileSync(join(dir, 'requests.log'), [...ide.requests.map((r) => `${r.method} ${r.url}`), ...ide.sockets.map((u) => `WS ${u}`), ...ide.wsSent].join('\n'));
        console.log(`GraphiQL browser test failed: screenshot, console and requests in ${dir}`);
        throw e;
      } finally {
        await context.close();
      }
    }

    /** Nothing the page did left the engine: every request and socket to its origin (data: URLs are not requests). */
    function expectOnlyTheEngine(requests: { url: string }[], sockets: string[]) {
      const off = [...requests.map((r) => r.url), ...sockets].filter((u) => !u.startsWith(`${s.base}/`) && !u.startsWith(`ws://127.0.0.1:${s.port}/`) && !u.startsWith('data:'));
      expect(off, 'requests that left the engine').toEqual([]);
    }

    /** What the page logged that a user would call broken: script errors and refused resources. */
    function problems(log: string[]) {
      return log.filter((l) => /^\[pageerror\]|Content Security Policy|Refused to/i.test(l));
    }

    const setQuery = (page: Page, query: string) =>
      page.evaluate((q) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q), query);
    const headersEditor = (page: Page) => page.evaluate(() => document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror.getValue() as string);
    const setHeaders = (page: Page, text: string) =>
      page.evaluate((t) => document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror.setValue(t), text);
    const run = (page: Page) => page.click('.graphiql-execute-button');
    const result = (page: Page) => page.evaluate(() => document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue() as string);

    /** The result pane, parsed, once it satisfies `done` (bounded). */
    async function resultUntil(page: Page, done: (r: any) => boolean, ms = 10_000): Promise<any> {
      const deadline = Date.now() + ms;
      let last = '';
      for (;;) {
        last = (await result(page)) ?? '';
        try {
          const parsed = JSON.parse(last);
          if (done(parsed)) return parsed;
        } catch {
          // empty, or a subscription's message that is not JSON yet
        }
        if (Date.now() > deadline) throw new Error(`result pane not as expected within ${ms} ms; it shows:\n${last}`);
        await sleep(50);
      }
    }

    it('opening /graphql lands in GraphiQL, which runs a query and shows the product; no request leaves the engine', async () => {
      await withIde('/graphql', async ({ page, requests, sockets, log }) => {
        expect(page.url()).toBe(`${s.base}/graphiql`);
        expect(await page.title()).toMatch(/GraphiQL/);
        // The headers editor is open and shows how to send a token.
        expect(await headersEditor(page)).toContain('"Authorization": "Bearer <token>"');

        await setQuery(page, '{ products(first: 5) { nodes { name } } }');
        await run(page);
        const shown = await resultUntil(page, (r) => !!r.data || !!r.errors);
        expect(shown).toEqual({ data: { products: { nodes: [{ name: PRODUCT }] } } });
        // And the user sees it: the name is rendered in the result pane.
        await expect.poll(() => page.locator('.result-window').innerText()).toContain(PRODUCT);
        // The placeholder token is a hint, not a header: the query went out without Authorization.
        const posts = requests.filter((r) => r.method === 'POST' && r.url === s.url);
        expect(posts.length).toBeGreaterThan(0);
        expect(posts.every((r) => r.headers.authorization === undefined)).toBe(true);

        // The IDE loaded the schema (the standard introspection query, at default settings): the
        // documentation explorer lists the root types.
        await page.click('[aria-label="Show Documentation Explorer"]');
        await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText(), { timeout: 10_000 }).toMatch(/query:\s*Query[\s\S]*subscription:\s*Subscription/);

        expect(requests.map((r) => new URL(r.url).pathname)).toEqual(expect.arrayContaining(['/graphql', '/graphiql']));
        expect(requests.filter((r) => r.url.includes('/graphiql/assets/')).length).toBe(7);
        expectOnlyTheEngine(requests, sockets);
        expect(problems(log)).toEqual([]);
      });
    });

    it('sends the Authorization header from the headers editor: an admin-only query is refused without it and answered with it', async () => {
      await withIde('/graphiql', async ({ page, requests, sockets, log }) => {
        const levels = `{ stockLevels(sku: "${SKU}") { onHand location { code } } }`;
        await setQuery(page, levels);
        await run(page);
        const refused = await resultUntil(page, (r) => !!r.errors || !!r.data);
        expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

        await setHeaders(page, JSON.stringify({ Authorization: `Bearer ${ADMIN_KEY}` }, null, 2));
        await run(page);
        const answered = await resultUntil(page, (r) => !!r.data?.stockLevels);
        expect(answered).toEqual({ data: { stockLevels: [{ onHand, location: { code: 'wh-a' } }] } });
        const last = requests.filter((r) => r.method === 'POST' && r.url === s.url).at(-1)!;
        expect(last.headers.authorization).toBe(`Bearer ${ADMIN_KEY}`);

        expectOnlyTheEngine(requests, sockets);
        expect(problems(log)).toEqual([]);
      });
    });

    it('runs a subscription over graphql-ws on the same origin and shows the events as they arrive', async () => {
      const subscription = `subscription { stockLevelChanged(sku: "${SKU}") { sku available } }`;
      // Opened by address, as a shared link would be: ?query= fills the editor.
      await withIde(`/graphiql?query=${encodeURIComponent(subscription)}`, async ({ page, requests, sockets, wsSent, log }) => {
        // The token from the headers editor travels in the socket's connection parameters.
        await setHeaders(page, JSON.stringify({ Authorization: `Bearer ${ADMIN_KEY}` }));
        await run(page);
        await expect.poll(() => wsSent.some((f) => f.includes('"type":"subscribe"') && f.includes('stockLevelChanged')), { timeout: 10_000 }).toBe(true);
        expect(sockets).toEqual([`ws://127.0.0.1:${s.port}/graphql`]);
        const init = JSON.parse(wsSent.find((f) => f.includes('"type":"connection_init"'))!);
        expect(init.payload).toEqual({ authorization: `Bearer ${ADMIN_KEY}` });

        // The server registers the subscription a moment after the frame: restock until an event shows,
        // then once more, and the pane follows with the new figure.
        const deadline = Date.now() + 15_000;
        let seen: any;
        while (!seen) {
          await restock(1);
          seen = await resultUntil(page, (r) => r.data?.stockLevelChanged?.available === onHand, 1_500).catch((e) => {
            if (Date.now() > deadline) throw e;
            return undefined;
          });
        }
        await restock(2);
        const next = await resultUntil(page, (r) => r.data?.stockLevelChanged?.available === onHand);
        expect(next).toEqual({ data: { stockLevelChanged: { sku: SKU, available: onHand } } });
        // The subscription stays open (the run button turned into a stop button).
        expect(await page.getAttribute('.graphiql-execute-button', 'aria-label')).toMatch(/^Stop/);

        expectOnlyTheEngine(requests, sockets);
        expect(problems(log)).toEqual([]);
        mkdirSync(dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });
      });
    });
  });

  describe('with ORDO_INTROSPECTION=false', () => {
    it('has no IDE: /graphiql answers 404, and a browser opening /graphql is not sent there', async () => {
      const t = await startTestEngine('sqlite', { env: { ORDO_INTROSPECTION: 'false' } });
      try {
        const base = t.url.replace(/\/graphql$/, '');
        expect((await fetch(`${base}/graphiql`, { headers: { accept: BROWSER_ACCEPT } })).status).toBe(404);
        const visit = await fetch(t.url, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
        expect(visit.status).toBe(400);
        expect(visit.headers.get('location')).toBeNull();
        expect(visit.headers.get('content-type')).not.toMatch(/text\/html/);
        // The API itself still answers.
        expect(await t.gql('{ __typename }')).toMatchObject({ status: 200, data: { __typename: 'Query' } });
      } finally {
        await t.stop();
      }
    });
  });
});
