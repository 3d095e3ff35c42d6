// The example storefront (examples/storefront) in a real browser: Debian's Chromium driven by
// playwright-core (no downloaded browser). The built storefront is served from one port and the compiled
// engine (like `npm start`) runs on another, so every call crosses origins and CORS is exercised for
// real (ORDO_CORS_ORIGINS names the storefront's origin). The buyer sees availability change live,
// gets quotes with problems beside their fields while editing the cart, sees the engine's own total,
// has a card declined, then places the order by bank transfer (the first answer is lost on the way
// back; the retry with the same idempotency key gets the same order, not a second one), and watches the
// order page turn from awaiting payment to CONFIRMED and on to SHIPPED at an auto-fulfill location
// without reloading, once the shop records the money. (Bank transfer, so that the order waits for the
// page: a card order at an auto-fulfill location can ship before the page has subscribed.)
// On failure a screenshot, the browser's console and the engine's output go to a temp folder.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';

// Functions handed to page.evaluate run in the page, where `window` and `document` exist (tsconfig has no DOM lib).
declare const window: any;
declare const document: any;

const execFileP = promisify(execFile);
/** A command in examples/storefront; its failure carries what it printed (tsc writes errors to stdout). */
async function run(cmd: string, args: string[], timeout: number): Promise<void> {
  try {
    await execFileP(cmd, args, { cwd: STOREFRONT, timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in examples/storefront\n${stdout}\n${stderr}`);
  }
}
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STOREFRONT = join(ROOT, 'examples/storefront');
const DIST = join(STOREFRONT, 'dist');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the pages' screenshots go for people to look at (only on a machine that has the notes folder). */
const SHOTS = existsSync('/work/notes') ? '/work/notes' : null;
const ADMIN_KEY = 'e2e-storefront-admin-key-0123456789';
const ADDRESS = { name: 'Jane Doe', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', countryCode: 'DE' };
const EMAIL = 'jane@example.com';
const euros = (minor: number) => new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' }).format(minor / 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** The build, as any static host would serve it; config.js points this one build at the test's engine. */
function serveStorefront(engineUrl: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/config.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(`window.ORDO_CONFIG = { url: ${JSON.stringify(engineUrl())} };\n`);
      return;
    }
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    resolve({ server, origin: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
  }));
}

describe('examples/storefront in Chromium, against the engine on another origin', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-e2e-storefront-'));
  let engine: SpawnedEngine | undefined;
  let site: { server: Server; origin: string } | undefined;
  let browser: Browser | undefined;
  const admin = (q: string, v?: Record<string, unknown>) => gqlAt(engine!.url, q, v, ADMIN_KEY);
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    let t = Date.now();
    // The test builds the storefront as a user would (`npm run build` runs codegen first, then tsc).
    if (!existsSync(join(STOREFRONT, 'node_modules'))) {
      await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], 240_000);
      timings.install = Date.now() - t;
      t = Date.now();
    }
    await run('npm', ['run', 'build'], 120_000);
    timings.build = Date.now() - t;

    site = await serveStorefront(() => engine!.url);
    engine = await spawnEngine({
      ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', LOG_LEVEL: 'warn', DATABASE_URL: undefined,
      ORDO_CORS_ORIGINS: site.origin,
    });
    await setupShop();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await engine?.stop().catch(() => {});
    site?.server.closeAllConnections();
    await new Promise((r) => (site ? site.server.close(r) : r(null)));
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`storefront browser test: ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
  });

  /** The back office: an auto-fulfill warehouse, two products, two shipping methods (express only to DE), VAT. */
  async function setupShop() {
    ok(await admin(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, {
      i: { code: 'wh-auto', name: 'Automated warehouse', kind: 'WAREHOUSE', countryCode: 'DE', priority: 10, autoFulfill: true },
    }));
    for (const p of [
      { name: 'Canvas Tote', description: 'Heavy cotton canvas, inside pocket.', variants: [{ sku: 'TOTE-NAT', name: 'Canvas Tote, natural', price: 2500 }, { sku: 'TOTE-BLK', name: 'Canvas Tote, black', price: 3000 }] },
      { name: 'Enamel Mug', description: 'Camp mug, 350 ml.', variants: [{ sku: 'MUG-ENM', name: 'Enamel Mug, white', price: 1200 }] },
    ]) {
      ok(await admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
        i: { ...p, variants: p.variants.map((v) => ({ ...v, currencyCode: 'EUR', allowBackorder: false, trackInventory: true })) },
      }));
    }
    for (const [sku, delta] of [['TOTE-NAT', 12], ['TOTE-BLK', 1], ['MUG-ENM', 40]] as const) await restock(sku, delta);
    for (const m of [
      { code: 'standard', name: 'Standard', price: 500, minTransitDays: 2, maxTransitDays: 4 },
      { code: 'express', name: 'Express', price: 1500, minTransitDays: 1, maxTransitDays: 1, countries: ['DE'] },
    ]) ok(await admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, { i: { ...m, carrierCode: 'sim', currencyCode: 'EUR' } }));
    ok(await admin(`mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'DE', ratePercent: 19 } }));
  }

  async function restock(sku: string, delta: number) {
    ok(await admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku, locationCode: 'wh-auto', delta, reason: 'RECEIVED' } }));
  }

  /** The page's state after the last edit: no quote in flight. */
  async function settled(page: Page) {
    await page.waitForSelector('.summary:not(.updating)', { timeout: 10_000 });
  }

  async function shot(page: Page, name: string) {
    if (!SHOTS) return;
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `storefront-${name}.png`), fullPage: true });
  }

  it('lists products with live stock, quotes the cart, places the order once (retry, same key), and follows it to SHIPPED live', async () => {
    const started = Date.now();
    const context = await browser!.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    page.on('requestfailed', (r) => log.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
    const placeRequests: { idempotencyKey: string }[] = [];
    page.on('request', (r) => {
      const body = r.method() === 'POST' ? r.postDataJSON() : null;
      if (body?.query?.includes('placeOrder')) placeRequests.push(body.variables);
    });
    // What the page sends over graphql-ws: a subscription is live on the engine a moment after its
    // `subscribe` message (the protocol has no acknowledgement of its own).
    const wsSent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => wsSent.push(String(f.payload))));
    const subscribed = async (field: string, variable: string) => {
      await expect.poll(() => wsSent.some((m) => m.includes('"subscribe"') && m.includes(field) && m.includes(variable)), { timeout: 10_000 }).toBe(true);
      await sleep(300);
    };
    try {
      // 1. Products, with what can be sold now; a restock in the back office shows up without a reload.
      await page.goto(`${site!.origin}/`);
      const nat = page.locator('[data-sku="TOTE-NAT"]');
      await expect.poll(() => nat.locator('.stock').textContent(), { timeout: 10_000 }).toBe('12 in stock');
      expect((await page.locator('.card h2').allTextContents()).sort()).toEqual(['Canvas Tote', 'Enamel Mug']);
      expect(await nat.locator('.price').textContent()).toBe(euros(2500));
      await page.waitForSelector('.live[data-live="on"]');
      await page.evaluate(() => (window.__sameDocument = true));
      await subscribed('stockLevelChanged', '"TOTE-NAT"');
      await restock('TOTE-NAT', 3);
      await expect.poll(() => nat.locator('.stock').textContent(), { timeout: 10_000 }).toBe('15 in stock');
      await shot(page, 'products');

      // 2. The cart: two natural totes and two black ones, of which one is in stock.
      await nat.locator('button.add').click();
      await nat.locator('button.add').click();
      const blk = page.locator('[data-sku="TOTE-BLK"]');
      await blk.locator('button.add').click();
      await blk.locator('button.add').click();
      await expect.poll(() => page.locator('header .count').textContent()).toBe('4');
      await page.locator('header a.cart-link').click();
      await page.waitForSelector('.checkout');
      await settled(page);
      // Problems come from the engine's quote, each beside its field: the black tote's quantity...
      const blkLine = page.locator('.line[data-sku="TOTE-BLK"]');
      expect(await blkLine.locator('[data-problem-for="lines[1].quantity"]').textContent()).toBe('Only 1 of TOTE-BLK can be sold now; 2 were asked for.');
      // ...and the empty email and address fields (hints until the buyer has been in them).
      expect(await page.locator('[data-problem-for="email"]').textContent()).not.toBe('');
      expect(await page.locator('[data-problem-for="shippingAddress.city"]').textContent()).not.toBe('');
      expect(await page.locator('button.place').isDisabled()).toBe(true);
      await shot(page, 'cart-problems');

      await blkLine.getByRole('button', { name: 'One less' }).click();
      await page.fill('input[name="email"]', EMAIL);
      await page.fill('input[name="name"]', ADDRESS.name);
      await page.fill('input[name="line1"]', ADDRESS.line1);
      await page.fill('input[name="postalCode"]', ADDRESS.postalCode);
      await page.fill('input[name="city"]', ADDRESS.city);
      await settled(page);
      // The methods that serve Germany, cheapest first and chosen; the buyer takes express.
      expect(await page.locator('[data-method]').evaluateAll((els) => els.map((e: any) => e.dataset.method))).toEqual(['standard', 'express']);
      expect(await page.locator('[data-method="standard"] input').isChecked()).toBe(true);
      await page.locator('[data-method="express"]').click();
      await settled(page);

      // A declined card: the engine's refusal shows beside the payment, and nothing is placed.
      await page.selectOption('select[name="cardToken"]', 'tok_declined');
      await settled(page);
      await page.locator('button.place').click();
      await expect.poll(() => page.locator('[data-problem-for="payment"]').textContent(), { timeout: 10_000 }).toBe('Payment declined: The card was declined.');
      // The buyer pays by bank transfer instead (the shop confirms the order when the money arrives).
      await page.locator('input[name="payment"][value="manual"]').check();
      await settled(page);
      expect(await page.locator('[data-problem-for]').evaluateAll((els) => els.map((e: any) => e.textContent).filter(Boolean))).toEqual([]);

      // The total shown is the engine's: quoteOrder for the same input, formatted.
      const input = {
        email: EMAIL, lines: [{ sku: 'TOTE-NAT', quantity: 2 }, { sku: 'TOTE-BLK', quantity: 1 }],
        shippingAddress: { ...ADDRESS, line2: null }, shippingMethodCode: 'express', payment: { method: 'manual' },
      };
      const quote = ok(await gqlAt(engine!.url, `query($i: PlaceOrderInput!) { quoteOrder(input: $i) { total taxTotal shippingTotal placeable } }`, { i: input })).quoteOrder;
      expect(quote).toEqual({ total: 11305, taxTotal: 1805, shippingTotal: 1500, placeable: true }); // 2 × 25 + 30 + 15 express, 19 % VAT
      expect(await page.locator('.summary [data-total="total"] .amount').textContent()).toBe(euros(quote.total));
      expect(await page.locator('.summary [data-total="tax"] .amount').textContent()).toBe(euros(quote.taxTotal));
      expect(await page.locator('button.place').textContent()).toBe(`Place order · ${euros(quote.total)}`);
      await shot(page, 'checkout');

      // 3. Place the order. The engine's first answer is lost on the way back (the order is placed, the
      // browser sees a dropped connection); the buyer presses the button again.
      let lostAnswer: any = null;
      await page.route(engine!.url, async (route) => {
        const body = route.request().method() === 'POST' ? route.request().postDataJSON() : null;
        if (!lostAnswer && body?.query?.includes('placeOrder')) {
          lostAnswer = await (await route.fetch()).json();
          await route.abort('connectionreset');
          return;
        }
        await route.continue();
      });
      await page.locator('button.place').click();
      await expect.poll(() => page.locator('.summary .status').textContent(), { timeout: 10_000 }).toContain('could not be reached');
      await page.unroute(engine!.url);
      await page.locator('button.place').click();
      await page.waitForURL(/#\/order\//, { timeout: 10_000 });
      const orderId = decodeURIComponent(page.url().split('#/order/')[1]);

      // Every attempt of this checkout (declined, lost, retried) carried the same key, a UUID; the shop has one order.
      expect(placeRequests.length).toBe(3);
      expect(placeRequests[0].idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(placeRequests.map((r) => r.idempotencyKey)).toEqual(Array(3).fill(placeRequests[0].idempotencyKey));
      const orders = ok(await admin(`{ orders(first: 10) { totalCount nodes { id total status payments { id } } } }`)).orders;
      expect(orders.totalCount).toBe(1);
      expect(orders.nodes[0]).toMatchObject({ id: orderId, total: quote.total, status: 'PENDING' });
      expect(lostAnswer?.data?.placeOrder?.order?.id).toBe(orderId); // the answer that never arrived named the same order

      // 4. The order page: awaiting the bank transfer, following the order over graphql-ws with its token.
      await page.waitForSelector('.badge[data-status="PENDING"]');
      await page.waitForSelector('.live[data-live="on"]');
      expect(await page.locator('[data-total="total"] .amount').textContent()).toBe(euros(quote.total));
      await page.evaluate(() => {
        // Every status the page shows, in order (the badge is drawn anew on each change).
        window.__statuses = [];
        const note = () => {
          const s = document.querySelector('.badge')?.dataset.status;
          if (s && window.__statuses[window.__statuses.length - 1] !== s) window.__statuses.push(s);
        };
        note();
        new window.MutationObserver(note).observe(document.querySelector('main'), { childList: true, subtree: true });
      });
      await subscribed('orderEvents', orderId);
      // The shop receives the money; from there the auto-fulfill warehouse picks, packs and ships alone.
      ok(await admin(`mutation($id: ID!) { capturePayment(id: $id) { status } }`, { id: orders.nodes[0].payments[0].id }));
      await page.waitForSelector('.badge[data-status="SHIPPED"]', { timeout: 20_000 });
      const seen: string[] = await page.evaluate(() => window.__statuses);
      expect(seen[0]).toBe('PENDING');
      expect(seen).toContain('CONFIRMED');
      expect(seen.indexOf('CONFIRMED')).toBeLessThan(seen.indexOf('SHIPPED'));
      expect(await page.evaluate(() => window.__sameDocument)).toBe(true); // no reload since the product list
      await expect.poll(() => page.locator('.tracking').count()).toBe(1);
      expect(ok(await admin(`query($id: ID!) { order(id: $id) { status } }`, { id: orderId })).order.status).toBe('SHIPPED');
      await shot(page, 'order');
      timings.browser = Date.now() - started;
    } catch (e) {
      const dir = mkdtempSync(join(tmpdir(), 'ordo-storefront-failure-'));
      await page.screenshot({ path: join(dir, 'page.png'), fullPage: true }).catch(() => {});
      writeFileSync(join(dir, 'console.log'), `${page.url()}\n${log.join('\n')}\n`);
      writeFileSync(join(dir, 'engine.log'), engine?.output() ?? '');
      console.log(`storefront browser test failed: screenshot, browser console and engine output in ${dir}`);
      throw e;
    } finally {
      await context.close();
    }
  }, 90_000);
});
