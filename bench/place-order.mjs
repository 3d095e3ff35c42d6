#!/usr/bin/env node
// placeOrder benchmark: Ordo against the raw-SQL ceiling of the same writes, in the same run, on the same machine.
//   node bench/place-order.mjs [--duration 10] [--warmup 3] [--levels 1,8,32] [--skus 1000] [--port 4600]
//                              [--trace-sql 1] [--workers 1] [--cpu-prof] [--quiet-wait 60] [--build]
// Needs a local PostgreSQL at postgres://postgres@127.0.0.1:5432 (trust auth). Creates and drops its own
// databases (ordo_bench, sqlceiling). Prints a report and writes it to bench/results/place-order.md.
// See bench/README.md.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT); // sql-ceiling.mjs loads `pg` from ./package.json; the engine runs from here too.
const { Pool, Client } = createRequire(join(ROOT, 'package.json'))('pg');

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const k = argv[i].slice(2);
    if (k === 'build' || k === 'cpu-prof') o[k] = '1';
    else o[k] = argv[++i];
  }
  return o;
}
const A = parseArgs(process.argv.slice(2));
const DURATION = Number(A.duration ?? 10);
const WARMUP = Number(A.warmup ?? 3);
const LEVELS = String(A.levels ?? '1,8,32').split(',').map(Number);
const SKUS = Number(A.skus ?? 1000);
const WANT_PORT = Number(A.port ?? 4600);
const TRACE_SQL = (A['trace-sql'] ?? '1') !== '0';
const WORKERS = (A.workers ?? '1') !== '0';
const CPU_PROF = A['cpu-prof'] === '1';
const QUIET_WAIT = Number(A['quiet-wait'] ?? 60), QUIET_BUSY = 0.3;
if (!(DURATION > 0) || !(WARMUP >= 0) || LEVELS.some((c) => !(c >= 1)) || !(SKUS >= 3)) {
  console.error('usage: node bench/place-order.mjs [--duration 10] [--warmup 3] [--levels 1,8,32] [--skus 1000] [--port 4600] [--trace-sql 0|1] [--workers 0|1] [--cpu-prof] [--quiet-wait 60] [--build]');
  process.exit(2);
}

const PG_HOST = '127.0.0.1', PG_PORT = 5432;
const PG = (db) => `postgres://postgres@${PG_HOST}:${PG_PORT}/${db}`;
const BENCH_DB = 'ordo_bench', CEIL_DB = 'sqlceiling';
const ADMIN_KEY = 'bench-admin-key-0123456789';
const REQUEST_TIMEOUT_MS = 30_000;
const RESULTS = join(ROOT, 'bench', 'results');
const CORES = availableParallelism();
const ctx = { startedAt: new Date().toISOString() };

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
      for (const c of [...children]) await stopChild(c);
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
  const t0 = Date.now();
  child.kill('SIGTERM');
  const t = setTimeout(() => { log(`${child.name} still running ${graceMs / 1000}s after SIGTERM: SIGKILL`); child.kill('SIGKILL'); }, graceMs);
  const info = await child.exited;
  clearTimeout(t);
  log(`${child.name} stopped in ${((Date.now() - t0) / 1000).toFixed(1)}s (${info.code ?? info.signal})`);
}

