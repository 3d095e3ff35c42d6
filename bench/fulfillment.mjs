#!/usr/bin/env node
// Fulfillment benchmark: orders per second from CONFIRMED to SHIPPED at an autoFulfill location, with 1 and
// 2 worker processes, beside the ceiling of the same Redis: empty BullMQ jobs at the same concurrency.
//   node bench/fulfillment.mjs [--orders 500] [--workers 1,2] [--jobs 5000] [--concurrency 8] [--skus 100]
//                              [--timeout 300] [--redis redis://127.0.0.1:6379] [--quiet-wait 30] [--build]
//                              [--cpu-prof 1] [--job-times 1] [--engine-env K=V,...]
//   node bench/fulfillment.mjs --slip-timing 500     (CPU per packing slip PDF, in this process; nothing else)
// Needs a local PostgreSQL at postgres://postgres@127.0.0.1:5432 (trust auth) and Redis. Creates and drops
// its own database (ordo_bench_ff) and deletes its own Redis keys (a unique prefix). Prints a report and
// writes it to bench/results/fulfillment.md. See bench/README.md.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, CORES, CLK_TCK, PG, requireFromRoot, log, sleep, oneLine, loadavgText, parseArgs, cleanups, initCleanup, tempDir,
  startChild, stopChild, waitForLine, waitReady, freePort, pgVersion, recreateDb, ensureBuilt, engineBaseEnv, gql, admin, must, envPairs,
  inBatches, setupShop, ADDRESS, cpuTicks, machineTicks, busyCores, procTicksByPid, pgBackendOf, waitQuiet as waitQuietFor,
  logEntry, topCounts, newReport, runBench, deleteRedisKeys as deleteKeys, RESULTS, profileSelfTime, topShares, startSmtpSink,
} from './lib.mjs';

const deleteRedisKeys = (prefix) => deleteKeys(REDIS, prefix);

process.chdir(ROOT);
const { Pool } = requireFromRoot('pg');
const { Queue, Worker } = requireFromRoot('bullmq');
const { Redis } = requireFromRoot('ioredis');

// ---------------------------------------------------------------- options
const A = parseArgs(process.argv.slice(2), ['build']);

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

// CPU per packing slip: the compiled renderer (dist/), N slips of a 3-line order in this process. The first
// one also reads and parses the embedded font's files (done once per process, document-fonts.ts) and warms
// the code; the rest are the steady state each fulfillment job pays.
if (A['slip-timing']) {
  const n = Number(A['slip-timing']);
  if (!(n >= 10)) { console.error('usage: node bench/fulfillment.mjs --slip-timing 500'); process.exit(2); }
  await ensureBuilt(A.build, ['dist/src/documents/pdf/render-packing-slip.js']);
  const { renderPackingSlip } = await import(pathToFileURL(join(ROOT, 'dist/src/documents/pdf/render-packing-slip.js')).href);
  const input = (i) => ({
    orderNumber: String(1000 + i), date: new Date('2026-11-26T10:00:00Z'), shipmentId: `shp_bench_${i}`,
    shipTo: { ...ADDRESS, name: `Jane Doe ${i}` }, from: { name: 'Bench 3PL', line1: 'Lagerweg 1', city: 'Leipzig', postalCode: '04109', countryCode: 'DE' },
    lines: [{ sku: 'FF-0001', name: 'Trail shoe, size 42', quantity: 1 }, { sku: 'FF-0002', name: 'Merino socks (3 pairs)', quantity: 2 }, { sku: 'FF-0003', name: 'Shoe care kit', quantity: 1 }],
  });
  const cpuMs = (u) => (u.user + u.system) / 1000;
  let t = process.cpuUsage();
  const bytes = (await renderPackingSlip(input(0))).length;
  const first = cpuMs(process.cpuUsage(t));
  t = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 1; i < n; i++) await renderPackingSlip(input(i));
  const rest = cpuMs(process.cpuUsage(t)) / (n - 1);
  const wall = (performance.now() - w0) / (n - 1);
  console.log(`packing slip PDF (${bytes} bytes): first ${first.toFixed(1)} ms CPU (font files parsed, code cold); then ${rest.toFixed(2)} ms CPU per slip (${wall.toFixed(2)} ms wall) over ${n - 1} slips; Node ${process.version}`);
  process.exit(0);
}

