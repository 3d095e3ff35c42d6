#!/usr/bin/env node
// Fulfillment benchmark: orders per second from CONFIRMED to SHIPPED at an autoFulfill location, with 1 and
// 2 worker processes, beside the ceiling of the same Redis: empty BullMQ jobs at the same concurrency.
//   node bench/fulfillment.mjs [--orders 500] [--workers 1,2] [--jobs 5000] [--concurrency 8] [--skus 100]
//                              [--timeout 300] [--redis redis://127.0.0.1:6379] [--quiet-wait 30] [--build]
// Needs a local PostgreSQL at postgres://postgres@127.0.0.1:5432 (trust auth) and Redis. Creates and drops
// its own database (ordo_bench_ff) and deletes its own Redis keys (a unique prefix). Prints a report and
// writes it to bench/results/fulfillment.md. See bench/README.md.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const require = createRequire(join(ROOT, 'package.json'));
const { Client, Pool } = require('pg');
const { Queue, Worker } = require('bullmq');
const { Redis } = require('ioredis');

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const k = argv[i].slice(2);
    if (k === 'build') o[k] = '1';
    else o[k] = argv[++i];
  }
  return o;
}
const A = parseArgs(process.argv.slice(2));

// A child of this script: a process that works empty jobs (the ceiling's worker).
if (A['noop-worker']) {
  const worker = new Worker(A.queue, async () => {}, {
    connection: new Redis(A['noop-worker'], { maxRetriesPerRequest: null }),
    prefix: A.prefix,
    concurrency: Number(A.concurrency),
  });
  worker.on('error', (err) => console.error(`noop worker error: ${err.message}`));
  await worker.waitUntilReady();
  console.log('noop worker ready');
  const stop = async () => { await worker.close(); process.exit(0); };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  await new Promise(() => {});
}

const ORDERS = Number(A.orders ?? 500);
const WORKER_COUNTS = String(A.workers ?? '1,2').split(',').map(Number);
const JOBS = Number(A.jobs ?? 5000);
const CONCURRENCY = Number(A.concurrency ?? 8);
const SKUS = Number(A.skus ?? 100);
const TIMEOUT_S = Number(A.timeout ?? 300);
const REDIS = String(A.redis ?? 'redis://127.0.0.1:6379');
const QUIET_WAIT = Number(A['quiet-wait'] ?? 30), QUIET_BUSY = 0.3;
if (!(ORDERS >= 10) || WORKER_COUNTS.some((w) => !(w >= 1 && w <= 8)) || !(JOBS >= 100) || !(CONCURRENCY >= 1) || !(SKUS >= 1) || !(TIMEOUT_S > 0) || !/^redis:\/\/127\.0\.0\.1[:/]/.test(REDIS + '/')) {
  console.error('usage: node bench/fulfillment.mjs [--orders 500] [--workers 1,2] [--jobs 5000] [--concurrency 8] [--skus 100] [--timeout 300] [--redis redis://127.0.0.1:6379] [--quiet-wait 30] [--build]');
  process.exit(2);
}