// ---------------------------------------------------------------- databases
async function adminSql(sql) {
  const c = new Client({ connectionString: PG('postgres') });
  await c.connect();
  try { return await c.query(sql); } finally { await c.end(); }
}
async function recreateDb(name) {
  await adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminSql(`CREATE DATABASE ${name}`);
  cleanups.push(() => adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

// ---------------------------------------------------------------- the ceiling
async function runCeiling() {
  const script = resolve(ROOT, '..', 'shared', 'tools', 'sql-ceiling.mjs');
  const args = [script, PG(CEIL_DB), '--c', LEVELS.join(','), '--duration', String(DURATION), '--skus', String(SKUS)];
  log(`ceiling: node ${args.map((a) => a.replace(ROOT + '/', '')).join(' ')}`);
  await waitQuiet('ceiling');
  const m0 = machineTicks(), pg0 = pgBackendTicks(CEIL_DB), t0 = performance.now();
  const child = startChild(args, {}, 'sql-ceiling');
  let own = 0, pgLast = pg0;
  const sampler = setInterval(() => { const t = cpuTicks(child.pid); if (t === t) own = t; pgLast = new Map([...pgLast, ...pgBackendTicks(CEIL_DB)]); }, 250);
  const limitMs = (LEVELS.length * (DURATION + 3) + 120) * 1000;
  const t = setTimeout(() => { log('ceiling took too long: killing it'); child.kill('SIGKILL'); }, limitMs);
  const { code, signal } = await child.exited;
  clearTimeout(t);
  clearInterval(sampler);
  const m1 = machineTicks(), sec = (performance.now() - t0) / 1000;
  let pgT = 0;
  for (const [pid, v] of pgLast) pgT += v - (pg0.get(pid) ?? 0);
  const busy = m1 && m0 ? (m1.total - m0.total - (m1.idle - m0.idle)) / CLK_TCK / sec : NaN;
  const cpu = `whole ceiling run: script ${(own / CLK_TCK / sec * 100).toFixed(0)}% of a core, its pg backends ${(pgT / CLK_TCK / sec * 100).toFixed(0)}%, everything else ${((busy - own / CLK_TCK / sec - pgT / CLK_TCK / sec) * 100).toFixed(0)}%; machine busy ${busy.toFixed(2)} of ${CORES} cores`;
  const lines = child.lines.map((l) => l.line);
  const byC = new Map();
  for (const l of lines) {
    const m = /^C=(\d+) .*tx\/s=(\d+)/.exec(l);
    if (m) byC.set(Number(m[1]), Number(m[2]));
  }
  if (code !== 0) log(`ceiling exited with ${code ?? signal}:\n${lines.join('\n')}`);
  return { lines, byC, ok: code === 0, cpu };
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
  if (A.build || !existsSync(main)) {
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

async function freePort(want) {
  const tryListen = (p) => new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(null));
    s.listen(p, '127.0.0.1', () => { const port = s.address().port; s.close(() => res(port)); });
  });
  return (await tryListen(want)) ?? (await tryListen(0));
}

async function startEngine({ dbUrl, port, workers, name, profileDir }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-bench-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(),
    DATABASE_URL: dbUrl, PORT: String(port), HOST: '127.0.0.1', ORDO_DATA_DIR: dataDir,
    ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', LOG_LEVEL: 'warn', ORDO_DEBUG_SQL: '1',
    DATABASE_POOL_SIZE: '40', ORDO_DISABLE_WORKERS: workers ? '0' : '1',
  };
  const spawnAt = Date.now();
  const child = startChild([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'dist/src/main.js'], { env }, name);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitInfo) throw new Error(`${name} exited (${child.exitInfo.code ?? child.exitInfo.signal}) before it was ready:\n${child.lines.slice(-30).map((l) => l.line).join('\n')}`);
    try {
      const r = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return { child, base, url: `${base}/graphql`, spawnAt };
    } catch {}
    await sleep(200);
  }
  throw new Error(`${name} not ready after 120s`);
}

// ---------------------------------------------------------------- GraphQL over HTTP
async function gql(url, query, variables, { token, countSql } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (countSql) headers['x-ordo-count-sql'] = '1';
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = { errors: [{ message: `non-JSON answer (HTTP ${res.status}): ${oneLine(text, 120)}` }] }; }
  const sql = res.headers.get('x-ordo-sql-count');
  return { status: res.status, body, sqlCount: sql === null ? undefined : Number(sql) };
}
function must(r, what) {
  if (r.status !== 200 || r.body.errors?.length || !r.body.data) throw new Error(`${what} failed (HTTP ${r.status}): ${JSON.stringify(r.body.errors ?? r.body)}`);
  return r.body.data;
}
const admin = (url, q, v, o = {}) => gql(url, q, v, { ...o, token: ADMIN_KEY });

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const sku = (i) => `BENCH-${String(i).padStart(4, '0')}`;
const LOCATION = 'bench-wh';

