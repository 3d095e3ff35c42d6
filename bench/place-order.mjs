#!/usr/bin/env node
// placeOrder benchmark: Ordo against the raw-SQL ceiling of the same writes, in the same run, on the same machine.
//   node bench/place-order.mjs [--duration 10] [--warmup 3] [--levels 1,8,32] [--skus 1000] [--port 4600]
//                              [--trace-sql 1] [--workers 1] [--cpu-prof] [--quiet-wait 60] [--quote 1] [--build]
//                              [--api-processes 1] [--engine dist/src/main.js[,…]] [--rounds 1] [--ceiling 1]
//                              [--retry-noisy 0] [--noisy 0.3] [--client lean|fetch] [--engine-env K=V,…]
// With --quote 1 (the default) the same levels then run quoteOrder of the same cart.
// --api-processes N (or a list, 1,2): N engine API processes on one PostgreSQL (ports --port, --port+1, …),
// the load generator's clients spread over them round-robin; CPU per order reported per process.
// Needs a local PostgreSQL at postgres://postgres@127.0.0.1:5432 (trust auth). Creates and drops its own
// databases (ordo_bench, sqlceiling). Prints a report and writes it to bench/results/place-order.md.
// See bench/README.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ROOT, RESULTS, CORES, CLK_TCK, PG, PG_HOST, PG_PORT, requireFromRoot, log, sleep, oneLine, loadavgText, parseArgs,
  cleanups, initCleanup, tempDir, startChild, stopChild, waitReady, freePort, pgVersion, recreateDb, ensureBuilt,
  engineBaseEnv, gql, admin, setupShop, ADDRESS, cpuTicks, machineTicks, busyCores, procTicksByPid, pgBackendOf,
  machineBusy, waitQuiet as waitQuietFor, logEntry, topCounts, newReport, runBench, deleteRedisKeys, startSqlProxy,
  REQUEST_TIMEOUT_MS, envPairs,
} from './lib.mjs';
import { KeepAliveClient } from './http-client.mjs';

process.chdir(ROOT); // sql-ceiling.mjs loads `pg` from ./package.json; the engine runs from here too.
const { Pool } = requireFromRoot('pg');

// ---------------------------------------------------------------- options
const A = parseArgs(process.argv.slice(2), ['build', 'cpu-prof']);
const DURATION = Number(A.duration ?? 10);
const WARMUP = Number(A.warmup ?? 3);
const LEVELS = String(A.levels ?? '1,8,32').split(',').map(Number);
const SKUS = Number(A.skus ?? 1000);
const WANT_PORT = Number(A.port ?? 4600);
const TRACE_SQL = (A['trace-sql'] ?? '1') !== '0';
const WORKERS = (A.workers ?? '1') !== '0';
const CPU_PROF = A['cpu-prof'] === '1';
const QUOTE = (A.quote ?? '1') !== '0';
const QUIET_WAIT = Number(A['quiet-wait'] ?? 60), QUIET_BUSY = 0.3;
// --engine: another compiled entry (an older build copied aside), or a comma-separated list of them: each
// runs the levels in turn on the same database, --rounds times over (builds compared in one run).
const ENGINES = A.engine ? String(A.engine).split(',').map((e) => resolve(e)) : ['dist/src/main.js'];
const ROUNDS = Number(A.rounds ?? 1);
/** A build's short name in the report: the folder above src/ (dist, dist-head, …). */
const buildName = (e) => e.split('/').slice(-3, -2)[0] ?? e;
// --api-processes: how many engine processes serve the load (a list runs each count in turn, same run).
const API_PROCESSES = String(A['api-processes'] ?? '1').split(',').map(Number);
// --retry-noisy N: a level during which other processes on the machine used more than --noisy cores
// (default 0.3) runs again, up to N times; the run with the least of that is kept (the others are noted).
const RETRY_NOISY = Number(A['retry-noisy'] ?? 0), NOISY = Number(A.noisy ?? 0.3);
// --ceiling 0 skips the raw-SQL ceiling (comparing two builds of the engine: the ratios then read '?').
const CEILING = (A.ceiling ?? '1') !== '0';
// --ceiling-per-round 1: the ceiling runs again before each round, and each round's figures are set against
// its own ceiling (the machine's speed drifts by up to 2× within minutes; a ratio needs both sides measured together).
const CEILING_PER_ROUND = CEILING && (A['ceiling-per-round'] ?? '0') !== '0';
// --client fetch: the load's requests through global fetch, as before 2026-12-03 (for comparisons; it
// costs the shared cores about 0.5 ms per request against 0.08 ms for the default lean client).
const CLIENT = String(A.client ?? 'lean');
// --engine-env K=V[,K=V]: settings for the engines (ORDO_PLACE_BATCH=1, say), on top of the benchmark's.
const ENGINE_ENV = envPairs(A['engine-env']);
// With --redis, the engine runs as in production: its relay adds the jobs to BullMQ and publishes on Redis.
const REDIS = A.redis ? String(A.redis) : null;
const REDIS_PREFIX = `ordo-bench-po-${Date.now().toString(36)}`;
if (!(DURATION > 0) || !(WARMUP >= 0) || LEVELS.some((c) => !(c >= 1)) || API_PROCESSES.some((n) => !(Number.isInteger(n) && n >= 1 && n <= 16)) || !(Number.isInteger(ROUNDS) && ROUNDS >= 1) || !(SKUS >= 3) || !['lean', 'fetch'].includes(CLIENT) || (REDIS && !/^redis:\/\/127\.0\.0\.1[:/]/.test(REDIS + '/'))) {
  console.error('usage: node bench/place-order.mjs [--duration 10] [--warmup 3] [--levels 1,8,32] [--skus 1000] [--port 4600] [--trace-sql 0|1] [--workers 0|1] [--cpu-prof] [--quiet-wait 60] [--redis redis://127.0.0.1:6379] [--api-processes 1|1,2] [--engine dist/src/main.js[,other/src/main.js]] [--rounds 1] [--ceiling 0|1] [--ceiling-per-round 0|1] [--retry-noisy 0] [--noisy 0.3] [--client lean|fetch] [--engine-env K=V,…] [--build]');
  process.exit(2);
}