const PG = (db) => `postgres://postgres@127.0.0.1:5432/${db}`;
const BENCH_DB = 'ordo_bench_ff';
const ADMIN_KEY = 'bench-admin-key-0123456789';
const PREFIX = `ordo-bench-ff-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const RESULTS = join(ROOT, 'bench', 'results');
const CORES = availableParallelism();
const CLK_TCK = 100;
const LOCATION = 'bench-3pl';
const ctx = { startedAt: new Date().toISOString(), runs: [], ceiling: [] };

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const oneLine = (s, n = 200) => { const t = String(s).replace(/\s+/g, ' ').trim(); return t.length > n ? `${t.slice(0, n - 1)}…` : t; };

// ---------------------------------------------------------------- cleanup (always runs)
const children = new Set();
const cleanups = [];
let cleaning = null;
async function cleanup() {
  if (!cleaning) {
    cleaning = (async () => {
      await Promise.all([...children].map((c) => stopChild(c)));
      for (const f of cleanups.reverse()) {
        try { await f(); } catch (e) { log('cleanup step failed:', e.message); }
      }
    })();
  }
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { log(`${sig}: cleaning up`); cleanup().finally(() => process.exit(130)); });
}

function startChild(args, opts, name) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  child.name = name;
  child.lines = [];
  child.exited = new Promise((r) => child.on('exit', (code, signal) => { children.delete(child); child.exitInfo = { code, signal }; r(child.exitInfo); }));
  children.add(child);
  for (const [stream, tag] of [[child.stdout, 'out'], [child.stderr, 'err']]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop();
      for (const l of parts) if (l.trim()) child.lines.push({ tag, line: l });
    });
    stream.on('end', () => { if (rest.trim()) child.lines.push({ tag, line: rest }); });
  }
  return child;
}

async function stopChild(child, graceMs = 10_000) {
  if (!children.has(child)) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => { log(`${child.name} still running ${graceMs / 1000}s after SIGTERM: SIGKILL`); child.kill('SIGKILL'); }, graceMs);
  await child.exited;
  clearTimeout(t);
}

/** Waits (bounded) until a child prints a line matching `re`. */
async function waitForLine(child, re, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.lines.some((l) => re.test(l.line))) return;
    if (child.exitInfo) throw new Error(`${child.name} exited (${child.exitInfo.code ?? child.exitInfo.signal}):\n${child.lines.slice(-20).map((l) => l.line).join('\n')}`);
    await sleep(20);
  }
  throw new Error(`${child.name}: no line matching ${re} within ${timeoutMs} ms`);
}

// ---------------------------------------------------------------- databases, Redis
async function adminSql(sql) {
  const c = new Client({ connectionString: PG('postgres') });
  await c.connect();
  try { return await c.query(sql); } finally { await c.end(); }
}
let dbCleanupRegistered = false;
async function recreateDb(name) {
  await adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminSql(`CREATE DATABASE ${name}`);
  if (!dbCleanupRegistered) {
    dbCleanupRegistered = true;
    cleanups.push(() => adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}
/** Deletes this run's keys only (SCAN by prefix; never FLUSHDB). */
async function deleteRedisKeys(prefix) {
  const r = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0', n = 0;
    const deadline = Date.now() + 60_000;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await r.unlink(...keys);
    } while (cursor !== '0' && Date.now() < deadline);
    return n;
  } finally { r.disconnect(); }
}

// ---------------------------------------------------------------- the engine
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}
async function ensureBuilt() {
  const main = join(ROOT, 'dist', 'src', 'main.js');
  if (A.build || !existsSync(main) || !existsSync(join(ROOT, 'dist', 'src', 'worker.js'))) {
    log('building: node node_modules/typescript/bin/tsc -p tsconfig.build.json');
    const child = startChild(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {}, 'tsc');
    const t = setTimeout(() => child.kill('SIGKILL'), 300_000);
    const { code } = await child.exited;
    clearTimeout(t);
    if (code !== 0) log(`tsc exited with ${code}:\n${child.lines.slice(0, 30).map((l) => l.line).join('\n')}`);
    if (!existsSync(main)) throw new Error('build produced no dist/src/main.js');
  }
  const built = statSync(join(ROOT, 'dist', 'src', 'app.js')).mtimeMs;
  const src = newestMtime(join(ROOT, 'src'));
  return src > built ? `dist/ is older than src/ (newest .ts ${new Date(src).toISOString()}, build ${new Date(built).toISOString()}): the run measures the last build; pass --build to rebuild` : null;
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const port = s.address().port; s.close(() => res(port)); });
  });
}

function engineEnv(dataDir, prefix, extra = {}) {
  return {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(),
    DATABASE_URL: PG(BENCH_DB), HOST: '127.0.0.1', ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0',
    LOG_LEVEL: 'info', REDIS_URL: REDIS, ORDO_REDIS_PREFIX: prefix, ORDO_QUEUE_CONCURRENCY: String(CONCURRENCY),
    DATABASE_POOL_SIZE: '20', ...extra,
  };
}

async function startApi(dataDir, prefix) {
  const port = await freePort();
  const child = startChild(['dist/src/main.js'], { env: engineEnv(dataDir, prefix, { PORT: String(port), ORDO_DISABLE_WORKERS: '1' }) }, 'api');
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitInfo) throw new Error(`api exited (${child.exitInfo.code ?? child.exitInfo.signal}) before it was ready:\n${child.lines.slice(-30).map((l) => l.line).join('\n')}`);
    try {
      const r = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return { child, url: `${base}/graphql` };
    } catch {}
    await sleep(200);
  }
  throw new Error('api not ready after 120s');
}

async function gql(url, query, variables, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = { errors: [{ message: `non-JSON answer (HTTP ${res.status}): ${oneLine(text, 120)}` }] }; }
  return { status: res.status, body };
}
function must(r, what) {
  if (r.status !== 200 || r.body.errors?.length || !r.body.data) throw new Error(`${what} failed (HTTP ${r.status}): ${JSON.stringify(r.body.errors ?? r.body)}`);
  return r.body.data;
}
const admin = (url, q, v) => gql(url, q, v, ADMIN_KEY);
async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}
const sku = (i) => `FF-${String(i).padStart(4, '0')}`;

async function setupShop(url) {
  must(await admin(url, `mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`,
    { i: { code: LOCATION, name: 'Bench 3PL (automated)', kind: 'THIRD_PARTY_LOGISTICS', countryCode: 'DE', priority: 1, autoFulfill: true } }), 'createStockLocation');
  const variants = Array.from({ length: SKUS }, (_, i) => ({ sku: sku(i), name: `Bench variant ${i}`, price: 1000 + (i % 50) * 10, currencyCode: 'EUR' }));
  for (let i = 0; i < variants.length; i += 100) {
    must(await admin(url, `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i: { name: `Bench product ${i / 100}`, variants: variants.slice(i, i + 100) } }), 'createProduct');
  }
  await inBatches(variants.map((v) => v.sku), 20, async (s) => must(await admin(url, `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`,
    { i: { sku: s, locationCode: LOCATION, delta: 100_000, reason: 'RECEIVED' } }), `adjustStock ${s}`));
  must(await admin(url, `mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`,
    { i: { code: 'standard', name: 'Standard', carrierCode: 'sim', price: 495, currencyCode: 'EUR', minTransitDays: 2, maxTransitDays: 4 } }), 'createShippingMethod');
  must(await admin(url, `mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'DE', ratePercent: 19 } }), 'setTaxRate');
}

const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } } }`;
const ADDRESS = { name: 'Jane Doe', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' };
async function placeOrders(url, n) {
  let failures = 0;
  const ids = Array.from({ length: n }, (_, i) => i);
  await inBatches(ids, 16, async (i) => {
    const r = await gql(url, PLACE_ORDER, { input: {
      email: `ff-${i}@example.com`, lines: [{ sku: sku(i % SKUS), quantity: 1 }], shippingAddress: ADDRESS, shippingMethodCode: 'standard',
      payment: { method: 'test-card', token: 'tok_visa' },
    } });
    if (r.status !== 200 || r.body.errors?.length || r.body.data?.placeOrder?.order?.status !== 'CONFIRMED') {
      failures++;
      if (failures <= 3) log(`placeOrder failed: ${oneLine(JSON.stringify(r.body.errors ?? r.body.data), 200)}`);
    }
  });
  return failures;
}

// ---------------------------------------------------------------- CPU
function cpuTicks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch { return NaN; }
}
function machineTicks() {
  try {
    const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: v.reduce((a, b) => a + b, 0), idle: v[3] + (v[4] || 0) };
  } catch { return null; }
}
function procTicks(match) {
  let t = 0;
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try { if (match(readFileSync(`/proc/${d}/cmdline`, 'utf8'))) t += cpuTicks(d); } catch {}
    }
  } catch {}
  return t;
}
const pgTicks = () => procTicks((cmd) => cmd.startsWith('postgres: ') && cmd.includes(` ${BENCH_DB} `));
const redisTicks = () => procTicks((cmd) => cmd.startsWith('redis-server'));
async function machineBusy(ms = 1000) {
  const a = machineTicks();
  await sleep(ms);
  const b = machineTicks();
  if (!a || !b) return NaN;
  return ((b.total - a.total - (b.idle - a.idle)) / CLK_TCK) / (ms / 1000);
}
async function waitQuiet(what) {
  const deadline = Date.now() + QUIET_WAIT * 1000;
  let busy = await machineBusy(1000);
  while (busy > QUIET_BUSY && Date.now() < deadline) {
    log(`machine busy ${busy.toFixed(2)} cores before ${what}: waiting (up to ${QUIET_WAIT}s, --quiet-wait)`);
    busy = await machineBusy(2000);
  }
  return busy;
}
/** CPU (in cores) of the given children, their PostgreSQL backends, Redis, and the machine, between two samples. */
function cpuSample(kids) {
  return { t: performance.now(), kids: kids.map((k) => cpuTicks(k.pid)), pg: pgTicks(), redis: redisTicks(), machine: machineTicks() };
}
function cpuDelta(a, b) {
  const sec = (b.t - a.t) / 1000;
  const kids = b.kids.reduce((s, x, i) => s + (x - a.kids[i]), 0) / CLK_TCK / sec;
  const busy = a.machine && b.machine ? (b.machine.total - a.machine.total - (b.machine.idle - a.machine.idle)) / CLK_TCK / sec : NaN;
  return { sec, kids, pg: (b.pg - a.pg) / CLK_TCK / sec, redis: (b.redis - a.redis) / CLK_TCK / sec, busy };
}