async function setupCatalog(url) {
  must(await admin(url, `mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`,
    { i: { code: LOCATION, name: 'Bench warehouse', kind: 'WAREHOUSE', countryCode: 'DE', priority: 10 } }), 'createStockLocation');
  const products = [];
  for (let p = 0; p * 100 < SKUS; p++) {
    const variants = [];
    for (let i = p * 100; i < Math.min(SKUS, (p + 1) * 100); i++) variants.push({ sku: sku(i), name: `Bench variant ${i}`, price: 1000 + (i % 50) * 10, currencyCode: 'EUR' });
    products.push({ name: `Bench product ${p}`, variants });
  }
  await inBatches(products, 4, async (i) => must(await admin(url, `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i }), 'createProduct'));
  const skus = Array.from({ length: SKUS }, (_, i) => sku(i));
  await inBatches(skus, 25, async (s) => must(await admin(url, `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`,
    { i: { sku: s, locationCode: LOCATION, delta: 1_000_000, reason: 'RECEIVED' } }), `adjustStock ${s}`));
  must(await admin(url, `mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`,
    { i: { code: 'standard', name: 'Standard', carrierCode: 'sim', price: 495, currencyCode: 'EUR', minTransitDays: 2, maxTransitDays: 4 } }), 'createShippingMethod');
  must(await admin(url, `mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'DE', ratePercent: 19 } }), 'setTaxRate');
}

const PLACE_ORDER = `mutation($input: PlaceOrderInput!, $key: String) {
  placeOrder(input: $input, idempotencyKey: $key) { accessToken order { id number status } } }`;
const ADDRESS = { name: 'Jane Doe', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' };
const orderInput = (lines) => ({
  email: 'bench@example.com', lines, shippingAddress: ADDRESS, shippingMethodCode: 'standard',
  payment: { method: 'test-card', token: 'tok_visa' },
});
const randomSku = () => sku(Math.floor(Math.random() * SKUS));
function distinctSkus(n) {
  const s = new Set();
  while (s.size < n) s.add(randomSku());
  return [...s];
}
const ORDERS_PAGE = `query { orders(first: 100) { totalCount nodes { id number status total lines { sku quantity } payments { status amount } } } }`;

// ---------------------------------------------------------------- load
function summary(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const p = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1) : '-');
  return { p50: p(0.5), p95: p(0.95), p99: p(0.99) };
}

function cpuTicks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // utime + stime
  } catch { return NaN; }
}
function machineTicks() {
  try {
    const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] || 0);
    return { total: v.reduce((a, b) => a + b, 0), idle };
  } catch { return null; }
}
const CLK_TCK = 100;
/** CPU ticks of every PostgreSQL backend serving one database, by pid. */
function pgBackendTicks(db = BENCH_DB) {
  const out = new Map();
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
        if (cmd.startsWith('postgres: ') && cmd.includes(` ${db} `)) out.set(d, cpuTicks(d));
      } catch {}
    }
  } catch {}
  return out;
}
function cpuSample(enginePid) {
  return { t: performance.now(), engine: cpuTicks(enginePid), self: process.cpuUsage(), machine: machineTicks(), pg: pgBackendTicks() };
}
/** Waits (bounded) until other work on the machine has calmed down, so both sides are measured alike. */
async function waitQuiet(what) {
  const deadline = Date.now() + QUIET_WAIT * 1000;
  let busy = await machineBusy(1000);
  while (busy > QUIET_BUSY && Date.now() < deadline) {
    log(`machine busy ${busy.toFixed(2)} cores before the ${what}: waiting (up to ${QUIET_WAIT}s, --quiet-wait)`);
    busy = await machineBusy(2000);
  }
  (ctx.quiet ??= []).push(`${what}: ${busy.toFixed(2)} cores busy at start`);
}
async function machineBusy(ms = 1000) {
  const a = machineTicks();
  await sleep(ms);
  const b = machineTicks();
  if (!a || !b) return NaN;
  return ((b.total - a.total - (b.idle - a.idle)) / CLK_TCK) / (ms / 1000);
}
function cpuDelta(a, b) {
  const sec = (b.t - a.t) / 1000;
  const engine = (b.engine - a.engine) / CLK_TCK / sec;
  const selfUs = b.self.user + b.self.system - a.self.user - a.self.system;
  const self = selfUs / 1e6 / sec;
  let pgTicks = 0;
  for (const [pid, t] of b.pg) pgTicks += t - (a.pg.get(pid) ?? 0);
  const pg = pgTicks / CLK_TCK / sec;
  let busy = NaN;
  if (a.machine && b.machine) {
    const total = b.machine.total - a.machine.total, idle = b.machine.idle - a.machine.idle;
    busy = ((total - idle) / total) * (total / CLK_TCK / sec); // busy cores
  }
  return { engine, self, busy, pg };
}

