// SIGTERM on a busy server (the compiled `node dist/src/main.js`, like `npm start`): requests that are
// running when the signal arrives get their full answer (their database work included), new connections
// are refused from then on, an open subscription is closed with 1001 "going away" instead of holding the
// process, and the process exits with code 0 well before the forced exit of src/process.ts (20 s, code 1).
// The slow requests are real: a config-file plugin adds a query field that waits, then reads the database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const fileUrl = (p: string) => JSON.stringify(pathToFileURL(resolve(ROOT, p)).href);
/** How long each slow request takes on the server; SIGTERM arrives while every one of them waits. */
const SLOW_MS = 2_000;
const IN_FLIGHT = 6;
/** Far below the forced exit (20 s in src/process.ts): a shutdown that hangs fails here, not after it. */
const EXIT_WITHIN_MS = 8_000;

// The plugin, in plain JavaScript: type-graphql's decorators applied as functions (the very copy the
// compiled engine imports). `slowOrderCount(tag)` logs that it started, waits SLOW_MS, then counts orders.
const PLUGIN = `
import { Resolver, Query, Arg, Ctx } from ${fileUrl('node_modules/type-graphql/build/esm/index.js')};
import { definePlugin } from ${fileUrl('dist/src/index.js')};

class SlowResolver {
  async slowOrderCount(tag, ctx) {
    const startedAt = Date.now();
    console.log('slow request started ' + tag);
    await new Promise((r) => setTimeout(r, ${SLOW_MS}));
    const [row] = await ctx.em.execute('SELECT COUNT(*) AS n FROM orders');
    return JSON.stringify({ tag, startedAt, endedAt: Date.now(), orders: Number(row.n) });
  }
}
const proto = SlowResolver.prototype;
Query(() => String)(proto, 'slowOrderCount', Object.getOwnPropertyDescriptor(proto, 'slowOrderCount'));
Arg('tag', () => String)(proto, 'slowOrderCount', 0);
Ctx()(proto, 'slowOrderCount', 1);
Resolver()(SlowResolver);

export default { plugins: [definePlugin({ name: 'slow-field', resolvers: [SlowResolver] })] };
`;

interface Answer { status: number; body: string; at: number }

/** A POST on a connection of its own (no keep-alive pool): one in-flight request per TCP connection. */
function post(url: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  return new Promise((res, rej) => {
    const body = JSON.stringify({ query, variables });
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
      let data = '';
      r.setEncoding('utf8').on('data', (d: string) => (data += d)).on('end', () => res({ status: r.statusCode ?? 0, body: data, at: Date.now() }));
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** Whether a new TCP connection to the port is accepted now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForCount(e: SpawnedEngine, pattern: RegExp, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((e.stdout().match(pattern)?.length ?? 0) < n) {
    if (Date.now() > deadline) throw new Error(`stdout has fewer than ${n} matches of ${pattern} after ${timeoutMs} ms\n${e.output()}`);
    await sleep(10);
  }
}

describe('SIGTERM with requests in flight (compiled server, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-e2e-shutdown-'));
  let server: SpawnedEngine | undefined;
  afterAll(async () => {
    if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes every in-flight request, refuses new connections, closes subscriptions, exits 0 quickly', async () => {
    const config = join(dir, 'ordo.config.mjs');
    writeFileSync(config, PLUGIN);
    server = await spawnEngine({
      ORDO_CONFIG: config, ORDO_DATA_DIR: join(dir, 'data'), NODE_ENV: 'development', LOG_LEVEL: 'info', ADMIN_API_KEY: undefined, DATABASE_URL: undefined,
    });
    const s = server;

    // An open subscription (a storefront watching stock).
    let closed: { code?: number; reason?: string } | undefined;
    const ws = createClient({
      url: s.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {},
      on: { closed: (e) => void (closed = { code: (e as { code?: number }).code, reason: (e as { reason?: string }).reason }) },
    });
    const subscribed = new Promise<void>((res) => ws.on('connected', () => res()));
    const events = ws.iterate({ query: 'subscription { stockLevelChanged(sku: "SHOE-TR-42") { sku available } }' });
    const subscription = events.next().then(() => 'event', (err: unknown) => `error ${String(err)}`);
    await subscribed;

    // Requests in flight: all of them started on the server (it logged so) before the signal.
    const query = 'query($tag: String!) { slowOrderCount(tag: $tag) }';
    const answers = Array.from({ length: IN_FLIGHT }, (_, i) => post(s.url, query, { tag: `r${i}` }));
    const ended: string[] = [];
    answers.forEach((a, i) => void a.then(() => ended.push(`r${i} answered`), (err: Error) => ended.push(`r${i} cut off: ${err.message}`)));
    await waitForCount(s, /slow request started r\d+/g, IN_FLIGHT);
    const sigtermAt = Date.now();
    s.kill('SIGTERM');
    const exited = s.waitForExit(EXIT_WITHIN_MS).then((x) => ({ ...x, at: Date.now() }));

    // New connections are refused while the in-flight requests are still running.
    const refusedBy = Date.now() + SLOW_MS;
    while (await accepts(s.port)) {
      expect(Date.now(), `the server still accepts connections ${Date.now() - sigtermAt} ms after SIGTERM\n${s.output()}`).toBeLessThan(refusedBy);
      await sleep(20);
    }
    // (Had they ended already, they would not have been in flight when the listener closed.)
    expect(ended, s.output()).toEqual([]);

    // Every in-flight request gets its full answer, computed after the signal (the database still open).
    const results = await Promise.all(answers);
    for (const [i, r] of results.entries()) {
      expect(r.status, r.body).toBe(200);
      const body = JSON.parse(r.body);
      expect(body.errors, r.body).toBeUndefined();
      const field = JSON.parse(body.data.slowOrderCount);
      expect(field).toMatchObject({ tag: `r${i}`, orders: expect.any(Number) });
      expect(field.startedAt).toBeLessThanOrEqual(sigtermAt); // logged as started before the test sent the signal (the same millisecond at most)
      expect(field.endedAt).toBeGreaterThan(sigtermAt);
    }

    // The subscription is ended by the server ("going away"), not left to hold the process.
    expect(await subscription).toMatch(/^error/);
    expect(closed?.code).toBe(1001);
    await ws.dispose();

    // Exit code 0, soon after the last answer, far from the forced exit.
    const exit = await exited;
    expect({ code: exit.code, signal: exit.signal }, s.output()).toEqual({ code: 0, signal: null });
    expect(exit.at - sigtermAt).toBeGreaterThanOrEqual(Math.max(...results.map((r) => r.at)) - sigtermAt);
    expect(exit.at - sigtermAt, s.output()).toBeLessThan(EXIT_WITHIN_MS);
    expect(s.stdout()).toMatch(/shutting down: finishing in-flight work/);
  }, 60_000);
});