// ---------------------------------------------------------------- measurement helpers
/**
 * Progress samples (time, done count) → the rate from `ready` (the first worker process ready: work starts)
 * to the last one done (the headline figure), the time to the first one done, and the rate between 10% and
 * 90% done (for fulfillment that is the last stage's pace: the FIFO queues ship late and then in a rush).
 */
function rates(samples, total, t0, ready) {
  const at = (frac) => samples.find((s) => s.done >= Math.ceil(total * frac));
  const first = samples.find((s) => s.done > 0);
  const p10 = at(0.1), p90 = at(0.9), end = at(1);
  return {
    firstMs: first ? first.t - ready : NaN,
    totalMs: end ? end.t - t0 : NaN,
    workMs: end ? end.t - ready : NaN,
    rate: end ? total / ((end.t - ready) / 1000) : NaN,
    steady: p10 && p90 && p90.t > p10.t ? (p90.done - p10.done) / ((p90.t - p10.t) / 1000) : NaN,
  };
}
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');

const QUEUES = ['events', 'fulfillment', 'carrier', 'documents'];
function minusJobs(after, before) {
  const out = {};
  for (const [q, c] of Object.entries(after)) {
    const b = before?.[q] ?? {};
    const names = {};
    for (const [nm, k] of Object.entries(c.names ?? {})) if (k - (b.names?.[nm] ?? 0) > 0) names[nm] = k - (b.names?.[nm] ?? 0);
    out[q] = { ...c, completed: c.completed - (b.completed ?? 0), failed: c.failed - (b.failed ?? 0), names };
  }
  return out;
}