async function loadLevel(engine, C) {
  const t0 = performance.now(), from = t0 + WARMUP * 1000, to = from + DURATION * 1000;
  const window = [Date.now() + WARMUP * 1000, Date.now() + (WARMUP + DURATION) * 1000];
  const lat = [], errors = new Map(), statuses = new Map();
  let measuredErrors = 0, warmupErrors = 0, ok = 0;
  let cpuA = null;
  const cpuTimer = setTimeout(() => { cpuA = cpuSample(engine.child.pid); }, WARMUP * 1000);
  const body = () => ({ input: orderInput([{ sku: randomSku(), quantity: 1 }]) });
  async function worker() {
    while (performance.now() < to && !engine.child.exitInfo) {
      const t = performance.now();
      let err = null, r = null;
      try {
        r = await gql(engine.url, PLACE_ORDER, body());
        if (r.status !== 200 || r.body.errors?.length || !r.body.data?.placeOrder?.order?.id) {
          const e = r.body.errors?.[0];
          err = `HTTP ${r.status} ${e?.extensions?.code ?? ''} ${oneLine(e?.message ?? JSON.stringify(r.body), 160)}`;
        }
      } catch (e) { err = `${e.name}: ${oneLine(e.cause?.message ?? e.message, 160)}`; }
      const now = performance.now();
      if (err) {
        errors.set(err, (errors.get(err) ?? 0) + 1);
        if (now >= from) measuredErrors++; else warmupErrors++;
        if (now - t < 5) await sleep(5); // a dead engine must not turn this into a busy loop
      } else {
        ok++;
        const st = r.body.data.placeOrder.order.status;
        statuses.set(st, (statuses.get(st) ?? 0) + 1);
        if (now >= from && now < to) lat.push(now - t);
      }
    }
  }
  await Promise.all(Array.from({ length: C }, worker));
  clearTimeout(cpuTimer);
  const cpu = cpuA ? cpuDelta(cpuA, cpuSample(engine.child.pid)) : null;
  return { C, window, lat, ok, measuredErrors, warmupErrors, errors, statuses, cpu, s: summary(lat), rate: lat.length / DURATION };
}