const ORDERS = Number(A.orders ?? 500);
// --warm N: the workers first fulfil N orders of their own (not measured), then the queues are paused while
// the measured orders are placed, and resumed: the measured workers are warm, as a worker that has run for
// a while is. Cold (the default), the workers start on the full queue and V8 compiles their hot code during
// the measured window (on this 2-core machine its compiler threads were 14 % of the machine, traced with
// `perf record -a` during a cold 2-worker run).
const WARM = Number(A.warm ?? 0);
const WORKER_COUNTS = String(A.workers ?? '1,2').split(',').map(Number);
const JOBS = Number(A.jobs ?? 5000);
const CONCURRENCY = Number(A.concurrency ?? 8);
const SKUS = Number(A.skus ?? 100);
const TIMEOUT_S = Number(A.timeout ?? 300);
const REDIS = String(A.redis ?? 'redis://127.0.0.1:6379');
const QUIET_WAIT = Number(A['quiet-wait'] ?? 30), QUIET_BUSY = 0.3;
// --smtp 1: the engine's mails go to an SMTP server on 127.0.0.1 (a sink started here), as a production
// engine's do; by default they are written as .eml files (no SMTP_URL), as the zero-setup engine does.
const SMTP = (A.smtp ?? '0') !== '0';
// --engine-env K=V,…: settings for the API and worker processes (after the benchmark's own, so they win).
const ENGINE_ENV = envPairs(A['engine-env']);
if (!(ORDERS >= 10) || !(WARM >= 0) || WORKER_COUNTS.some((w) => !(w >= 1 && w <= 8)) || !(JOBS >= 100) || !(CONCURRENCY >= 1) || !(SKUS >= 1) || !(TIMEOUT_S > 0) || !/^redis:\/\/127\.0\.0\.1[:/]/.test(REDIS + '/')) {
  console.error('usage: node bench/fulfillment.mjs [--orders 500] [--workers 1,2] [--jobs 5000] [--concurrency 8] [--skus 100] [--timeout 300] [--redis redis://127.0.0.1:6379] [--quiet-wait 30] [--smtp 0|1] [--warm 0] [--engine-env K=V,...] [--build]');
  process.exit(2);
}

const BENCH_DB = 'ordo_bench_ff';
const PREFIX = `ordo-bench-ff-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const LOCATION = 'bench-3pl';
const ctx = { startedAt: new Date().toISOString(), runs: [], ceiling: [] };
initCleanup({ stopInParallel: true, logStops: false });


// ---------------------------------------------------------------- the engine
function engineEnv(dataDir, prefix, extra = {}) {
  return {
    ...engineBaseEnv(dataDir), DATABASE_URL: PG(BENCH_DB),
    LOG_LEVEL: 'info', REDIS_URL: REDIS, ORDO_REDIS_PREFIX: prefix, ORDO_QUEUE_CONCURRENCY: String(CONCURRENCY),
    DATABASE_POOL_SIZE: '20', ...(ctx.smtpUrl ? { SMTP_URL: ctx.smtpUrl } : {}), ...extra, ...ENGINE_ENV,
  };
}

async function startApi(dataDir, prefix) {
  const port = await freePort();
  const child = startChild(['dist/src/main.js'], { env: engineEnv(dataDir, prefix, { PORT: String(port), ORDO_DISABLE_WORKERS: '1' }) }, 'api');
  const base = `http://127.0.0.1:${port}`;
  await waitReady(child, base);
  return { child, url: `${base}/graphql` };
}

const sku = (i) => `FF-${String(i).padStart(4, '0')}`;