/** Jobs BullMQ completed/failed per queue under a prefix. */
async function jobCounts(prefix, queues) {
  const out = {};
  for (const q of queues) {
    const conn = new Redis(REDIS, { maxRetriesPerRequest: 1 });
    const queue = new Queue(q, { connection: conn, prefix });
    try {
      out[q] = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      const names = new Map();
      for (const j of await queue.getJobs(['completed'], 0, 100_000)) if (j) names.set(j.name, (names.get(j.name) ?? 0) + 1);
      out[q].names = Object.fromEntries([...names].sort((a, b) => b[1] - a[1]));
    } finally { await queue.close(); conn.disconnect(); }
  }
  return out;
}

// ---------------------------------------------------------------- one fulfillment run
async function fulfillmentRun(workers) {
  const prefix = `${PREFIX}-w${workers}`;
  cleanups.push(() => deleteRedisKeys(prefix));
  await recreateDb(BENCH_DB);
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-bench-ff-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const run = { workers, prefix, notes: [] };
  const api = await startApi(dataDir, prefix);
  run.logs = [api.child];
  const pool = new Pool({ connectionString: PG(BENCH_DB), max: 2 });
  try {
    await setupShop(api.url);
    const n = async (q) => Number((await pool.query(q)).rows[0].n);
    // The setup's own events (stock.changed per SKU) are worked off by a worker first, so that the run
    // measures orders only; the jobs they left in Redis are subtracted from the counts.
    const drain = startChild(['dist/src/worker.js'], { env: engineEnv(dataDir, prefix) }, 'setup-worker');
    run.logs.push(drain);
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      if ((await n(`SELECT count(*) AS n FROM outbox_event WHERE processed_at_ms IS NULL`)) === 0) break;
      await sleep(200);
    }
    await stopChild(drain, 25_000);
    run.setupJobs = await jobCounts(prefix, QUEUES);
    run.setupEvents = await n(`SELECT count(*) AS n FROM outbox_event`);
    const tPlace = performance.now();
    run.placeFailures = await placeOrders(api.url, ORDERS);
    run.placeRate = ORDERS / ((performance.now() - tPlace) / 1000);
    const confirmed = await n(`SELECT count(*) AS n FROM orders WHERE status = 'CONFIRMED'`);
    if (confirmed !== ORDERS) run.notes.push(`${confirmed} of ${ORDERS} orders CONFIRMED before the workers started`);
    // The API's relay has put every event in Redis: the workers start on a full queue.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      if ((await n(`SELECT count(*) AS n FROM outbox_event WHERE published_at_ms IS NULL`)) === 0) break;
      await sleep(100);
    }
    run.eventsBefore = await n(`SELECT count(*) AS n FROM outbox_event`);
    await stopChild(api.child, 15_000); // the API plays no part in fulfillment; its CPU stays out of the figures
    log(`w=${workers}: ${ORDERS} orders placed (${f0(run.placeRate)}/s); starting ${workers} worker process(es)`);

    run.busyBefore = await waitQuiet(`the ${workers}-worker run`);
    const t0 = performance.now();
    const kids = Array.from({ length: workers }, (_, i) => startChild(['dist/src/worker.js'], { env: engineEnv(dataDir, prefix) }, `worker-${i + 1}`));
    run.logs.push(...kids);
    const ready = await Promise.all(kids.map(async (k) => { await waitForLine(k, /Ordo workers running/, 60_000); return performance.now(); }));
    run.bootMs = Math.max(...ready) - t0;
    const c0 = cpuSample(kids);
    const samples = [];
    const deadline = Date.now() + TIMEOUT_S * 1000;
    let done = 0;
    while (Date.now() < deadline) {
      done = await n(`SELECT count(*) AS n FROM orders WHERE status = 'SHIPPED'`);
      samples.push({ t: performance.now(), done });
      if (done >= ORDERS) break;
      if (kids.some((k) => k.exitInfo)) throw new Error(`a worker exited during the run: ${JSON.stringify(kids.map((k) => k.exitInfo))}`);
      await sleep(100);
    }
    const c1 = cpuSample(kids);
    run.cpu = cpuDelta(c0, c1);
    run.shipped = done;
    Object.assign(run, rates(samples, ORDERS, t0, Math.min(...ready)));
    if (done < ORDERS) run.notes.push(`TIMEOUT: ${done} of ${ORDERS} orders SHIPPED after ${TIMEOUT_S}s`);

    // What it took, and that it was right.
    const [c] = (await pool.query(`SELECT
      (SELECT count(*) FROM shipment)::int AS shipments,
      (SELECT count(*) FROM shipment WHERE status = 'SHIPPED')::int AS shipped_shipments,
      (SELECT count(DISTINCT tracking_number) FROM shipment)::int AS tracking,
      (SELECT count(*) FROM stock_movement WHERE reason = 'SHIPPED')::int AS moves,
      (SELECT coalesce(sum(reserved), 0) FROM stock_level)::int AS reserved,
      (SELECT count(*) FROM order_line WHERE quantity_shipped <> quantity)::int AS unshipped_lines,
      (SELECT count(*) FROM outbox_event)::int AS events,
      (SELECT count(*) FROM outbox_event WHERE processed_at_ms IS NULL)::int AS unprocessed`)).rows;
    run.check = c;
    const ok = c.shipments === ORDERS && c.shipped_shipments === ORDERS && c.tracking === ORDERS && c.moves === ORDERS && c.reserved === 0 && c.unshipped_lines === 0;
    if (!ok) run.notes.push(`CHECK FAILED: ${JSON.stringify(c)}`);
    run.eventsPerOrder = (c.events - run.setupEvents) / ORDERS;
    run.jobs = minusJobs(await jobCounts(prefix, QUEUES), run.setupJobs);
    run.jobsPerOrder = Object.values(run.jobs).reduce((s, x) => s + x.completed, 0) / ORDERS;
    await Promise.all(kids.map((k) => stopChild(k, 25_000)));
  } finally {
    await pool.end();
    await stopChild(api.child, 5_000);
  }
  return run;
}