// ---------------------------------------------------------------- SQL statements per request
async function sqlCounts(engine, trace) {
  const out = [];
  // Each measured request follows an unmeasured one of the same shape, so caches are warm for both.
  async function measure(label, target, make) {
    const warm = await make(false);
    if (warm.status !== 200 || warm.body.errors?.length) log(`${label}: warm-up request failed: ${JSON.stringify(warm.body.errors)}`);
    trace?.begin();
    const r = await make(true);
    const statements = trace?.end() ?? null;
    const errs = r.body.errors?.length ? oneLine(JSON.stringify(r.body.errors), 200) : null;
    out.push({ label, target, count: r.sqlCount, errors: errs, statements });
  }
  const three = () => distinctSkus(3).map((s) => ({ sku: s, quantity: 1 }));
  await measure('placeOrder, 1 line (as in the load)', null,
    (c) => gql(engine.url, PLACE_ORDER, { input: orderInput([{ sku: randomSku(), quantity: 1 }]) }, { countSql: c }));
  await measure('placeOrder, 3 lines', 12, (c) => gql(engine.url, PLACE_ORDER, { input: orderInput(three()) }, { countSql: c }));
  const runId = `${process.pid}-${Date.now()}`;
  let keyed = null;
  await measure('placeOrder, 1 line + idempotencyKey', null, (c) => {
    const v = { input: orderInput([{ sku: randomSku(), quantity: 1 }]), key: `bench-${runId}-${c ? 'm' : 'w'}` };
    if (c) keyed = v;
    return gql(engine.url, PLACE_ORDER, v, { countSql: c });
  });
  await measure('placeOrder replay of the same idempotencyKey', null, (c) => gql(engine.url, PLACE_ORDER, keyed, { countSql: c }));
  await measure('admin orders(first: 100) with lines + payments', 6, (c) => admin(engine.url, ORDERS_PAGE, undefined, { countSql: c }));
  return out;
}

// A pass-through TCP proxy in front of PostgreSQL that reads the SQL text of Query and Parse messages,
// so the statements of one request can be listed without touching the engine. Used only by a second,
// short engine run after the load (it would cost CPU during the load).
async function startSqlProxy() {
  let capturing = false, seq = 0;
  let captured = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    const id = ++seq;
    const up = net.connect(PG_PORT, PG_HOST);
    sockets.add(client); sockets.add(up);
    let buf = Buffer.alloc(0), started = false;
    const rec = (sql) => { if (capturing) captured.push({ conn: id, sql }); };
    client.on('data', (chunk) => {
      up.write(chunk);
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buf.length < 8) break;
          const len = buf.readInt32BE(0);
          if (buf.length < len) break;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          if (code !== 80877103 && code !== 80877104) started = true; // SSLRequest / GSSENCRequest come first
          continue;
        }
        if (buf.length < 5) break;
        const type = buf[0], len = buf.readInt32BE(1);
        if (buf.length < 1 + len) break;
        const body = buf.subarray(5, 1 + len);
        if (type === 0x51) rec(body.toString('utf8', 0, body.indexOf(0))); // 'Q' simple query
        else if (type === 0x50) { // 'P' Parse: name\0 query\0 ...
          const n0 = body.indexOf(0);
          rec(body.toString('utf8', n0 + 1, body.indexOf(0, n0 + 1)));
        }
        buf = buf.subarray(1 + len);
      }
    });
    up.on('data', (d) => client.write(d));
    const close = () => { client.destroy(); up.destroy(); sockets.delete(client); sockets.delete(up); };
    client.on('error', close); up.on('error', close); client.on('close', close); up.on('close', close);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  cleanups.push(() => new Promise((r) => { sockets.forEach((s) => s.destroy()); server.close(() => r()); }));
  return {
    port,
    begin() { captured = []; capturing = true; },
    end() { capturing = false; return captured; },
  };
}

