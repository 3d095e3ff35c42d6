// The console plugin (plugins/console) in Debian's Chromium, served by the compiled engine at /console
// with the plugin enabled by an ordo.config file, as a merchant would run it. A staff member signs in,
// sees an order placed by another client appear in the list without reloading, opens it, picks and
// packs it by hand, sees the label arrive live, ships it, tags it and writes a note; the API agrees with
// what the page shows; it refunds a line; a return is approved and received from the returns queue and
// refunded. A member kept to one channel never sees another channel's order, even live.
// Screenshots go to ORDO_CONSOLE_SHOTS when set (docs/console is where the README's are kept).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { launchChromium } from '../helpers/chromium.js';
import { orderInput, PLACE_ORDER } from '../helpers/fixtures.js';

// Functions handed to page.evaluate run in the page, where `window` and `document` exist (tsconfig has no DOM lib).
declare const window: any;
declare const document: any;

const execFileP = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PUBLIC = join(ROOT, 'dist/plugins/console/public');
const ADMIN_KEY = 'e2e-console-admin-key-0123456789ab';
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.ORDO_CONSOLE_SHOTS ? resolve(ROOT, process.env.ORDO_CONSOLE_SHOTS) : null;

describe('the console in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-e2e-console-'));
  let engine: SpawnedEngine;
  let browser: Browser;
  const admin = (q: string, v?: Record<string, unknown>) => gqlAt(engine.url, q, v, ADMIN_KEY);
  const console_ = () => `${engine.base}/console/`;

  async function staffMember(email: string, roles: string[], channelCodes: string[]): Promise<void> {
    const invited = ok(await admin(`mutation($i: InviteStaffMemberInput!) { inviteStaffMember(input: $i) { invitationToken } }`, { i: { email, name: email.split('@')[0], roles, channelCodes } }));
    ok(await gqlAt(engine.url, `mutation($t: String!, $p: String!) { acceptStaffInvitation(token: $t, password: $p) { token } }`, { t: invited.inviteStaffMember.invitationToken, p: 'correct horse battery' }));
  }

  const place = async (channelCode = 'default') => ok(await gqlAt(engine.url, PLACE_ORDER, { input: orderInput([{ sku: 'CON-1', quantity: 2 }], { channelCode }) })).placeOrder.order;

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(console_());
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor().catch(async (e) => {
      throw new Error(`${(e as Error).message}\npage: ${await page.locator('body').innerText()}\nconsole: ${logs.get(page)?.join('\n')}`);
    });
    // The list says when its live connection is up (and reads itself again then).
    await page.getByRole('status').filter({ hasText: /^Live$/ }).waitFor();
  }

  /** What each page logged: failures quote it. */
  const logs = new Map<Page, string[]>();
  async function newPage(options?: Parameters<Browser['newPage']>[0]): Promise<Page> {
    const page = await browser.newPage(options);
    const lines: string[] = [];
    logs.set(page, lines);
    page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
    return page;
  }

  /**
   * axe-core's WCAG 2 A/AA rules on what the page shows now: labels, names, roles, contrast, keyboard
   * focus order. Injected through the test's own channel (the page's policy allows no script but its own).
   */
  async function accessible(page: Page, what: string): Promise<void> {
    await page.evaluate(AXE);
    const result = await page.evaluate(async () => (window as any).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
    const problems = (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(problems, what).toEqual([]);
    expect(result.passes.length, `${what}: axe checked nothing`).toBeGreaterThan(10);
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    // The page as `npm run build` makes it (type-checked, then bundled by Vite).
    await execFileP(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'plugins/console/app/tsconfig.json'], { cwd: ROOT });
    await execFileP(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'plugins/console/app/vite.config.ts'], { cwd: ROOT });
    const config = join(dir, 'ordo.config.mjs');
    writeFileSync(config, `import { consolePlugin } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/plugins/console/index.js')).href)};\nexport default { plugins: [consolePlugin()] };\n`);
    engine = await spawnEngine({ ORDO_CONFIG: config, ORDO_DATA_DIR: join(dir, 'data'), ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', LOG_LEVEL: 'warn', DATABASE_URL: undefined });
    ok(await admin(`mutation { createStockLocation(input: { code: "wh", name: "Main warehouse", kind: WAREHOUSE, countryCode: "DE", priority: 10 }) { id } }`));
    ok(await admin(`mutation { createStockLocation(input: { code: "store", name: "City store", kind: STORE, countryCode: "DE", priority: 20 }) { id } }`));
    ok(await admin(`mutation { createProduct(input: { name: "Console mug", variants: [{ sku: "CON-1", name: "Console mug", price: 1250, currencyCode: "EUR", allowBackorder: false, trackInventory: true }] }) { id } }`));
    ok(await admin(`mutation { adjustStock(input: { sku: "CON-1", locationCode: "wh", delta: 100, reason: RECEIVED }) { onHand } }`));
    ok(await admin(`mutation { createShippingMethod(input: { code: "standard", name: "Standard", carrierCode: "sim", price: 495, currencyCode: "EUR", minTransitDays: 2, maxTransitDays: 4 }) { id } }`));
    ok(await admin(`mutation { setTaxRate(input: { countryCode: "DE", ratePercent: 19 }) { ratePercent } }`));
    ok(await admin(`mutation { createChannel(input: { code: "eu-web", name: "EU web", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    await staffMember('olga@shop.example', ['orders'], []);
    await staffMember('eve@shop.example', ['orders'], ['eu-web']);
    await staffMember('ivan@shop.example', ['orders', 'inventory'], []);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await engine?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('is built into files that name no other origin, and served with a strict policy', async () => {
    for (const f of ['index.html', ...readdirSync(join(PUBLIC, 'assets')).map((a) => `assets/${a}`)]) {
      // No CDN, font or script host: every URL in the build is relative to the engine.
      expect(readFileSync(join(PUBLIC, f), 'utf8'), f).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\/|url\((?:https?:)?\/\/|import\s*\(?["']https?:/);
    }
    const res = await fetch(console_());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="app">');
  });

  it('a staff member sees a new order arrive live, then picks, packs and ships it by hand', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(console_());
    await accessible(page, 'sign-in');
    await shot(page, 'sign-in');
    await signIn(page, 'olga@shop.example');
    const first = await place();
    await page.locator(`tr[data-order-id="${first.id}"]`).waitFor(); // arrived without a reload
    const second = await place();
    const row = page.locator(`tr[data-order-id="${second.id}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('.status').textContent()).toBe('CONFIRMED');
    await accessible(page, 'orders');
    await shot(page, 'orders');

    await row.getByRole('link', { name: second.number }).click();
    await page.getByRole('heading', { name: new RegExp(`Order ${second.number}`) }).waitFor().catch(async (e) => {
      throw new Error(`${(e as Error).message}\npage: ${await page.locator('body').innerText()}\nconsole: ${logs.get(page)?.join('\n')}`);
    });
    const shipment = page.locator('article.shipment').first();
    await shipment.getByRole('button', { name: 'Mark picked' }).click();
    await shipment.getByRole('button', { name: 'Mark packed' }).click();
    // The label is bought by a job after packing: the page hears it (orderEvents) and offers shipping.
    await shipment.getByRole('button', { name: 'Mark shipped' }).click({ timeout: 20_000 });
    await expect.poll(() => shipment.locator('.status').textContent(), { timeout: 20_000 }).toBe('SHIPPED');
    await expect.poll(() => page.getByLabel(/^Status /).textContent(), { timeout: 20_000 }).toBe('SHIPPED');
    await page.getByLabel('New tag').fill('VIP');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Note', { exact: true }).fill('Gift wrap requested by phone.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Gift wrap requested by phone.').first().waitFor();
    await page.getByRole('list', { name: 'Tags' }).getByText('vip').waitFor();
    await accessible(page, 'order');
    await shot(page, 'order');

    // The API agrees with the page.
    const o = ok(await admin(`query($id: ID!) { order(id: $id) { status tags staffNotes { message actor } shipments { status trackingNumber } } }`, { id: second.id })).order;
    expect(o.status).toBe('SHIPPED');
    expect(o.shipments).toEqual([{ status: 'SHIPPED', trackingNumber: expect.any(String) }]);
    expect(o.tags).toEqual(['vip']);
    expect(o.staffNotes).toEqual([{ message: 'Gift wrap requested by phone.', actor: expect.stringContaining('olga') }]);
    await expect.poll(() => shipment.getByText(o.shipments[0].trackingNumber).count()).toBeGreaterThan(0);

    // A goodwill refund of the line: the page offers it once money is captured, and the API shows it.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Refund CON-1' }).click();
    await expect.poll(() => page.getByText(/refunded €29\.75/).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // The invoice of the capture and the credit note of the refund (a job issues it after the refund), each a link to its PDF.
    let paid: { payments: unknown[]; invoices: { number: string; kind: string }[] } = { payments: [], invoices: [] };
    await expect.poll(async () => {
      paid = ok(await admin(`query($id: ID!) { order(id: $id) { payments { amountCaptured amountRefunded } invoices { number kind } } }`, { id: second.id })).order;
      return paid.invoices.map((i) => i.kind).sort();
    }, { timeout: 20_000 }).toEqual(['CREDIT_NOTE', 'INVOICE']);
    expect(paid.payments).toEqual([{ amountCaptured: 3564, amountRefunded: 2975 }]);
    const documents = page.getByRole('region', { name: 'Invoices and credit notes' });
    await expect.poll(async () => (await documents.getByRole('link').allTextContents()).sort(), { timeout: 20_000 })
      .toEqual(paid.invoices.map((i) => i.number).sort());
    await page.close();
  }, 120_000);

  it('staff find an order by its external id, cancel one unit of a line and capture the payment by hand', async () => {
    const order = ok(await gqlAt(engine.url, PLACE_ORDER, { input: orderInput([{ sku: 'CON-1', quantity: 2 }], { externalId: 'POS-7781' }) })).placeOrder.order;
    const page = await newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'olga@shop.example');
    await page.getByLabel('Search').fill('POS-7781');
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('link', { name: order.number }).click();
    await page.getByRole('heading', { name: new RegExp(`Order ${order.number}`) }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Cancel one CON-1' }).click();
    // The order is priced again: one mug (12.50 + 19 %) and the shipping (4.95 + 19 %).
    await expect.poll(() => page.locator('td.total').textContent(), { timeout: 10_000 }).toBe('€20.77');
    await page.getByRole('button', { name: 'Capture' }).click();
    await page.getByText(/captured €20\.77/).waitFor({ timeout: 10_000 }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\npayments: ${await page.getByRole('region', { name: 'Payments' }).innerText()}`);
    });
    const o = ok(await admin(`query($id: ID!) { order(id: $id) { total paymentStatus lines { quantity quantityCancelled } payments { amountCaptured } } }`, { id: order.id })).order;
    expect(o).toEqual({ total: 2077, paymentStatus: 'PAID', lines: [{ quantity: 1, quantityCancelled: 1 }], payments: [{ amountCaptured: 2077 }] });
    await page.close();
  }, 60_000);

  it('staff edit an order: a quantity changed, the new total previewed, then committed', async () => {
    const order = await place();
    const page = await newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'olga@shop.example');
    await page.goto(`${console_()}#/orders/${order.id}`);
    await page.getByRole('button', { name: 'Edit order' }).click();
    const quantity = page.getByLabel('New quantity of CON-1');
    await quantity.fill('1');
    await quantity.press('Tab');
    await page.getByText('Total €35.64 → €20.77').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Commit the edit' }).click();
    await expect.poll(() => page.locator('td.total').textContent(), { timeout: 10_000 }).toBe('€20.77');
    const o = ok(await admin(`query($id: ID!) { order(id: $id) { total lines { quantity } edits { status } } }`, { id: order.id })).order;
    expect(o).toEqual({ total: 2077, lines: [{ quantity: 1 }], edits: [{ status: 'COMMITTED' }] });
    await page.close();
  }, 60_000);

  it('staff approve and receive a return from the queue, and the engine refunds it', async () => {
    const order = await place();
    const shipment = async () => ok(await admin(`query($id: ID!) { order(id: $id) { lines { id } shipments { id status } } }`, { id: order.id })).order;
    await expect.poll(async () => (await shipment()).shipments.length, { timeout: 20_000 }).toBe(1); // routed by a job
    let o = await shipment();
    for (const step of ['markShipmentPicked', 'markShipmentPacked']) ok(await admin(`mutation($id: ID!) { ${step}(id: $id) { id } }`, { id: o.shipments[0].id }));
    await expect.poll(async () => (await shipment()).shipments[0].status, { timeout: 20_000 }).toBe('LABELLED');
    ok(await admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { id } }`, { id: o.shipments[0].id }));
    o = await shipment();
    const requested = ok(await admin(`mutation($i: RequestReturnInput!) { requestReturn(input: $i) { id number status } }`, {
      i: { orderId: order.id, resolution: 'REFUND', lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'DAMAGED' }], customerNote: 'Handle broke off.' },
    })).requestReturn;

    const page = await newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'olga@shop.example');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Returns' }).click();
    const card = page.getByRole('article', { name: `Return ${requested.number}` });
    await card.waitFor();
    await card.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(0); // approved: it left "To approve"
    await page.getByRole('tab', { name: 'To receive' }).click();
    await card.getByLabel('Disposition of CON-1').selectOption('DAMAGED');
    await accessible(page, 'returns');
    await shot(page, 'returns');
    await card.getByRole('button', { name: 'Receive' }).click();
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(0);
    await page.getByRole('tab', { name: 'Done' }).click();
    await card.waitFor();
    // The refund is sent by a job after receiving: the API and then the page agree. A damaged unit is the
    // shop's fault: its price (12.50 + 19 % = 14.88) and the order's shipping (4.95 + 19 % = 5.89) come back.
    await expect.poll(async () => ok(await admin(`query($id: ID!) { returnRequest(id: $id) { status refundTotal lines { quantityReceived disposition } } }`, { id: requested.id })).returnRequest, { timeout: 20_000 })
      .toEqual({ status: 'COMPLETED', refundTotal: 2077, lines: [{ quantityReceived: 1, disposition: 'DAMAGED' }] });
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('tab', { name: 'Done' }).click();
    await expect.poll(() => card.locator('.status').textContent(), { timeout: 10_000 }).toBe('COMPLETED');
    expect(await card.textContent()).toContain('refund €20.77');
    await page.close();
  }, 120_000);

  it('pages a role may not open are not offered; stock is adjusted, a pick list printed, stock bought and received', async () => {
    const olga = await newPage();
    await signIn(olga, 'olga@shop.example');
    const nav = olga.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Dashboard', 'Orders', 'Returns']);
    await olga.close();

    const page = await newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'ivan@shop.example');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stock' }).click();
    const row = page.locator('tr[data-sku="CON-1"][data-location="wh"]');
    await row.waitFor();
    const before = ok(await admin(`{ stockLevels(sku: "CON-1", locationCode: "wh") { onHand available } }`)).stockLevels[0];
    expect(await row.locator('td').nth(2).textContent()).toBe(String(before.onHand));
    const form = page.getByRole('form', { name: 'Adjust stock' });
    await form.getByLabel('SKU').fill('CON-1');
    await form.getByLabel('At').selectOption('wh');
    await form.getByLabel('Change by').fill('-3');
    await form.getByLabel('Reason').selectOption('DAMAGED');
    await form.getByLabel('Note').fill('dropped a box');
    await form.getByRole('button', { name: 'Adjust' }).click();
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 10_000 }).toBe(String(before.onHand - 3));
    await accessible(page, 'stock');
    await shot(page, 'stock');
    const moves = ok(await admin(`{ stockMovements(sku: "CON-1", locationCode: "wh", first: 1) { delta reason note } }`)).stockMovements;
    expect(moves[0]).toEqual({ delta: -3, reason: 'DAMAGED', note: 'dropped a box' });

    // The location's pick list: a signed link to the PDF of what waits to be picked there.
    await page.getByLabel('Location').selectOption('wh');
    await page.getByRole('button', { name: 'Make the pick list' }).click();
    const href = await page.getByRole('link', { name: 'Pick list (PDF)' }).getAttribute('href');
    const pdf = await fetch(new URL(href!, engine.base));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');

    // Purchasing: a reorder rule's suggestion becomes a draft purchase order, sent, then received.
    const supplier = ok(await admin(`mutation { createSupplier(input: { name: "Mug Works", email: "orders@mugworks.example", currencyCode: "EUR", leadTimeDays: 5 }) { id } }`)).createSupplier.id;
    ok(await admin(`mutation($s: ID!) { setSupplierItem(input: { supplierId: $s, sku: "CON-1", costPrice: 400, packSize: 6 }) { sku } }`, { s: supplier }));
    const level = ok(await admin(`{ stockLevels(sku: "CON-1", locationCode: "wh") { onHand available } }`)).stockLevels[0];
    ok(await admin(`mutation($p: Int!) { setReorderRule(input: { sku: "CON-1", locationCode: "wh", reorderPoint: $p, target: $t }) { sku } }`.replace('$t', String(level.available + 20)), { p: level.available + 5 }));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Purchasing' }).click();
    await page.getByRole('region', { name: 'Reorder suggestions' }).getByLabel('Location').selectOption('wh');
    await page.getByRole('cell', { name: 'Mug Works' }).waitFor();
    await page.getByRole('button', { name: 'Create draft purchase orders' }).click();
    const po = page.getByRole('article', { name: /^Purchase order / }).first();
    await po.getByRole('button', { name: 'Send to supplier' }).click();
    await po.getByRole('button', { name: 'Receive the rest' }).click();
    await expect.poll(() => po.locator('.status').textContent(), { timeout: 10_000 }).toBe('RECEIVED');
    await accessible(page, 'purchasing');
    await shot(page, 'purchasing');
    const after = ok(await admin(`{ stockLevels(sku: "CON-1", locationCode: "wh") { onHand } }`)).stockLevels[0];
    expect(after.onHand).toBe(level.onHand + 24); // 20 wanted, in packs of 6

    // A cycle count finds one mug fewer; a transfer moves five to the store.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Counts and transfers' }).click();
    const startCount = page.getByRole('form', { name: 'Start a count' });
    await startCount.getByLabel('At').selectOption('wh');
    await startCount.getByLabel('SKUs').fill('CON-1');
    await startCount.getByRole('button', { name: 'Start count' }).click();
    const countCard = page.getByRole('article', { name: 'Count at wh' });
    await countCard.getByLabel('Counted CON-1').fill(String(after.onHand - 1));
    await countCard.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => countCard.locator('td').nth(3).textContent(), { timeout: 10_000 }).toBe('-1');
    await countCard.getByRole('button', { name: 'Apply the count' }).click();
    await expect.poll(() => countCard.locator('.status').textContent(), { timeout: 10_000 }).toBe('APPLIED');
    const newTransfer = page.getByRole('form', { name: 'New transfer' });
    await newTransfer.getByLabel('From', { exact: true }).selectOption('wh');
    await newTransfer.getByLabel('To', { exact: true }).selectOption('store');
    await newTransfer.getByLabel('SKU').fill('CON-1');
    await newTransfer.getByLabel('Units').fill('5');
    await newTransfer.getByRole('button', { name: 'Create transfer' }).click();
    const transferCard = page.getByRole('article', { name: 'Transfer wh to store' });
    await transferCard.getByRole('button', { name: 'Ship' }).click();
    await transferCard.getByRole('button', { name: 'Receive all' }).click();
    await expect.poll(() => transferCard.locator('.status').textContent(), { timeout: 10_000 }).toBe('RECEIVED');
    await accessible(page, 'counts and transfers');
    await shot(page, 'counts-transfers');
    const levels = ok(await admin(`{ stockLevels(sku: "CON-1") { onHand location { code } } }`)).stockLevels;
    expect(Object.fromEntries(levels.map((l: any) => [l.location.code, l.onHand]))).toEqual({ wh: after.onHand - 1 - 5, store: 5 });
    await page.close();

    // A superadmin API key opens every page; no job has failed in this run.
    const key = await newPage();
    await key.goto(console_());
    await key.getByText('Sign in with an API key').click();
    await key.getByLabel('API key', { exact: true }).fill(ADMIN_KEY);
    await key.getByRole('button', { name: 'Use key' }).click();
    await key.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Failed jobs' }).click();
    await key.getByText('No failed jobs.').waitFor();

    // The dashboard's figures are the reports' (rollups fed by the events of this run's orders).
    await key.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const DAY = 86_400_000;
    const to = new Date(Math.ceil(Date.now() / DAY) * DAY);
    const report = ok(await admin(`query($from: DateTime!, $to: DateTime!) { salesReport(from: $from, to: $to) { currencies { currencyCode totals { orders netSales } } } }`,
      { from: new Date(to.getTime() - 30 * DAY).toISOString(), to: to.toISOString() })).salesReport.currencies;
    expect(report.map((c: any) => c.currencyCode)).toEqual(['EUR']);
    expect(report[0].totals.orders).toBeGreaterThan(0);
    const sales = key.getByRole('region', { name: 'Sales in EUR' });
    await expect.poll(() => sales.locator('.tiles div').first().locator('dd').textContent(), { timeout: 10_000 }).toBe(String(report[0].totals.orders));
    expect(await sales.locator('.tiles div').nth(2).locator('dd').textContent()).toBe(new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(report[0].totals.netSales / 100));
    expect(await key.locator('figure.chart canvas').count()).toBe(2);
    await accessible(key, 'dashboard');
    await shot(key, 'dashboard');
    await key.close();
  }, 60_000);

  it('a member kept to one channel never sees another channel\'s order, even live', async () => {
    const home = await place('default');
    const page = await newPage();
    await signIn(page, 'eve@shop.example');
    const web = await place('eu-web');
    const later = await place('default');
    await page.locator(`tr[data-order-id="${web.id}"]`).waitFor();
    // The other channel's orders: neither the earlier one in the list nor the later one from the feed.
    await page.waitForTimeout(500);
    expect(await page.locator(`tr[data-order-id="${home.id}"]`).count()).toBe(0);
    expect(await page.locator(`tr[data-order-id="${later.id}"]`).count()).toBe(0);
    const channels = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(channels)).toEqual(new Set(['eu-web']));
    // The CSV export of the list holds the member's channel's orders only.
    await page.getByRole('button', { name: 'Export these orders (CSV)' }).click();
    const link = page.getByRole('link', { name: /^Download / });
    const csv = await (await fetch(new URL((await link.getAttribute('href'))!, engine.base))).text();
    expect(csv).toContain(web.number);
    expect(csv.trim().split('\n').slice(1).every((row) => row.includes('eu-web'))).toBe(true);
    await page.goto(`${console_()}#/orders/${home.id}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/channel|access|not/i);
    await page.close();
  }, 60_000);
});