// ---------------------------------------------------------------- the ceiling: empty BullMQ jobs
async function ceilingRun(workers) {
  const prefix = `${PREFIX}-noop-w${workers}`;
  cleanups.push(() => deleteRedisKeys(prefix));
  const conn = new Redis(REDIS, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection: conn, prefix });
  const run = { workers, notes: [] };
  try {
    // Same job options as the engine's (bullmq-queue.ts): an id each, retries, kept on completion.
    const opts = { attempts: 8, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3600, count: 50_000 }, removeOnFail: { age: 7 * 24 * 3600 } };
    const tAdd = performance.now();
    for (let i = 0; i < JOBS; i += 500) {
      await queue.addBulk(Array.from({ length: Math.min(500, JOBS - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { ...opts, jobId: `noop-${i + k}` } })));
    }
    run.addRate = JOBS / ((performance.now() - tAdd) / 1000);
    run.busyBefore = await waitQuiet(`the ${workers}-worker ceiling run`);
    const t0 = performance.now();
    const self = fileURLToPath(import.meta.url);
    const kids = Array.from({ length: workers }, (_, i) => startChild([self, '--noop-worker', REDIS, '--prefix', prefix, '--queue', 'noop', '--concurrency', String(CONCURRENCY)], {}, `noop-${i + 1}`));
    const ready = await Promise.all(kids.map(async (k) => { await waitForLine(k, /noop worker ready/, 30_000); return performance.now(); }));
    run.bootMs = Math.max(...ready) - t0;
    const c0 = cpuSample(kids);
    const samples = [];
    const deadline = Date.now() + TIMEOUT_S * 1000;
    let done = 0;
    while (Date.now() < deadline) {
      done = (await queue.getJobCounts('completed')).completed;
      samples.push({ t: performance.now(), done });
      if (done >= JOBS) break;
      await sleep(50);
    }
    run.cpu = cpuDelta(c0, cpuSample(kids));
    run.done = done;
    Object.assign(run, rates(samples, JOBS, t0, Math.min(...ready)));
    if (done < JOBS) run.notes.push(`TIMEOUT: ${done} of ${JOBS} jobs after ${TIMEOUT_S}s`);
    await Promise.all(kids.map((k) => stopChild(k, 10_000)));
  } finally {
    await queue.close();
    conn.disconnect();
  }
  return run;
}