const BENCH_DB = 'ordo_bench', CEIL_DB = 'sqlceiling';
const ctx = { startedAt: new Date().toISOString() };
initCleanup({ stopInParallel: false, logStops: true });

// ---------------------------------------------------------------- the ceiling
async function runCeiling() {
  const script = resolve(ROOT, '..', 'shared', 'tools', 'sql-ceiling.mjs');
  const args = [script, PG(CEIL_DB), '--c', LEVELS.join(','), '--duration', String(DURATION), '--skus', String(SKUS)];
  log(`ceiling: node ${args.map((a) => a.replace(ROOT + '/', '')).join(' ')}`);
  await waitQuiet('ceiling');
  const m0 = machineTicks(), pg0 = pgBackendTicks(CEIL_DB), t0 = performance.now();
  const child = startChild(args, {}, 'sql-ceiling');
  let own = 0, pgLast = pg0;
  const timeline = [];
  const levelDone = new Map();
  const sampler = setInterval(() => {
    const t = cpuTicks(child.pid); if (t === t) own = t;
    pgLast = new Map([...pgLast, ...pgBackendTicks(CEIL_DB)]);
    let sum = 0;
    for (const [pid, v] of pgLast) sum += v - (pg0.get(pid) ?? 0);
    const now = performance.now();
    timeline.push({ t: now, pg: sum });
    for (const { line } of child.lines) { const m = /^C=(\d+) /.exec(line); if (m && !levelDone.has(Number(m[1]))) levelDone.set(Number(m[1]), now); }
  }, 250);
  const limitMs = (LEVELS.length * (DURATION + 3) + 120) * 1000;
  const t = setTimeout(() => { log('ceiling took too long: killing it'); child.kill('SIGKILL'); }, limitMs);
  const { code, signal } = await child.exited;
  clearTimeout(t);
  clearInterval(sampler);
  const m1 = machineTicks(), sec = (performance.now() - t0) / 1000;
  let pgT = 0;
  for (const [pid, v] of pgLast) pgT += v - (pg0.get(pid) ?? 0);
  const busy = busyCores(m0, m1, sec);
  let cpu = `whole ceiling run: script ${(own / CLK_TCK / sec * 100).toFixed(0)}% of a core, its pg backends ${(pgT / CLK_TCK / sec * 100).toFixed(0)}%, everything else ${((busy - own / CLK_TCK / sec - pgT / CLK_TCK / sec) * 100).toFixed(0)}%; machine busy ${busy.toFixed(2)} of ${CORES} cores`;
  const lines = child.lines.map((l) => l.line);
  const byC = new Map();
  for (const l of lines) {
    const m = /^C=(\d+) .*tx\/s=(\d+)/.exec(l);
    if (m) byC.set(Number(m[1]), Number(m[2]));
  }
  // PostgreSQL CPU per ceiling transaction, per level: its backends' CPU in the level's measured window
  // (the DURATION seconds before its line was printed; sampled every 250 ms) over its transactions.
  const pgAt = (t) => (timeline.findLast((x) => x.t <= t) ?? timeline[0])?.pg ?? 0;
  const perTx = [...levelDone].map(([C, t]) => {
    const tx = (byC.get(C) ?? 0) * DURATION;
    return tx ? `C=${C} ${(((pgAt(t) - pgAt(t - DURATION * 1000)) / CLK_TCK) * 1000 / tx).toFixed(2)}` : null;
  }).filter(Boolean);
  if (perTx.length) cpu += `; pg backend CPU per transaction (ms) ${perTx.join(', ')}`;
  if (code !== 0) log(`ceiling exited with ${code ?? signal}:\n${lines.join('\n')}`);
  return { lines, byC, ok: code === 0, cpu };
}