// Self time by where the code lives (a package under node_modules, an Ordo file, node internals, GC),
// counting only samples inside the measured load windows (the profile clock starts with the process).
function summarizeProfile(dir, spawnAt, windows) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return ['(no profile written: did the engine exit cleanly?)'];
  const raw = readFileSync(join(dir, files[0]), 'utf8');
  try { writeFileSync(join(RESULTS, 'engine.cpuprofile'), raw); } catch {}
  // The load windows on the profile's own clock (µs since its first sample), for offline analysis.
  try { writeFileSync(join(RESULTS, 'engine.windows.json'), JSON.stringify(windows.map(([a, b]) => [(a - spawnAt) * 1000, (b - spawnAt) * 1000]))); } catch {}
  const prof = JSON.parse(raw);
  const dt = new Map();
  let clock = 0, inWindows = 0;
  prof.samples.forEach((id, i) => {
    const d = prof.timeDeltas[i] ?? 0;
    clock += d;
    const at = spawnAt + clock / 1000;
    if (!windows.some(([a, b]) => at >= a && at < b)) return;
    inWindows += d;
    dt.set(id, (dt.get(id) ?? 0) + d);
  });
  const byArea = new Map(), byFn = new Map();
  let total = 0;
  for (const n of prof.nodes) {
    const us = dt.get(n.id) ?? 0;
    if (!us || n.callFrame.functionName === '(idle)') continue;
    const url = n.callFrame.url || '';
    let area;
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (nm) area = nm[1];
    else if (url.includes('/dist/')) area = `ordo ${url.slice(url.indexOf('/dist/') + 6)}`;
    else if (url.startsWith('node:')) area = 'node internals';
    else area = n.callFrame.functionName || '(native)';
    total += us;
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${area}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([a, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${a}`);
  return ['(profile kept in bench/results/engine.cpuprofile: open it in Chrome DevTools)', `load windows ${(inWindows / 1e6).toFixed(1)}s, engine main thread busy ${(total / 1e6).toFixed(1)}s of it (${((100 * total) / inWindows).toFixed(0)}%); by area:`, ...top(byArea, 12), 'top functions (self):', ...top(byFn, 12)];
}

// ---------------------------------------------------------------- report
function engineLogDigest(child) {
  const notable = [];
  for (const { tag, line } of child.lines) {
    let level = tag === 'err' ? 50 : 30, msg = line;
    try {
      const j = JSON.parse(line);
      level = j.level ?? level;
      msg = [j.msg, j.err?.type, j.err?.message, j.code].filter(Boolean).join(' | ');
    } catch {}
    if (level >= 40 || tag === 'err') notable.push(oneLine(msg, 220));
  }
  const counts = new Map();
  for (const m of notable) counts.set(m, (counts.get(m) ?? 0) + 1);
  return { total: notable.length, top: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8) };
}

function ordoLine(r) {
  return `C=${r.C} skus=${SKUS} orders/s=${r.rate.toFixed(0)} (n=${r.lat.length} in ${DURATION}s) latency ms p50/p95/p99=${r.s.p50}/${r.s.p95}/${r.s.p99} errors=${r.measuredErrors}` +
    (r.warmupErrors ? ` (+${r.warmupErrors} in warm-up)` : '');
}
function cpuLine(r) {
  if (!r.cpu) return '';
  const { engine, self, busy, pg } = r.cpu;
  const per = (x) => (r.rate ? ((x * 1000) / r.rate).toFixed(2) : '-');
  const other = busy - engine - self - pg;
  return `C=${r.C} engine ${(engine * 100).toFixed(0)}% of a core (${per(engine)} ms/order), its pg backends ${(pg * 100).toFixed(0)}% (${per(pg)} ms/order), ` +
    `load generator ${(self * 100).toFixed(0)}%, everything else ${(other * 100).toFixed(0)}%; machine busy ${busy.toFixed(2)} of ${CORES} cores`;
}

function buildReport(ctx) {
  const L = [];
  const md = [];
  const both = (s = '') => { L.push(s); md.push(s); };
  md.push('# placeOrder benchmark', '', `Run ${ctx.startedAt}, duration ${DURATION}s per level (+${WARMUP}s warm-up), ${SKUS} SKUs, PostgreSQL ${ctx.pgVersion ?? '?'}, Node ${process.version}.`, '');
  const machine = `machine: ${CORES} cores, busy ${Number.isNaN(ctx.idleBusy) ? '?' : ctx.idleBusy?.toFixed(2)} cores before the run (other work on the box skews every figure), loadavg ${ctx.loadavg}; engine workers ${WORKERS ? 'on' : 'off'}`;
  L.push(machine); md.push(machine, '');
  if (ctx.staleNote) { L.push(`NOTE: ${ctx.staleNote}`); md.push(`> NOTE: ${ctx.staleNote}`, ''); }
  const block = (title, lines) => { L.push(`== ${title}`, ...lines); md.push(`## ${title}`, '', '```', ...lines, '```', ''); };
  if (ctx.quiet) { const q = `machine load at start: ${ctx.quiet.join('; ')}`; L.push(q); md.push(q, ''); }
  block('SQL ceiling (../shared/tools/sql-ceiling.mjs)', [...(ctx.ceiling?.lines.length ? ctx.ceiling.lines : ['(no output)']), ...(ctx.ceiling?.cpu ? [ctx.ceiling.cpu] : [])]);
  if (ctx.runs?.length) {
    block('Ordo placeOrder (HTTP GraphQL, 1 line, guest, test-card)', ctx.runs.map(ordoLine));
    block('Ordo / ceiling', ctx.runs.map((r) => {
      const c = ctx.ceiling?.byC.get(r.C);
      return `C=${r.C} ${r.rate.toFixed(0)} / ${c ?? '?'} = ${c ? ((100 * r.rate) / c).toFixed(1) : '?'}%  (aim: >= 50%)`;
    }));
    block('CPU during the measured window (1.00 = one core)', ctx.runs.map(cpuLine).filter(Boolean));
    const errLines = [];
    for (const r of ctx.runs) {
      errLines.push(`C=${r.C} ok=${r.ok} statuses=${JSON.stringify(Object.fromEntries(r.statuses))} failures=${r.measuredErrors + r.warmupErrors}`);
      for (const [m, n] of [...r.errors].sort((a, b) => b[1] - a[1]).slice(0, 5)) errLines.push(`   ${n}× ${m}`);
    }
    if (ctx.dbCheck) errLines.push(`db check: ${ctx.dbCheck}`);
    if (ctx.shutdown) errLines.push(ctx.shutdown);
    block('Responses', errLines);
  }
  if (ctx.sql?.length) {
    block('SQL statements per request (x-ordo-sql-count; warm caches)', ctx.sql.map((x) =>
      `${x.label}: ${x.count ?? 'no header'}${x.target != null ? ` (target <= ${x.target}${x.count > x.target ? ', OVER' : ', ok'})` : ''}${x.errors ? ` ERRORS ${x.errors}` : ''}`));
  }
  if (ctx.trace?.length) {
    const lines = [];
    for (const x of ctx.trace) {
      lines.push(`-- ${x.label}: header ${x.count ?? '?'}, seen on the wire ${x.statements?.length ?? '?'}`);
      for (const s of x.statements ?? []) lines.push(`   [c${s.conn}] ${oneLine(s.sql, 150)}`);
    }
    block('Statements seen on the wire (second engine via a logging proxy, workers off, same database)', lines);
  }
  if (ctx.engineLog) {
    const lines = [`${ctx.engineLog.total} warn/error/stderr lines (full log: bench/results/engine.log)`];
    for (const [m, n] of ctx.engineLog.top) lines.push(`   ${n}× ${m}`);
    block('Engine log', lines);
  }
  if (ctx.profile) block('Engine CPU profile, self time during the measured load windows (--cpu-prof)', ctx.profile);
  if (ctx.failure) block('BENCH FAILED', [ctx.failure]);
  return { text: L.join('\n'), md: md.join('\n') };
}

// ---------------------------------------------------------------- main
let exitCode = 0;
try {
  mkdirSync(RESULTS, { recursive: true });
  ctx.pgVersion = (await adminSql('SHOW server_version')).rows[0].server_version;
  ctx.loadavg = loadavg().map((x) => x.toFixed(2)).join(' ');
  ctx.idleBusy = await machineBusy(1000);
  ctx.staleNote = await ensureBuilt();
  if (ctx.staleNote) log(ctx.staleNote);
  await recreateDb(BENCH_DB);
  await recreateDb(CEIL_DB);

  ctx.ceiling = await runCeiling();
  for (const l of ctx.ceiling.lines) log(`ceiling: ${l}`);

  const port = await freePort(WANT_PORT);
  log(`starting engine on 127.0.0.1:${port}`);
  const profileDir = CPU_PROF ? mkdtempSync(join(tmpdir(), 'ordo-bench-prof-')) : null;
  if (profileDir) cleanups.push(() => rmSync(profileDir, { recursive: true, force: true }));
  const engine = await startEngine({ dbUrl: PG(BENCH_DB), port, workers: WORKERS, name: 'engine', profileDir });
  ctx.engineChild = engine.child;
  const t = performance.now();
  await setupCatalog(engine.url);
  log(`catalog ready: ${SKUS} SKUs in ${((performance.now() - t) / 1000).toFixed(1)}s`);

  ctx.runs = [];
  await waitQuiet('Ordo load');
  for (const C of LEVELS) {
    log(`load C=${C}: ${WARMUP}s warm-up + ${DURATION}s`);
    const r = await loadLevel(engine, C);
    ctx.runs.push(r);
    log(ordoLine(r));
    if (engine.child.exitInfo) throw new Error(`engine exited during the load (${JSON.stringify(engine.child.exitInfo)})`);
  }

  ctx.sql = await sqlCounts(engine, null);
  for (const x of ctx.sql) log(`sql: ${x.label}: ${x.count}`);

  const pool = new Pool({ connectionString: PG(BENCH_DB), max: 1 });
  try {
    const ok = ctx.runs.reduce((a, r) => a + r.ok, 0);
    const { rows: [c] } = await pool.query('SELECT (SELECT count(*) FROM orders) AS orders, (SELECT sum(reserved) FROM stock_level) AS reserved, (SELECT sum(on_hand) FROM stock_level) AS on_hand');
    const { rows: st } = await pool.query('SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY 2 DESC');
    ctx.dbCheck = `orders in db=${c.orders} (load successes=${ok}, +~10 from warm-ups/sql counts), sum(reserved)=${c.reserved}, sum(on_hand)=${c.on_hand}, by status ${st.map((r) => `${r.status}:${r.n}`).join(' ')}`;
  } catch (e) { ctx.dbCheck = `(check failed: ${e.message})`; }
  finally { await pool.end(); }

  const t1 = Date.now();
  await stopChild(engine.child, 25_000); // long enough for the engine's own 20s forced exit (the profile is written at exit)
  ctx.shutdown = `engine exit after SIGTERM: ${((Date.now() - t1) / 1000).toFixed(1)}s, ${JSON.stringify(engine.child.exitInfo)}`;
  if (profileDir) ctx.profile = summarizeProfile(profileDir, engine.spawnAt, ctx.runs.map((r) => r.window));

  if (TRACE_SQL) {
    const proxy = await startSqlProxy();
    const port2 = await freePort(WANT_PORT + 1);
    log(`tracing SQL: second engine on 127.0.0.1:${port2} through a proxy on 127.0.0.1:${proxy.port}`);
    const e2 = await startEngine({ dbUrl: `postgres://postgres@127.0.0.1:${proxy.port}/${BENCH_DB}`, port: port2, workers: false, name: 'engine-trace' });
    ctx.engineChild2 = e2.child;
    ctx.trace = await sqlCounts(e2, proxy);
    await stopChild(e2.child, 3000);
  }
} catch (e) {
  exitCode = 1;
  ctx.failure = e?.stack ?? String(e);
  log('FAILED:', ctx.failure);
} finally {
  await cleanup();
  const lines = [...(ctx.engineChild?.lines ?? []), ...(ctx.engineChild2?.lines ?? [])];
  if (ctx.engineChild) {
    ctx.engineLog = engineLogDigest({ lines });
    try { writeFileSync(join(RESULTS, 'engine.log'), lines.map((l) => `${l.tag} ${l.line}`).join('\n') + '\n'); } catch {}
  }
  const { text, md } = buildReport(ctx);
  console.log(text);
  try { writeFileSync(join(RESULTS, 'place-order.md'), md + '\n'); log('report written to bench/results/place-order.md'); } catch (e) { log(`could not write the report: ${e.message}`); }
}
process.exit(exitCode);