const SHIPMENT_DOCS = `query($id: ID!) { order(id: $id) { shipments { id labelUrl packingSlipUrl } } }`;
/** Downloads the label and packing slip of `n` shipped orders through a fresh API process: PDFs, or failures. */
async function checkDocuments(dataDir, prefix, pool, n) {
  const api = await startApi(dataDir, prefix);
  try {
    const ids = (await pool.query(`SELECT id FROM orders WHERE status = 'SHIPPED' ORDER BY random() LIMIT ${n}`)).rows.map((r) => r.id);
    const bad = [];
    for (const id of ids) {
      const [s] = must(await admin(api.url, SHIPMENT_DOCS, { id }), 'order documents').order.shipments;
      for (const url of [s?.labelUrl, s?.packingSlipUrl]) {
        const res = url ? await fetch(new URL(url, api.url)) : null;
        const head = res?.ok ? Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString() : '';
        if (head !== '%PDF-') bad.push({ order: id, url: url ?? null, status: res?.status ?? null });
      }
    }
    return { ok: ids.length === n && !bad.length, orders: ids.length, pdfs: ids.length * 2 - bad.length, bad };
  } finally {
    await stopChild(api.child, 15_000);
  }
}

const setupFfShop = (url) => setupShop(url, {
  location: { code: LOCATION, name: 'Bench 3PL (automated)', kind: 'THIRD_PARTY_LOGISTICS', countryCode: 'DE', priority: 1, autoFulfill: true },
  skus: SKUS, sku, productBatch: 1, stock: 100_000, stockBatch: 20,
});