// ---------------------------------------------------------------- the engine
async function startEngine({ dbUrl, port, workers, name, profileDir, entry = ENGINES[0] }) {
  const env = {
    ...engineBaseEnv(tempDir('ordo-bench-')), DATABASE_URL: dbUrl, PORT: String(port), LOG_LEVEL: 'warn', ORDO_DEBUG_SQL: '1',
    DATABASE_POOL_SIZE: '40', ORDO_DISABLE_WORKERS: workers ? '0' : '1',
    // Without workers nothing acknowledges an event: the outbox sweeper would put every event of the run
    // back to the relay each ORDO_OUTBOX_RETRY_MS (30 s), and later levels would measure that growing pile
    // instead of placeOrder. With workers, events are acknowledged within milliseconds, as in production.
    ...(workers ? {} : { ORDO_OUTBOX_RETRY_MS: '3600000' }),
    ...(REDIS ? { REDIS_URL: REDIS, ORDO_REDIS_PREFIX: REDIS_PREFIX } : {}),
    ...ENGINE_ENV,
  };
  if (REDIS) cleanups.push(() => deleteRedisKeys(REDIS, REDIS_PREFIX));
  const spawnAt = Date.now();
  const child = startChild([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), entry], { env }, name);
  const base = `http://127.0.0.1:${port}`;
  await waitReady(child, base);
  return { child, base, url: `${base}/graphql`, spawnAt };
}

/**
 * `n` engine API processes on one database: one after the other (the first applies the migrations),
 * each on a port of its own.
 */
async function startEngines(n, { dbUrl, workers, profile, entry }) {
  const engines = [];
  let want = WANT_PORT;
  const one = async (i) => {
    const port = await freePort(want++);
    log(`starting engine ${i + 1}/${n} on 127.0.0.1:${port}`);
    const profileDir = profile ? tempDir('ordo-bench-prof-') : null;
    const e = await startEngine({ dbUrl, port, workers, name: n === 1 ? 'engine' : `engine-${i + 1}`, profileDir, entry });
    e.profileDir = profileDir;
    return e;
  };
  for (let i = 0; i < n; i++) engines.push(await one(i));
  return engines;
}

// ---------------------------------------------------------------- the shop
const sku = (i) => `BENCH-${String(i).padStart(4, '0')}`;
const LOCATION = 'bench-wh';

const setupCatalog = (url) => setupShop(url, {
  location: { code: LOCATION, name: 'Bench warehouse', kind: 'WAREHOUSE', countryCode: 'DE', priority: 10 },
  skus: SKUS, sku, productBatch: 4, stock: 1_000_000, stockBatch: 25,
});