// ---------------------------------------------------------------- report
function logDigest(children) {
  const counts = new Map();
  let total = 0;
  for (const c of children) {
    for (const { tag, line } of c.lines) {
      let level = tag === 'err' ? 50 : 30, msg = line;
      try {
        const j = JSON.parse(line);
        level = j.level ?? level;
        msg = [j.msg, j.err?.type, j.err?.message ?? (typeof j.err === 'string' ? j.err : ''), j.queue].filter(Boolean).join(' | ');
      } catch {}
      if (level >= 40) {
        total++;
        const m = `${c.name}: ${oneLine(msg, 200)}`;
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
    }
  }
  return [`${total} warn/error lines`, ...[...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([m, n]) => `   ${n}× ${m}`)];
}

function buildReport() {
  const L = [], md = [];
  const both = (s) => { L.push(s); md.push(s, ''); };
  md.push('# Fulfillment benchmark', '');
  both(`Run ${ctx.startedAt}: ${ORDERS} single-line orders over ${SKUS} SKUs at one autoFulfill location (sim carrier), ` +
    `CONFIRMED → SHIPPED; ORDO_QUEUE_CONCURRENCY=${CONCURRENCY} per queue per process; PostgreSQL ${ctx.pgVersion ?? '?'}, Redis ${ctx.redisVersion ?? '?'}, Node ${process.version}; ` +
    `${CORES} cores, loadavg at start ${ctx.loadavg}.`);
  if (ctx.staleNote) both(`NOTE: ${ctx.staleNote}`);
  const block = (title, lines) => { L.push(`== ${title}`, ...lines); md.push(`## ${title}`, '', '```', ...lines, '```', ''); };
  if (ctx.runs.length) {
    block('Ordo fulfillment, CONFIRMED → SHIPPED (orders placed first by an API process, workers started after)', ctx.runs.map((r) =>
      `workers=${r.workers} orders/s=${f1(r.rate)} (all ${r.shipped}/${ORDERS} SHIPPED ${f1(r.workMs / 1000)}s after the first worker was ready; boot ${f1(r.bootMs / 1000)}s; ` +
      `first SHIPPED after ${f1(r.firstMs / 1000)}s, then 10%→90% at ${f1(r.steady)}/s)` +
      (r.notes.length ? `  ${r.notes.join('; ')}` : '')));
    block('Work per order and CPU during the run (1.00 = one core)', ctx.runs.flatMap((r) => [
      `workers=${r.workers} outbox events/order=${f1(r.eventsPerOrder)} BullMQ jobs/order=${f1(r.jobsPerOrder)} (${Object.entries(r.jobs ?? {}).map(([q, c]) => `${q} ${c.completed}${c.failed ? ` +${c.failed} failed` : ''}`).join(', ')})`,
      ...(r.workers === ctx.runs[0].workers ? Object.entries(r.jobs ?? {}).map(([q, c]) => `   ${q}: ${Object.entries(c.names ?? {}).map(([nm, k]) => `${nm} ${k}`).join(', ')}`) : []),
      `workers=${r.workers} cpu: worker processes ${f2(r.cpu?.kids)} (${f1((r.cpu?.kids * r.cpu?.sec * 1000) / ORDERS)} ms/order), pg backends ${f2(r.cpu?.pg)} (${f1((r.cpu?.pg * r.cpu?.sec * 1000) / ORDERS)} ms/order), redis ${f2(r.cpu?.redis)}; machine busy ${f2(r.cpu?.busy)} of ${CORES} (busy ${f2(r.busyBefore)} before)`,
      `workers=${r.workers} check: ${JSON.stringify(r.check ?? {})}`,
    ]));
  }
  if (ctx.ceiling.length) {
    block(`Ceiling: ${JOBS} empty BullMQ jobs on the same Redis, concurrency ${CONCURRENCY} per process`, ctx.ceiling.map((r) =>
      `workers=${r.workers} jobs/s=${f0(r.rate)} (${r.done}/${JOBS} ${f2(r.workMs / 1000)}s after the first worker was ready; 10%→90% at ${f0(r.steady)}/s; boot ${f1(r.bootMs / 1000)}s; added at ${f0(r.addRate)}/s); ` +
      `cpu worker processes ${f2(r.cpu?.kids)}, redis ${f2(r.cpu?.redis)}, machine ${f2(r.cpu?.busy)}` + (r.notes.length ? `  ${r.notes.join('; ')}` : '')));
    const cmp = [];
    for (const r of ctx.runs) {
      const c = ctx.ceiling.find((x) => x.workers === r.workers);
      if (!c) continue;
      const jobsRate = r.rate * r.jobsPerOrder;
      cmp.push(`workers=${r.workers} Ordo ${f1(r.rate)} orders/s × ${f1(r.jobsPerOrder)} jobs/order = ${f0(jobsRate)} jobs/s vs ${f0(c.rate)} empty jobs/s: ${f1((100 * jobsRate) / c.rate)}% of the queue's ceiling; ` +
        `the ceiling would allow ${f0(c.rate / r.jobsPerOrder)} orders/s`);
    }
    const one = ctx.runs.find((r) => r.workers === 1), two = ctx.runs.find((r) => r.workers === 2);
    const c1 = ctx.ceiling.find((x) => x.workers === 1), c2 = ctx.ceiling.find((x) => x.workers === 2);
    if (one && two) cmp.push(`scaling 1 → 2 worker processes: Ordo ${f2(two.rate / one.rate)}×, empty jobs ${f2((c2?.rate ?? NaN) / (c1?.rate ?? NaN))}× (${CORES} cores, shared with PostgreSQL and Redis)`);
    if (cmp.length) block('Ordo / ceiling', cmp);
  }
  const logs = ctx.runs.flatMap((r) => r.logs ?? []);
  if (logs.length) block('Engine logs (API and workers)', logDigest(logs));
  if (ctx.failure) block('BENCH FAILED', [ctx.failure]);
  return { text: L.join('\n'), md: md.join('\n') };
}

// ---------------------------------------------------------------- main
let exitCode = 0;
try {
  mkdirSync(RESULTS, { recursive: true });
  ctx.pgVersion = (await adminSql('SHOW server_version')).rows[0].server_version;
  const r = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  try { ctx.redisVersion = /redis_version:(\S+)/.exec(await r.info('server'))?.[1]; } finally { r.disconnect(); }
  ctx.loadavg = loadavg().map((x) => x.toFixed(2)).join(' ');
  ctx.staleNote = await ensureBuilt();
  if (ctx.staleNote) log(ctx.staleNote);

  for (const w of WORKER_COUNTS) {
    const run = await fulfillmentRun(w);
    ctx.runs.push(run);
    log(`w=${w}: ${run.shipped}/${ORDERS} SHIPPED, ${f1(run.rate)} orders/s ${run.notes.join('; ')}`);
  }
  for (const w of WORKER_COUNTS) {
    const run = await ceilingRun(w);
    ctx.ceiling.push(run);
    log(`ceiling w=${w}: ${f0(run.rate)} jobs/s ${run.notes.join('; ')}`);
  }
} catch (e) {
  exitCode = 1;
  ctx.failure = e?.stack ?? String(e);
  log('FAILED:', ctx.failure);
} finally {
  await cleanup();
  const { text, md } = buildReport();
  console.log(text);
  try { writeFileSync(join(RESULTS, 'fulfillment.md'), md + '\n'); log('report written to bench/results/fulfillment.md'); } catch (e) { log(`could not write the report: ${e.message}`); }
}
process.exit(exitCode);