const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } } }`;
/** Pauses (or resumes) every queue the workers take jobs from: BullMQ's pause holds them for every worker. */
async function pauseQueues(prefix, pause) {
  const conn = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  try {
    for (const q of QUEUES) {
      const queue = new Queue(q, { connection: conn, prefix });
      await (pause ? queue.pause() : queue.resume());
      await queue.close();
    }
  } finally { conn.disconnect(); }
}

async function placeOrders(url, n, from = 0) {
  let failures = 0;
  const ids = Array.from({ length: n }, (_, i) => from + i);
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
function procTicks(match) {
  let t = 0;
  for (const v of procTicksByPid(match).values()) t += v;
  return t;
}
const pgTicks = () => procTicks(pgBackendOf(BENCH_DB));
const redisTicks = () => procTicks((cmd) => cmd.startsWith('redis-server'));
const waitQuiet = (what) => waitQuietFor(what, QUIET_WAIT, QUIET_BUSY);
/** CPU (in cores) of the given children, their PostgreSQL backends, Redis, and the machine, between two samples. */
function cpuSample(kids) {
  return { t: performance.now(), kids: kids.map((k) => cpuTicks(k.pid)), pg: pgTicks(), redis: redisTicks(), machine: machineTicks() };
}
function cpuDelta(a, b) {
  const sec = (b.t - a.t) / 1000;
  const kids = b.kids.reduce((s, x, i) => s + (x - a.kids[i]), 0) / CLK_TCK / sec;
  const busy = busyCores(a.machine, b.machine, sec);
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
/**
 * Starts run.workers processes (`start(i)`), waits for `readyLine` from each, then polls `count()` every pollMs
 * until it reaches `total` (or --timeout); `check(kids)` runs after each poll short of it. Sets run.bootMs,
 * run.cpu (the processes' CPU while polling) and the rates(); returns the processes and the last count.
 */
async function measure(run, { start, readyLine, readyMs, total, pollMs, count, check, settled, warmup }) {
  let t0 = performance.now();
  const kids = Array.from({ length: run.workers }, (_, i) => start(i));
  const ready = await Promise.all(kids.map(async (k) => { await waitForLine(k, readyLine, readyMs); return performance.now(); }));
  run.bootMs = Math.max(...ready) - t0;
  // Warm workers (--warm): the window starts when the warm-up hands them the measured orders.
  if (warmup) {
    await warmup(kids);
    t0 = performance.now();
    ready.fill(t0);
  }
  const c0 = cpuSample(kids);
  const samples = [];
  const deadline = Date.now() + TIMEOUT_S * 1000;
  let done = 0;
  while (Date.now() < deadline) {
    done = await count();
    samples.push({ t: performance.now(), done });
    if (done >= total) break;
    check?.(kids);
    await sleep(pollMs);
  }
  run.cpu = cpuDelta(c0, cpuSample(kids));
  run.window = [Math.min(...ready), performance.now()];
  Object.assign(run, rates(samples, total, t0, Math.min(...ready)));
  // Then until the follow-up work of every order is done too (`settled`: its events handled, its payment
  // captured), which the workers did partly after the last SHIPPED: the whole pipeline's rate and CPU.
  if (settled && done >= total) {
    let left = await settled();
    while (left > 0 && Date.now() < deadline) { check?.(kids); await sleep(pollMs); left = await settled(); }
    if (left === 0) {
      run.settledMs = performance.now() - Math.min(...ready);
      run.cpuSettled = cpuDelta(c0, cpuSample(kids));
    }
  }
  return { kids, done };
}
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');

const QUEUES = ['events', 'fulfillment', 'carrier', 'documents', 'payments', 'invoicing'];
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
  const dataDir = tempDir('ordo-bench-ff-');
  const run = { workers, prefix, notes: [] };
  const profileDir = A['cpu-prof'] ? join(RESULTS, 'fulfillment-profiles', `w${workers}`) : null;
  if (profileDir) { rmSync(profileDir, { recursive: true, force: true }); mkdirSync(profileDir, { recursive: true }); }
  const api = await startApi(dataDir, prefix);
  run.logs = [api.child];
  const pool = new Pool({ connectionString: PG(BENCH_DB), max: 2 });
  try {
    await setupFfShop(api.url);
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
    const published = async () => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
        if ((await n(`SELECT count(*) AS n FROM outbox_event WHERE published_at_ms IS NULL`)) === 0) break;
        await sleep(100);
      }
    };
    // The measured orders, placed through the API, whose relay puts every event in Redis: the workers
    // start (or, warm, resume) on a full queue. The API plays no part in fulfillment: it stops before the
    // measured window, and its CPU stays out of the figures.
    const placeMeasured = async () => {
      const tPlace = performance.now();
      run.placeFailures = await placeOrders(api.url, ORDERS, WARM);
      run.placeRate = ORDERS / ((performance.now() - tPlace) / 1000);
      const confirmed = await n(`SELECT count(*) AS n FROM orders WHERE status = 'CONFIRMED'`);
      if (confirmed !== ORDERS) run.notes.push(`${confirmed} of ${ORDERS} orders CONFIRMED before the workers started`);
      await published();
      run.eventsBefore = await n(`SELECT count(*) AS n FROM outbox_event`);
      await stopChild(api.child, 15_000);
    };
    let warmup = null;
    if (WARM) {
      const failures = await placeOrders(api.url, WARM);
      if (failures) run.notes.push(`${failures} of ${WARM} warm-up orders failed`);
      await published();
      log(`w=${workers}: ${WARM} warm-up orders placed; starting ${workers} worker process(es)`);
      warmup = async (ks) => {
        for (const deadline = Date.now() + TIMEOUT_S * 1000; ;) {
          const left = await n(`SELECT (SELECT count(*) FROM orders WHERE status <> 'SHIPPED') + (SELECT count(*) FROM outbox_event WHERE processed_at_ms IS NULL) + (SELECT count(*) FROM orders WHERE payment_status <> 'PAID') AS n`);
          if (!left) break;
          if (Date.now() > deadline) throw new Error(`the ${WARM} warm-up orders were not fulfilled within ${TIMEOUT_S}s`);
          if (ks.some((k) => k.exitInfo)) throw new Error('a worker exited during the warm-up');
          await sleep(100);
        }
        // What the warm-up's orders left (jobs, events, the documents they drew) is subtracted from the run's.
        run.setupJobs = await jobCounts(prefix, QUEUES);
        run.setupEvents = await n(`SELECT count(*) AS n FROM outbox_event`);
        await pauseQueues(prefix, true);
        await placeMeasured();
        log(`w=${workers}: ${ORDERS} orders placed (${f0(run.placeRate)}/s) with the queues paused; resuming them`);
        run.busyBefore = await waitQuiet(`the ${workers}-worker run`);
        await pauseQueues(prefix, false);
      };
    } else {
      await placeMeasured();
      log(`w=${workers}: ${ORDERS} orders placed (${f0(run.placeRate)}/s); starting ${workers} worker process(es)`);
      run.busyBefore = await waitQuiet(`the ${workers}-worker run`);
    }
    const { kids, done } = await measure(run, {
      start: (i) => {
        // --job-times: the workers log each job's wall time and statements at debug level (app.ts).
        const env = engineEnv(dataDir, prefix, A['job-times'] ? { LOG_LEVEL: 'debug', ORDO_DEBUG_SQL: '1' } : {});
        const k = startChild([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'dist/src/worker.js'], { env }, `worker-${i + 1}`);
        k.spawnAt = performance.now();
        return k;
      },
      readyLine: /Ordo workers running/, readyMs: 60_000, total: ORDERS, pollMs: 100, warmup,
      count: async () => (await n(`SELECT count(*) AS n FROM orders WHERE status = 'SHIPPED'`)) - WARM,
      settled: () => n(`SELECT (SELECT count(*) FROM outbox_event WHERE processed_at_ms IS NULL) + (SELECT count(*) FROM orders WHERE payment_status <> 'PAID') AS n`),
      check: (ks) => { if (ks.some((k) => k.exitInfo)) throw new Error(`a worker exited during the run: ${JSON.stringify(ks.map((k) => k.exitInfo))}`); },
    });
    run.logs.push(...kids);
    run.shipped = done;
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
    const all = ORDERS + WARM;
    const ok = c.shipments === all && c.shipped_shipments === all && c.tracking === all && c.moves === all && c.reserved === 0 && c.unshipped_lines === 0;
    if (!ok) run.notes.push(`CHECK FAILED: ${JSON.stringify(c)}`);
    run.eventsPerOrder = (c.events - run.setupEvents) / ORDERS;
    run.jobs = minusJobs(await jobCounts(prefix, QUEUES), run.setupJobs);
    run.jobsPerOrder = Object.values(run.jobs).reduce((s, x) => s + x.completed, 0) / ORDERS;
    await Promise.all(kids.map((k) => stopChild(k, 25_000))); // a profile is written when its process exits
    if (profileDir) run.profile = summarizeWorkerProfiles(profileDir, kids, run.window);
    if (A['job-times']) run.jobTimes = summarizeJobTimes(kids);
    // Outside the measured window: the documents of a few shipped orders are retrievable (labels and
    // packing slips are drawn on their first download, through an API process).
    run.documents = await checkDocuments(dataDir, prefix, pool, 5);
    if (!run.documents.ok) run.notes.push(`DOCUMENTS CHECK FAILED: ${JSON.stringify(run.documents)}`);
  } finally {
    await pool.end();
    await stopChild(api.child, 5_000);
  }
  return run;
}

/**
 * The workers' CPU profiles (--cpu-prof 1), self time inside the measured window (first worker ready →
 * every order SHIPPED), by concern and by package or file. Files stay in bench/results/fulfillment-profiles/.
 */
const CONCERNS = [
  ['PDF rendering (pdfkit, fontkit, ordo documents/pdf)', (a) => /^(pdfkit|fontkit|@swc\/helpers|linebreak|unicode-|brotli|png-js|crypto-js)/.test(a) || a.startsWith('ordo src/documents/pdf/')],
  ['ORM (@mikro-orm/*, knex)', (a) => a.startsWith('@mikro-orm/') || a === 'knex'],
  ['PostgreSQL driver (pg, pg-protocol, ...)', (a) => /^pg(-|$)/.test(a)],
  ['BullMQ and ioredis', (a) => a === 'bullmq' || a === 'ioredis' || a === 'msgpackr'],
  ['Ordo, other files', (a) => a.startsWith('ordo ')],
  ['node internals', (a) => a === 'node internals'],
  ['writes to files and sockets (native)', (a) => /^(writeBuffer|writeString|writev|writeUtf8String|writeLatin1String)$/.test(a)],
  ['garbage collector', (a) => a === '(garbage collector)'],
];
/** Per job name: how many ran, their wall time and statements in all and per order (the workers' debug lines). */
function summarizeJobTimes(kids) {
  const by = new Map();
  for (const k of kids) for (const { line } of k.lines) {
    // A job's line, and within an events job each handler's (its module and the event type), indented below the jobs.
    const handler = line.includes('"handler finished"');
    if (!handler && !line.includes('"job finished"')) continue;
    const e = JSON.parse(line);
    const name = handler ? `  handler ${e.handler}` : e.job;
    const x = by.get(name) ?? { n: 0, ms: 0, statements: 0 };
    by.set(name, { n: x.n + 1, ms: x.ms + e.ms, statements: x.statements + e.statements });
  }
  const rank = ([name, x]) => [name.startsWith('  ') ? 1 : 0, -x.statements];
  return [...by].sort((a, b) => { const [p, q] = [rank(a), rank(b)]; return p[0] - q[0] || p[1] - q[1]; }).map(([job, x]) =>
    `${job.padEnd(36)} ${String(x.n).padStart(6)} jobs  ${(x.ms / x.n).toFixed(1).padStart(7)} ms and ${(x.statements / x.n).toFixed(1).padStart(5)} statements each  ${(x.ms / ORDERS).toFixed(1).padStart(6)} ms and ${(x.statements / ORDERS).toFixed(1).padStart(5)} statements per order`);
}

function summarizeWorkerProfiles(dir, kids, [from, to]) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return ['(no profile written: did the workers exit cleanly?)'];
  const byPid = new Map(kids.map((k) => [String(k.pid), k]));
  // Node names a profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; its clock starts with the process.
  const profiles = files.map((f) => ({ prof: JSON.parse(readFileSync(join(dir, f), 'utf8')), proc: byPid.get(f.split('.')[3]) })).filter((p) => p.proc);
  const { total, kept, byArea, byFn } = profileSelfTime(profiles, (k, ms) => k.spawnAt + ms >= from && k.spawnAt + ms < to);
  if (!total) return ['(no samples inside the measured window)'];
  const byConcern = new Map();
  for (const [area, us] of byArea) {
    const name = CONCERNS.find(([, test]) => test(area))?.[0] ?? 'other (native, other packages)';
    byConcern.set(name, (byConcern.get(name) ?? 0) + us);
  }
  return [
    `profiles in ${dir}; ${profiles.length} worker process(es), measured window ${((to - from) / 1000).toFixed(1)}s, ` +
      `main threads busy ${(total / 1e6).toFixed(1)}s of ${(kept / 1e6).toFixed(1)}s sampled (${((100 * total) / kept).toFixed(0)}%), ${((total / 1000) / ORDERS).toFixed(1)} ms per order; by concern:`,
    ...topShares(byConcern, total, CONCERNS.length + 1),
    'by package or file:', ...topShares(byArea, total, 12),
    'top functions (self):', ...topShares(byFn, total, 10),
  ];
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
    const self = fileURLToPath(import.meta.url);
    const { kids, done } = await measure(run, {
      start: (i) => startChild([self, '--noop-worker', REDIS, '--prefix', prefix, '--queue', 'noop', '--concurrency', String(CONCURRENCY)], {}, `noop-${i + 1}`),
      readyLine: /noop worker ready/, readyMs: 30_000, total: JOBS, pollMs: 50,
      count: async () => (await queue.getJobCounts('completed')).completed,
    });
    run.done = done;
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
    for (const l of c.lines) {
      const { level, msg } = logEntry(l, (j) => [j.msg, j.err?.type, j.err?.message ?? (typeof j.err === 'string' ? j.err : ''), j.queue]);
      if (level >= 40) {
        total++;
        const m = `${c.name}: ${oneLine(msg, 200)}`;
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
    }
  }
  return [`${total} warn/error lines`, ...topCounts(counts, 8).map(([m, n]) => `   ${n}× ${m}`)];
}

function buildReport() {
  const { L, md, block, done } = newReport();
  const both = (s) => { L.push(s); md.push(s, ''); };
  md.push('# Fulfillment benchmark', '');
  both(`Run ${ctx.startedAt}: ${ORDERS} single-line orders over ${SKUS} SKUs at one autoFulfill location (sim carrier), ` +
    `CONFIRMED → SHIPPED; ${WARM ? `workers warm (--warm ${WARM}: they fulfilled ${WARM} orders first, then the measured orders were placed with the queues paused)` : 'workers cold (started on the full queue)'}; ORDO_QUEUE_CONCURRENCY=${CONCURRENCY} per queue per process; mails ${SMTP ? 'by SMTP to a local sink (--smtp 1)' : 'as .eml files'}${Object.keys(ENGINE_ENV).length ? `; engine settings ${Object.entries(ENGINE_ENV).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""}; PostgreSQL ${ctx.pgVersion ?? '?'}, Redis ${ctx.redisVersion ?? '?'}, Node ${process.version}; ` +
    `${CORES} cores, loadavg at start ${ctx.loadavg}.`);
  if (ctx.staleNote) both(`NOTE: ${ctx.staleNote}`);
  if (ctx.runs.length) {
    block(`Ordo fulfillment, CONFIRMED → SHIPPED (orders placed first by an API process, ${WARM ? 'queues resumed' : 'workers started'} after)`, ctx.runs.map((r) =>
      `workers=${r.workers} orders/s=${f1(r.rate)} (all ${r.shipped}/${ORDERS} SHIPPED ${f1(r.workMs / 1000)}s after ${WARM ? 'the queues were resumed' : 'the first worker was ready'}; boot ${f1(r.bootMs / 1000)}s; ` +
      `first SHIPPED after ${f1(r.firstMs / 1000)}s, then 10%→90% at ${f1(r.steady)}/s)` +
      (r.notes.length ? `  ${r.notes.join('; ')}` : '')).concat(ctx.runs.map((r) => r.settledMs
      ? `workers=${r.workers} settled orders/s=${f1(ORDERS / (r.settledMs / 1000))} (every event handled and every payment captured ${f1(r.settledMs / 1000)}s after ${WARM ? 'the queues were resumed' : 'the first worker was ready'}; ` +
        `cpu: worker processes ${f1((r.cpuSettled.kids * r.cpuSettled.sec * 1000) / ORDERS)} ms/order, pg backends ${f1((r.cpuSettled.pg * r.cpuSettled.sec * 1000) / ORDERS)} ms/order; machine busy ${f2(r.cpuSettled.busy)})`
      : `workers=${r.workers} settled: not within the run's time limit`)));
    block('Work per order and CPU during the run (1.00 = one core)', ctx.runs.flatMap((r) => [
      `workers=${r.workers} outbox events/order=${f1(r.eventsPerOrder)} BullMQ jobs/order=${f1(r.jobsPerOrder)} (${Object.entries(r.jobs ?? {}).map(([q, c]) => `${q} ${c.completed}${c.failed ? ` +${c.failed} failed` : ''}`).join(', ')})`,
      ...(r.workers === ctx.runs[0].workers ? Object.entries(r.jobs ?? {}).map(([q, c]) => `   ${q}: ${Object.entries(c.names ?? {}).map(([nm, k]) => `${nm} ${k}`).join(', ')}`) : []),
      `workers=${r.workers} cpu: worker processes ${f2(r.cpu?.kids)} (${f1((r.cpu?.kids * r.cpu?.sec * 1000) / ORDERS)} ms/order), pg backends ${f2(r.cpu?.pg)} (${f1((r.cpu?.pg * r.cpu?.sec * 1000) / ORDERS)} ms/order), redis ${f2(r.cpu?.redis)}; machine busy ${f2(r.cpu?.busy)} of ${CORES} (busy ${f2(r.busyBefore)} before)`,
      `workers=${r.workers} check: ${JSON.stringify(r.check ?? {})}; documents: ${r.documents ? `${r.documents.pdfs} PDFs of ${r.documents.orders} orders retrieved${r.documents.bad.length ? `, FAILED ${JSON.stringify(r.documents.bad)}` : ''}` : 'not checked'}`,
    ]));
  }
  for (const r of ctx.runs) if (r.jobTimes) block(`Jobs, workers=${r.workers}, wall time and statements (--job-times 1; jobs overlap at concurrency ${CONCURRENCY})`, r.jobTimes);
  for (const r of ctx.runs) if (r.profile) block(`Worker CPU profile, workers=${r.workers}, self time in the measured window (--cpu-prof 1)`, r.profile);
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
  return done();
}

// ---------------------------------------------------------------- main
await runBench(ctx, 'fulfillment.md', async () => {
  ctx.pgVersion = await pgVersion();
  const r = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  try { ctx.redisVersion = /redis_version:(\S+)/.exec(await r.info('server'))?.[1]; } finally { r.disconnect(); }
  ctx.loadavg = loadavgText();
  ctx.staleNote = await ensureBuilt(A.build, ['dist/src/main.js', 'dist/src/worker.js']);
  if (ctx.staleNote) log(ctx.staleNote);
  if (SMTP) ctx.smtpUrl = (await startSmtpSink()).url;

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
}, buildReport);