const PLACE_ORDER = `mutation($input: PlaceOrderInput!, $key: String) {
  placeOrder(input: $input, idempotencyKey: $key) { accessToken order { id number status } } }`;
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
// The checkout's quote of the same cart: the same checks and pricing, stock read instead of reserved.
const QUOTE_ORDER = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { total placeable lines { sku available } } }`;
const OPS = {
  place: { query: PLACE_ORDER, ok: (d) => d?.placeOrder?.order?.id, status: (d) => d.placeOrder.order.status },
  quote: { query: QUOTE_ORDER, ok: (d) => d?.quoteOrder?.placeable, status: () => 'QUOTED' },
};
const ORDERS_PAGE = `query { orders(first: 100) { totalCount nodes { id number status total lines { sku quantity } payments { status amount } } } }`;

// ---------------------------------------------------------------- load
function summary(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const p = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1) : '-');
  return { p50: p(0.5), p95: p(0.95), p99: p(0.99) };
}

/** CPU ticks of every PostgreSQL backend serving one database, by pid. */
const pgBackendTicks = (db = BENCH_DB) => procTicksByPid(pgBackendOf(db));
function cpuSample(enginePids) {
  return { t: performance.now(), engines: enginePids.map(cpuTicks), self: process.cpuUsage(), machine: machineTicks(), pg: pgBackendTicks() };
}
/** Waits (bounded) until other work on the machine has calmed down, so both sides are measured alike. */
async function waitQuiet(what) {
  const busy = await waitQuietFor(`the ${what}`, QUIET_WAIT, QUIET_BUSY);
  (ctx.quiet ??= []).push(`${what}: ${busy.toFixed(2)} cores busy at start`);
}
function cpuDelta(a, b) {
  const sec = (b.t - a.t) / 1000;
  const perEngine = b.engines.map((x, i) => (x - a.engines[i]) / CLK_TCK / sec);
  const engine = perEngine.reduce((x, y) => x + y, 0);
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
  return { engine, perEngine, self, busy, pg };
}

/** `C` clients for WARMUP + DURATION seconds; client k sends to engines[k % engines.length]. */
async function loadLevel(engines, C, opName = 'place') {
  const op = OPS[opName];
  const t0 = performance.now(), from = t0 + WARMUP * 1000, to = from + DURATION * 1000;
  const window = [Date.now() + WARMUP * 1000, Date.now() + (WARMUP + DURATION) * 1000];
  const lat = [], errors = new Map(), statuses = new Map();
  const perEngine = engines.map(() => 0); // measured orders answered by each engine
  let measuredErrors = 0, warmupErrors = 0, ok = 0;
  let cpuA = null;
  const pids = engines.map((e) => e.child.pid);
  const cpuTimer = setTimeout(() => { cpuA = cpuSample(pids); }, WARMUP * 1000);
  const body = () => ({ input: orderInput([{ sku: randomSku(), quantity: 1 }]) });
  async function worker(_, k) {
    const ei = k % engines.length, engine = engines[ei];
    const client = CLIENT === 'fetch'
      ? { gql: (q, v) => gql(engine.url, q, v), close() {} }
      : new KeepAliveClient(engine.url, { timeoutMs: REQUEST_TIMEOUT_MS });
    try { await clientLoop(ei, engine, client); } finally { client.close(); }
  }
  async function clientLoop(ei, engine, client) {
    while (performance.now() < to && !engines.some((e) => e.child.exitInfo)) {
      const t = performance.now();
      let err = null, r = null;
      try {
        r = await client.gql(op.query, body());
        if (r.status !== 200 || r.body.errors?.length || !op.ok(r.body.data)) {
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
        const st = op.status(r.body.data);
        statuses.set(st, (statuses.get(st) ?? 0) + 1);
        if (now >= from && now < to) { lat.push(now - t); perEngine[ei]++; }
      }
    }
  }
  await Promise.all(Array.from({ length: C }, worker));
  clearTimeout(cpuTimer);
  const cpu = cpuA ? cpuDelta(cpuA, cpuSample(pids)) : null;
  return { op: opName, P: engines.length, C, window, lat, ok, measuredErrors, warmupErrors, errors, statuses, cpu, s: summary(lat), rate: lat.length / DURATION, perEngineRate: perEngine.map((n) => n / DURATION) };
}

/** Orders and reserved units in the database against the orders the load placed. */
async function dbCheck(runs) {
  const pool = new Pool({ connectionString: PG(BENCH_DB), max: 1 });
  try {
    const ok = runs.reduce((a, r) => a + (r.placed ?? r.ok), 0);
    const { rows: [c] } = await pool.query('SELECT (SELECT count(*) FROM orders) AS orders, (SELECT sum(reserved) FROM stock_level) AS reserved, (SELECT sum(on_hand) FROM stock_level) AS on_hand');
    const { rows: st } = await pool.query('SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY 2 DESC');
    return `orders in db=${c.orders} (load successes=${ok}, +~10 from warm-ups/sql counts), sum(reserved)=${c.reserved}, sum(on_hand)=${c.on_hand}, by status ${st.map((r) => `${r.status}:${r.n}`).join(' ')}`;
  } catch (e) { return `(check failed: ${e.message})`; }
  finally { await pool.end(); }
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
  await measure('quoteOrder, 1 line', null, (c) => gql(engine.url, QUOTE_ORDER, { input: orderInput([{ sku: randomSku(), quantity: 1 }]) }, { countSql: c }));
  await measure('quoteOrder, 3 lines', null, (c) => gql(engine.url, QUOTE_ORDER, { input: orderInput(three()) }, { countSql: c }));
  const runId = `${process.pid}-${Date.now()}`;
  let keyed = null;
  await measure('placeOrder, 1 line + idempotencyKey', null, (c) => {
    const v = { input: orderInput([{ sku: randomSku(), quantity: 1 }]), key: `bench-${runId}-${c ? 'm' : 'w'}` };
    if (c) keyed = v;
    return gql(engine.url, PLACE_ORDER, v, { countSql: c });
  });
  await measure('placeOrder replay of the same idempotencyKey', null, (c) => gql(engine.url, PLACE_ORDER, keyed, { countSql: c }));
  await measure('admin orders(first: 100) with lines + payments', 6, (c) => admin(engine.url, ORDERS_PAGE, undefined, { countSql: c }));
  await measure('admin orders(first: 5) with lines + payments', 6, (c) => admin(engine.url, ORDERS_PAGE.replace('first: 100', 'first: 5'), undefined, { countSql: c }));
  return out;
}

// Self time by where the code lives (a package under node_modules, an Ordo file, node internals, GC),
// counting only samples inside the measured load windows (the profile clock starts with the process).
function summarizeProfile(dir, spawnAt, windows, keepAs = 'engine') {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return ['(no profile written: did the engine exit cleanly?)'];
  const raw = readFileSync(join(dir, files[0]), 'utf8');
  try { writeFileSync(join(RESULTS, `${keepAs}.cpuprofile`), raw); } catch {}
  // The load windows on the profile's own clock (µs since its first sample), for offline analysis.
  try { writeFileSync(join(RESULTS, `${keepAs}.windows.json`), JSON.stringify(windows.map(([a, b]) => [(a - spawnAt) * 1000, (b - spawnAt) * 1000]))); } catch {}
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
    else if (/\/dist[^/]*\//.test(url)) area = `ordo ${url.replace(/^.*?\/dist[^/]*\//, '')}`;
    else if (url.startsWith('node:')) area = 'node internals';
    else area = n.callFrame.functionName || '(native)';
    total += us;
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${area}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([a, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${a}`);
  return [`(profile kept in bench/results/${keepAs}.cpuprofile: open it in Chrome DevTools)`, `load windows ${(inWindows / 1e6).toFixed(1)}s, engine main thread busy ${(total / 1e6).toFixed(1)}s of it (${((100 * total) / inWindows).toFixed(0)}%); by area:`, ...top(byArea, 12), 'top functions (self):', ...top(byFn, 12)];
}

// ---------------------------------------------------------------- report
function engineLogDigest(child) {
  const notable = [];
  for (const l of child.lines) {
    const { level, msg } = logEntry(l, (j) => [j.msg, j.err?.type, j.err?.message, j.code]);
    if (level >= 40 || l.tag === 'err') notable.push(oneLine(msg, 220));
  }
  const counts = new Map();
  for (const m of notable) counts.set(m, (counts.get(m) ?? 0) + 1);
  return { total: notable.length, top: topCounts(counts, 8) };
}

const procs = (r) => `${ENGINES.length > 1 ? `[${r.build}${ROUNDS > 1 ? ` #${r.round}` : ''}] ` : ''}${MULTI ? `P=${r.P} ` : ''}`;
const MULTI = API_PROCESSES.length > 1 || API_PROCESSES[0] > 1;
function ordoLine(r) {
  return `${r.op === 'quote' ? 'quoteOrder ' : ''}${procs(r)}C=${r.C} skus=${SKUS} orders/s=${r.rate.toFixed(0)} (n=${r.lat.length} in ${DURATION}s) latency ms p50/p95/p99=${r.s.p50}/${r.s.p95}/${r.s.p99} errors=${r.measuredErrors}` +
    (r.warmupErrors ? ` (+${r.warmupErrors} in warm-up)` : '') +
    (r.P > 1 ? ` per process ${r.perEngineRate.map((x) => x.toFixed(0)).join(' + ')}` : '') +
    (r.noisy ? ` (kept the quietest of ${r.noisy.length + 1} tries; noisy: ${r.noisy.join(', ')})` : '');
}
function cpuLine(r) {
  if (!r.cpu) return '';
  const { engine, perEngine, self, busy, pg } = r.cpu;
  const per = (x, rate = r.rate) => (rate ? ((x * 1000) / rate).toFixed(2) : '-');
  const other = busy - engine - self - pg;
  // With several processes: each one's CPU over the orders it answered, then all of them over all orders.
  const each = r.P > 1 ? ` (${perEngine.map((x, i) => `#${i + 1} ${(x * 100).toFixed(0)}% ${per(x, r.perEngineRate[i])} ms/order`).join(', ')})` : '';
  return `${r.op === 'quote' ? 'quoteOrder ' : ''}${procs(r)}C=${r.C} engine${r.P > 1 ? `s ${r.P} processes` : ''} ${(engine * 100).toFixed(0)}% of a core${each} (${per(engine)} ms/order), its pg backends ${(pg * 100).toFixed(0)}% (${per(pg)} ms/order), ` +
    `load generator ${(self * 100).toFixed(0)}%, everything else ${(other * 100).toFixed(0)}%; machine busy ${busy.toFixed(2)} of ${CORES} cores`;
}

function buildSummary(places) {
  const groups = new Map();
  for (const r of places) {
    const k = `${r.build} ${MULTI ? `P=${r.P} ` : ''}C=${r.C}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [...groups].map(([k, rs]) => {
    const withCpu = rs.filter((r) => r.cpu && r.rate);
    const e = withCpu.length ? mean(withCpu.map((r) => (r.cpu.engine * 1000) / r.rate)).toFixed(2) : '?';
    const p = withCpu.length ? mean(withCpu.map((r) => (r.cpu.pg * 1000) / r.rate)).toFixed(2) : '?';
    const m = med(rs.map((r) => r.rate));
    // Per round against its own ceiling with --ceiling-per-round (the median of the rounds' ratios), else against the run's.
    const ratios = rs.map((r) => ceilingFor(ctx, r)).every(Boolean) ? rs.map((r) => (100 * r.rate) / ceilingFor(ctx, r)) : null;
    const share = ratios ? ` (${med(ratios).toFixed(1)}% of the ceiling${CEILING_PER_ROUND ? `, per round ${ratios.map((x) => x.toFixed(1)).join(', ')}` : ''})` : '';
    return `${k}: ${m.toFixed(0)} orders/s${share} [${rs.map((r) => r.rate.toFixed(0)).join(', ')}], engine ${e} ms/order, pg ${p} ms/order`;
  });
}

/** The ceiling (tx/s) an Ordo run is set against: its round's with --ceiling-per-round, else the run's. */
function ceilingFor(ctx, r) {
  return (ctx.ceilings?.get(r.round) ?? ctx.ceiling)?.byC.get(r.C);
}

/**
 * What a bigger machine could do, from this run's CPU per order: an engine process needs E ms of CPU per
 * order (its one thread: at most 1000/E orders/s per process, one core each), PostgreSQL P ms (1000/P
 * orders/s per core its backends get). Measured CPU only: the load generator and contention on this
 * machine are not in it, so it is an upper bound.
 */
function projectionLines(places) {
  const out = [];
  for (const r of places) {
    if (!r.cpu || !r.rate) continue;
    const e = (r.cpu.engine * 1000) / r.rate, p = (r.cpu.pg * 1000) / r.rate;
    out.push(`${procs(r)}C=${r.C}: engine ${e.toFixed(2)} ms + pg ${p.toFixed(2)} ms CPU per order -> ${(1000 / e).toFixed(0)} orders/s per API core, ` +
      `${(1000 / p).toFixed(0)} orders/s per PostgreSQL core; e.g. 8 API processes + 8 PostgreSQL cores: ~${Math.min(8000 / e, 8000 / p).toFixed(0)} orders/s`);
  }
  return out;
}

function buildReport(ctx) {
  const { L, md, block, done } = newReport();
  md.push('# placeOrder benchmark', '', `Run ${ctx.startedAt}, duration ${DURATION}s per level (+${WARMUP}s warm-up), ${SKUS} SKUs, PostgreSQL ${ctx.pgVersion ?? '?'}, Node ${process.version}.`, '');
  const machine = `machine: ${CORES} cores, busy ${Number.isNaN(ctx.idleBusy) ? '?' : ctx.idleBusy?.toFixed(2)} cores before the run (other work on the box skews every figure), loadavg ${ctx.loadavg}; engine workers ${WORKERS ? 'on' : 'off'}, queue and pub/sub ${REDIS ? `Redis (${REDIS})` : 'in-process'}; engine ${ENGINES.join(', ')}${ROUNDS > 1 ? ` (${ROUNDS} rounds)` : ''}; API processes ${API_PROCESSES.join(', ')}; load client ${CLIENT}${A['engine-env'] ? `; engine env ${A['engine-env']}` : ''}`;
  L.push(machine); md.push(machine, '');
  if (ctx.staleNote) { L.push(`NOTE: ${ctx.staleNote}`); md.push(`> NOTE: ${ctx.staleNote}`, ''); }
  if (ctx.quiet) { const q = `machine load at start: ${ctx.quiet.join('; ')}`; L.push(q); md.push(q, ''); }
  const ceilingLines = (c, tag = '') => [...(c?.lines.length ? c.lines.map((l) => tag + l) : [`${tag}(no output)`]), ...(c?.cpu ? [tag + c.cpu] : [])];
  block('SQL ceiling (../shared/tools/sql-ceiling.mjs)', ctx.ceilings ? [...ctx.ceilings].flatMap(([round, c]) => ceilingLines(c, `[round ${round}] `)) : ceilingLines(ctx.ceiling));
  if (ctx.runs?.length) {
    const places = ctx.runs.filter((r) => r.op === 'place'), quotes = ctx.runs.filter((r) => r.op === 'quote');
    block('Ordo placeOrder (HTTP GraphQL, 1 line, guest, test-card)', places.map(ordoLine));
    if (quotes.length) {
      block('Ordo quoteOrder of the same cart (reads stock, writes nothing)', quotes.map(ordoLine));
      block('quoteOrder / placeOrder', quotes.map((q) => {
        const p = places.find((x) => x.C === q.C);
        return `C=${q.C} ${q.rate.toFixed(0)} / ${p ? p.rate.toFixed(0) : '?'} quotes per order; CPU per request ${q.cpu && p?.cpu ? `engine ${((q.cpu.engine * 1000) / q.rate).toFixed(2)} vs ${((p.cpu.engine * 1000) / p.rate).toFixed(2)} ms, pg ${((q.cpu.pg * 1000) / q.rate).toFixed(2)} vs ${((p.cpu.pg * 1000) / p.rate).toFixed(2)} ms` : '?'}`;
      }));
    }
    block('Ordo / ceiling', places.map((r) => {
      const c = ceilingFor(ctx, r);
      return `${procs(r)}C=${r.C} ${r.rate.toFixed(0)} / ${c ?? '?'} = ${c ? ((100 * r.rate) / c).toFixed(1) : '?'}%  (aim: >= 50%)`;
    }));
    block(`CPU during the measured window (1.00 = one core${MULTI ? '; with P processes, each one\'s CPU over the orders it answered' : ''})`, ctx.runs.map(cpuLine).filter(Boolean));
    block('Projection from CPU per order (upper bound: measured CPU only)', projectionLines(places));
    if (ENGINES.length > 1 || ROUNDS > 1) block('Per build, over the rounds (median orders/s; mean CPU per order)', buildSummary(places));
    const errLines = [];
    for (const r of ctx.runs) {
      errLines.push(`${procs(r)}C=${r.C} ok=${r.ok} statuses=${JSON.stringify(Object.fromEntries(r.statuses))} failures=${r.measuredErrors + r.warmupErrors}`);
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
  for (const [label, prof] of ctx.profiles ?? []) block(`Engine CPU profile${label ? ` (${label}, engine 1)` : ''}, self time during the measured load windows (--cpu-prof)`, prof);
  if (ctx.failure) block('BENCH FAILED', [ctx.failure]);
  return done();
}

// ---------------------------------------------------------------- main
await runBench(ctx, 'place-order.md', async () => {
  ctx.pgVersion = await pgVersion();
  ctx.loadavg = loadavgText();
  ctx.idleBusy = await machineBusy(1000);
  ctx.staleNote = await ensureBuilt(A.build);
  if (ctx.staleNote) log(ctx.staleNote);
  await recreateDb(BENCH_DB);
  await recreateDb(CEIL_DB);

  if (CEILING) {
    ctx.ceiling = await runCeiling();
    for (const l of ctx.ceiling.lines) log(`ceiling: ${l}`);
    if (CEILING_PER_ROUND) ctx.ceilings = new Map([[1, ctx.ceiling]]);
  }

  ctx.runs = [];
  ctx.profiles = [];
  ctx.engineChildren = [];
  let catalogReady = false, first = true;
  const plan = [];
  for (let round = 1; round <= ROUNDS; round++) for (const entry of ENGINES) for (const P of API_PROCESSES) plan.push({ round, entry, P });
  for (const { round, entry, P } of plan) {
    const build = buildName(entry);
    if (CEILING_PER_ROUND && !ctx.ceilings.has(round)) {
      ctx.ceilings.set(round, await runCeiling());
      for (const l of ctx.ceilings.get(round).lines) log(`ceiling, round ${round}: ${l}`);
    }
    // Each build and process count on a database of its own, made alike: a later group does not inherit
    // the rows (and dead tuples) of the earlier ones.
    if (!first) { await recreateDb(BENCH_DB); catalogReady = false; }
    const engines = await startEngines(P, { dbUrl: PG(BENCH_DB), workers: WORKERS, profile: CPU_PROF, entry });
    ctx.engineChildren.push(...engines.map((e) => e.child));
    if (!catalogReady) {
      const t = performance.now();
      await setupCatalog(engines[0].url);
      log(`catalog ready: ${SKUS} SKUs in ${((performance.now() - t) / 1000).toFixed(1)}s`);
      catalogReady = true;
    }
    await waitQuiet(`Ordo load ${procs({ build, round, P })}`.trim());
    for (const C of LEVELS) {
      log(`load ${procs({ build, round, P })}C=${C}: ${WARMUP}s warm-up + ${DURATION}s`);
      let r = Object.assign(await loadLevel(engines, C), { build, round });
      // Other work on the box during the window (not the engines, their backends or this script).
      const other = (x) => (x.cpu ? x.cpu.busy - x.cpu.engine - x.cpu.self - x.cpu.pg : 0);
      const noisy = [];
      let placed = r.ok; // every try's orders are in the database
      for (let i = 0; i < RETRY_NOISY && other(r) > NOISY; i++) {
        noisy.push(`${r.rate.toFixed(0)}/s with ${other(r).toFixed(2)} other cores`);
        log(`${ordoLine(r)}: other work used ${other(r).toFixed(2)} cores: again (--retry-noisy)`);
        await waitQuiet(`Ordo load ${procs({ build, round, P })}C=${C} again`);
        const again = Object.assign(await loadLevel(engines, C), { build, round });
        placed += again.ok;
        if (other(again) < other(r)) r = again;
      }
      if (noisy.length) r.noisy = noisy;
      r.placed = placed;
      Object.assign(r, { build, round });
      ctx.runs.push(r);
      log(ordoLine(r));
      for (const e of engines) if (e.child.exitInfo) throw new Error(`${e.child.name} exited during the load (${JSON.stringify(e.child.exitInfo)})`);
    }
    if (QUOTE && first) {
      for (const C of LEVELS) {
        log(`quoteOrder load C=${C}: ${WARMUP}s warm-up + ${DURATION}s`);
        const r = await loadLevel(engines, C, 'quote');
        Object.assign(r, { build, round });
        ctx.runs.push(r);
        log(ordoLine(r));
      }
    }
    // The statement counts of the last build named (the one under test when builds are compared).
    if (round === 1 && entry === ENGINES.at(-1) && P === API_PROCESSES[0]) {
      ctx.sql = await sqlCounts(engines[0], null);
      for (const x of ctx.sql) log(`sql: ${x.label}: ${x.count}`);
    }
    const t1 = Date.now();
    // Long enough for the engine's own 20s forced exit (the profile is written at exit).
    await Promise.all(engines.map((e) => stopChild(e.child, 25_000)));
    const exits = engines.map((e) => JSON.stringify(e.child.exitInfo)).join(', ');
    (ctx.dbChecks ??= []).push(`${procs({ build, round, P })}${await dbCheck(ctx.runs.filter((r) => r.build === build && r.round === round && r.P === P && r.op === 'place'))}`);
    (ctx.shutdowns ??= []).push(`${procs({ build, round, P })}engine exit after SIGTERM: ${((Date.now() - t1) / 1000).toFixed(1)}s, ${exits}`);
    if (CPU_PROF) {
      const windows = ctx.runs.filter((r) => r.P === P && r.build === build && r.round === round).map((r) => r.window);
      const label = [ENGINES.length > 1 ? build : '', ROUNDS > 1 ? `r${round}` : '', MULTI ? `p${P}` : ''].filter(Boolean).join('-');
      ctx.profiles.push([label, summarizeProfile(engines[0].profileDir, engines[0].spawnAt, windows, first ? 'engine' : `engine-${label}`)]);
    }
    first = false;
  }
  ctx.shutdown = ctx.shutdowns.join('; ');

  ctx.dbCheck = ctx.dbChecks.join('; ');

  if (TRACE_SQL) {
    const proxy = await startSqlProxy();
    const port2 = await freePort(WANT_PORT + 1);
    log(`tracing SQL: second engine on 127.0.0.1:${port2} through a proxy on 127.0.0.1:${proxy.port}`);
    const e2 = await startEngine({ dbUrl: `postgres://postgres@127.0.0.1:${proxy.port}/${BENCH_DB}`, port: port2, workers: false, name: 'engine-trace', entry: ENGINES.at(-1) });
    ctx.engineChild2 = e2.child;
    ctx.trace = await sqlCounts(e2, proxy);
    await stopChild(e2.child, 3000);
  }
}, () => buildReport(ctx), () => {
  const lines = [...(ctx.engineChildren ?? []).flatMap((c) => c.lines), ...(ctx.engineChild2?.lines ?? [])];
  if (ctx.engineChildren?.length) {
    ctx.engineLog = engineLogDigest({ lines });
    try { writeFileSync(join(RESULTS, 'engine.log'), lines.map((l) => `${l.tag} ${l.line}`).join('\n') + '\n'); } catch {}
  }
});
