// The example phone app (examples/app) against the compiled engine, through a network the test can cut.
// It follows a customer's orders live; when its connection drops (the network, then an engine restart)
// the orders change while it is away, and those events are never delivered to it: only its re-read of
// the order list after reconnecting can show them. It shows each change once, and stops with "please
// log in again" (no retry loop) when the engine refuses its token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { freePort, spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import { flakyNetwork, type FlakyNetwork } from '../helpers/flaky-network.js';
import { until } from '../helpers/until.js';
import type { TestEngine } from '../helpers/engine.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_KEY = 'e2e-example-app-admin-key-0123456789';
const SKU = 'APP-TEE';
const EMAIL = 'ann@example.com';
const PASSWORD = 'correct horse battery';

interface PhoneApp {
  proc: ChildProcess;
  stdout(): string;
  /** Waits (bounded) until stdout matches; the error carries the app's and the engine's output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The app as a user runs it: `node examples/app/main.mjs`, configured by its environment. */
function startApp(env: Record<string, string>, context: () => string): PhoneApp {
  // No node_modules of its own needed: graphql-ws and ws resolve from the repository's.
  const proc = spawn(process.execPath, [join(ROOT, 'examples/app/main.mjs')], {
    cwd: join(ROOT, 'examples/app'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ORDO_RETRY_MAX_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  // 'close', not 'exit': 'exit' may come before the last of stdout has been read.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.once('close', (code, signal) => res({ code, signal })));
  return {
    proc,
    stdout: () => out,
    exit,
    waitFor: async (pattern, timeoutMs = 15_000) => {
      await until(() => out, (o) => pattern.test(o), timeoutMs).catch(() => {
        throw new Error(`the app did not print ${pattern} within ${timeoutMs} ms\n--- app stdout ---\n${out}\n--- app stderr ---\n${err}\n${context()}`);
      });
    },
  };
}

const count = (text: string, line: string) => text.split('\n').filter((l) => l === line).length;

describe('examples/app: a phone following its orders over a dropping connection', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let engine: SpawnedEngine | undefined;
  let network: FlakyNetwork;
  const apps: PhoneApp[] = [];

  const admin = (q: string, v?: Record<string, unknown>) => gqlAt(engine!.url, q, v, ADMIN_KEY);
  /** Waits until the engine's relay has published every event written so far (its SQLite file, read-only). */
  const allPublished = () => until(() => {
    const db = new Database(join(dataDir, 'ordo.sqlite'), { readonly: true, timeout: 5_000 });
    try {
      return Number((db.prepare('SELECT COUNT(*) AS n FROM outbox_event WHERE published_at_ms IS NULL').get() as { n: number }).n);
    } finally {
      db.close();
    }
  }, (n) => n === 0);
  const engineOutput = () => (engine ? `--- engine ---\n${engine.output()}` : '');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ordo-example-app-'));
    // A fixed port and data folder, so that the engine can be restarted as the same engine.
    env = { PORT: String(await freePort()), ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', LOG_LEVEL: 'warn' };
    engine = await spawnEngine(env);
    network = await flakyNetwork(engine.port);
  });

  afterAll(async () => {
    for (const a of apps) if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
    await network?.close();
    await engine?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows live changes, catches up on what it missed while away (network drop, engine restart), each change once', async () => {
    await setupShop({ admin } as unknown as TestEngine, { variants: [{ sku: SKU, price: 2500, stock: { 'wh-a': 10 } }] });
    const customer = ok(await gqlAt(engine!.url, `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, {
      i: { email: EMAIL, password: PASSWORD, name: 'Ann' },
    })).registerCustomer.token as string;
    const place = async () => ok(await gqlAt(engine!.url, PLACE_ORDER, { input: orderInput([{ sku: SKU, quantity: 1 }], { email: EMAIL }) }, customer)).placeOrder.order;
    const first = await place();
    const second = await place();
    expect([first.number, second.number, first.status, second.status]).toEqual(['1001', '1002', 'CONFIRMED', 'CONFIRMED']);

    const app = startApp({ ORDO_URL: `http://127.0.0.1:${network.port}/graphql`, ORDO_EMAIL: EMAIL, ORDO_PASSWORD: PASSWORD }, engineOutput);
    apps.push(app);
    await app.waitFor(/^signed in as ann@example\.com$/m);
    await app.waitFor(/^online — 2 orders$/m);
    // Each line is its own write to the pipe: the list's lines may arrive a moment after its heading.
    await app.waitFor(/^ {2}#1001 {2}Confirmed$/m);

    // Live: the shop puts #1001 on hold.
    ok(await admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "address check") { status } }`, { id: first.id }));
    await app.waitFor(/^Order #1001 — On hold$/m);

    // The network drops. While the phone is away, #1001 is released and #1002 cancelled: their events go
    // out to nobody.
    network.cut();
    await app.waitFor(/^reconnecting… \(connection lost\)$/m);
    ok(await admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: first.id }));
    ok(await admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "out of stock") { status } }`, { id: second.id }));
    await allPublished(); // the relay has published them (to no one on the phone's side)
    expect(app.stdout()).not.toMatch(/#1002 — Cancelled/);
    network.restore();
    await app.waitFor(/^back online, caught up on 2 changes$/m);
    let out = app.stdout();
    const away = out.lastIndexOf('reconnecting…');
    const back = out.indexOf('back online, caught up on 2 changes');
    for (const line of ['Order #1001 — Confirmed', 'Order #1002 — Cancelled']) {
      expect(out.indexOf(line), out).toBeGreaterThan(away);
      expect(out.indexOf(line), out).toBeLessThan(back);
    }

    // The engine restarts (SIGTERM: it closes WebSockets with 1001 "going away"). While it is down and the
    // phone still cannot get through, the restarted engine ships #1001.
    await engine!.stop();
    await app.waitFor(/^reconnecting… \(the engine went away\)$/m);
    network.cut();
    engine = await spawnEngine(env);
    const shipment = ok(await admin(`query($id: ID!) { order(id: $id) { shipments { id } } }`, { id: first.id })).order.shipments[0];
    expect(shipment, 'the order was routed to the warehouse').toBeTruthy();
    ok(await admin(`mutation($id: ID!) { markShipmentPicked(id: $id) { status } }`, { id: shipment.id }));
    ok(await admin(`mutation($id: ID!) { markShipmentPacked(id: $id) { status } }`, { id: shipment.id }));
    const labelled = await until(
      async () => ok(await admin(`query($id: ID!) { shipment(id: $id) { status trackingNumber } }`, { id: shipment.id })).shipment,
      (s) => s.status === 'LABELLED',
    );
    const shipped = ok(await admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { order { status } } }`, { id: shipment.id })).markShipmentShipped;
    expect(shipped.order.status).toBe('SHIPPED');
    await allPublished(); // gone out while the phone could not hear them
    network.restore();
    const shippedLine = `Order #1001 — Shipped — tracking ${labelled.trackingNumber}`;
    await app.waitFor(/^back online, caught up on 1 change$/m, 20_000);
    out = app.stdout();
    expect(out.indexOf(shippedLine), out).toBeGreaterThan(out.lastIndexOf('reconnecting…'));
    // Those events were missed: the parcel's steps were never shown, only the status the list holds now.
    expect(out).not.toMatch(/#1001 — Parcel (picked|packed|labelled|handed to the carrier)/);

    // Live again after the restart: a new order shows up at once.
    const third = await place();
    await app.waitFor(new RegExp(`^Order #${third.number} — Confirmed$`, 'm'));

    // Nothing was shown twice. The marker: one more change after all that; events reach the app in order,
    // so once it shows, a repeat of an earlier one would have shown too.
    ok(await admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "marker") { status } }`, { id: third.id }));
    await app.waitFor(new RegExp(`^Order #${third.number} — On hold$`, 'm'));
    out = app.stdout();
    for (const line of ['Order #1001 — On hold', 'Order #1001 — Confirmed', 'Order #1002 — Cancelled', shippedLine, `Order #${third.number} — Confirmed`]) {
      expect(count(out, line), `${line}\n${out}`).toBe(1);
    }
    expect(app.proc.exitCode).toBeNull(); // still running
  }, 120_000);

  it('a token the engine refuses: "please log in again", once, and it stops instead of retrying', async () => {
    const before = network.connections;
    const app = startApp({ ORDO_URL: `http://127.0.0.1:${network.port}/graphql`, ORDO_TOKEN: 'cs_not-a-session-token' }, engineOutput);
    apps.push(app);
    const exit = await Promise.race([app.exit, new Promise<'running'>((r) => setTimeout(() => r('running'), 15_000))]);
    expect(exit, app.stdout()).toEqual({ code: 2, signal: null });
    expect(app.stdout()).toMatch(/^your session has ended \(the engine refused the session token \(close code 4403\)\) — please log in again$/m);
    expect(count(app.stdout(), app.stdout().trim().split('\n').at(-1)!)).toBe(1);
    // One WebSocket connection: refused, not retried.
    expect(network.connections - before).toBe(1);
  }, 30_000);
});
