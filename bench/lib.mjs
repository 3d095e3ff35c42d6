// Helpers shared by the benchmark scripts in bench/: child processes with captured output, cleanup on exit
// and on SIGINT/SIGTERM, PostgreSQL databases, the compiled engine, GraphQL over HTTP, CPU sampling from
// /proc, and the report. Importing it has no side effects (the subscriptions bench loads it in worker threads).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `require` as seen from the project (pg, bullmq, ioredis are CommonJS dependencies of ./package.json). */
export const requireFromRoot = createRequire(join(ROOT, 'package.json'));
export const RESULTS = join(ROOT, 'bench', 'results');
export const CORES = availableParallelism();
export const CLK_TCK = 100;
export const PG_HOST = '127.0.0.1', PG_PORT = 5432;
/**
 * BENCH_PG_SOCKET=/var/run/postgresql: the engines, the ceiling and the checks reach PostgreSQL through its
 * Unix socket in that directory instead of TCP on 127.0.0.1 (what a database on the same host allows).
 */
const PG_SOCKET = process.env.BENCH_PG_SOCKET || '';
export const PG = (db) => (PG_SOCKET ? `postgres://postgres@${encodeURIComponent(PG_SOCKET)}/${db}` : `postgres://postgres@${PG_HOST}:${PG_PORT}/${db}`);
export const ADMIN_KEY = 'bench-admin-key-0123456789';
export const REQUEST_TIMEOUT_MS = 30_000;

export const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const oneLine = (s, n = 200) => { const t = String(s).replace(/\s+/g, ' ').trim(); return t.length > n ? `${t.slice(0, n - 1)}…` : t; };
export const loadavgText = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// ---------------------------------------------------------------- options
/** `K=V,K=V` (an --engine-env option) as an object; a pair without `=` is refused. */
export function envPairs(text) {
  return Object.fromEntries(String(text ?? '').split(',').filter(Boolean).map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1) throw new Error(`--engine-env: "${kv}" is not KEY=VALUE`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }));
}

/** `--key value` pairs; the names in `flags` take no value ('1'). With `bare`, words without `--` are keys too. */
export function parseArgs(argv, flags = ['build'], { bare = false } = {}) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    if (!bare && !argv[i].startsWith('--')) continue;
    const k = argv[i].replace(/^--/, '');
    if (flags.includes(k)) o[k] = '1';
    else o[k] = argv[++i];
  }
  return o;
}

// ---------------------------------------------------------------- cleanup (always runs)
export const children = new Set();
export const cleanups = [];
const cleanupOpts = { stopInParallel: false, logStops: false };
let cleaning = null;
/** Sets how children are stopped at cleanup, and runs the cleanup on SIGINT/SIGTERM (exit 130). */
export function initCleanup({ stopInParallel = false, logStops = false } = {}) {
  Object.assign(cleanupOpts, { stopInParallel, logStops });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => { log(`${sig}: cleaning up`); cleanup().finally(() => process.exit(130)); });
  }
}
/** Stops every child still running, then runs the registered cleanup steps, newest first. Runs once. */
export async function cleanup() {
  if (!cleaning) {
    cleaning = (async () => {
      if (cleanupOpts.stopInParallel) await Promise.all([...children].map((c) => stopChild(c)));
      else for (const c of [...children]) await stopChild(c);
      for (const f of cleanups.reverse()) {
        try { await f(); } catch (e) { log('cleanup step failed:', e.message); }
      }
    })();
  }
  return cleaning;
}
/** A temporary folder, removed at cleanup. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------- child processes
/** `node ...args` from ROOT; its output lines are kept in child.lines ({ tag: 'out'|'err', line }). */
export function startChild(args, opts, name) {
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

/** SIGTERM, then SIGKILL after graceMs; resolves once the child has exited. */
export async function stopChild(child, graceMs = 10_000) {
  if (!children.has(child)) return;
  const t0 = Date.now();
  child.kill('SIGTERM');
  const t = setTimeout(() => { log(`${child.name} still running ${graceMs / 1000}s after SIGTERM: SIGKILL`); child.kill('SIGKILL'); }, graceMs);
  const info = await child.exited;
  clearTimeout(t);
  if (cleanupOpts.logStops) log(`${child.name} stopped in ${((Date.now() - t0) / 1000).toFixed(1)}s (${info.code ?? info.signal})`);
}

const tailOf = (child, n) => child.lines.slice(-n).map((l) => l.line).join('\n');

/** Waits (bounded) until a child prints a line matching `re`. */
export async function waitForLine(child, re, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.lines.some((l) => re.test(l.line))) return;
    if (child.exitInfo) throw new Error(`${child.name} exited (${child.exitInfo.code ?? child.exitInfo.signal}):\n${tailOf(child, 20)}`);
    await sleep(20);
  }
  throw new Error(`${child.name}: no line matching ${re} within ${timeoutMs} ms`);
}

/** Waits (up to 120 s) until `${base}/ready` answers 200; throws with the child's last lines if it exits first. */
export async function waitReady(child, base) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitInfo) throw new Error(`${child.name} exited (${child.exitInfo.code ?? child.exitInfo.signal}) before it was ready:\n${tailOf(child, 30)}`);
    try {
      const r = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return;
    } catch {}
    await sleep(200);
  }
  throw new Error(`${child.name} not ready after 120s`);
}

const listenOn = (port) => new Promise((res, rej) => {
  const s = net.createServer();
  s.once('error', rej);
  s.listen(port, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
});
/** A free port on 127.0.0.1: `want` if it is free (else any, or null), or any when `want` is not given. */
export async function freePort(want) {
  if (want === undefined) return listenOn(0);
  return (await listenOn(want).catch(() => null)) ?? (await listenOn(0).catch(() => null));
}

// ---------------------------------------------------------------- databases
export async function adminSql(sql) {
  const { Client } = requireFromRoot('pg');
  const c = new Client({ connectionString: PG('postgres') });
  await c.connect();
  try { return await c.query(sql); } finally { await c.end(); }
}
export const pgVersion = async () => (await adminSql('SHOW server_version')).rows[0].server_version;
const dropsRegistered = new Set();
/** Drops and creates a database; it is dropped again at cleanup. */
export async function recreateDb(name) {
  await adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminSql(`CREATE DATABASE ${name}`);
  if (!dropsRegistered.has(name)) {
    dropsRegistered.add(name);
    cleanups.push(() => adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

// ---------------------------------------------------------------- the engine build
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}
/** Builds dist/ when forced or when one of `need` (paths below ROOT) is missing; returns a note when src/ is newer. */
export async function ensureBuilt(force, need = ['dist/src/main.js']) {
  const main = join(ROOT, 'dist', 'src', 'main.js');
  if (force || need.some((p) => !existsSync(join(ROOT, p)))) {
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
/**
 * The environment every engine process of the benches starts from. BENCH_NODE_OPTIONS becomes the engines'
 * NODE_OPTIONS (and nothing else's): `--require bench/count-io.cjs` counts their round trips and writes
 * (into COUNT_IO_DIR).
 */
export const engineBaseEnv = (dataDir) => ({
  PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(),
  ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  ...(process.env.COUNT_IO_DIR ? { COUNT_IO_DIR: process.env.COUNT_IO_DIR } : {}),
  HOST: '127.0.0.1', ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0',
});

// ---------------------------------------------------------------- mail
/**
 * An SMTP server on 127.0.0.1 that accepts every mail and drops it (smtp-server), in a process of its own
 * so that its CPU is not the engine's; stopped at cleanup, where it logs how many mails it took. For
 * engines started with `SMTP_URL: sink.url`, as a production engine sends its mails.
 */
export async function startSmtpSink() {
  const port = await freePort();
  const child = startChild(['-e', `
    const { SMTPServer } = require(${JSON.stringify(requireFromRoot.resolve('smtp-server'))});
    let received = 0;
    const s = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], disableReverseLookup: true, logger: false,
      onData(stream, _session, cb) { stream.on('data', () => {}); stream.on('end', () => { received++; cb(); }); } });
    s.listen(${port}, '127.0.0.1', () => console.log('listening'));
    process.on('SIGTERM', () => { console.log('received ' + received); process.exit(0); });
  `], {}, 'smtp-sink');
  while (!child.lines.some((l) => l.line === 'listening')) {
    if (child.exitInfo) throw new Error(`the SMTP sink did not start: ${tailOf(child, 5)}`);
    await sleep(50);
  }
  cleanups.push(() => log(`the SMTP sink received ${child.lines.find((l) => l.line.startsWith('received'))?.line.split(' ')[1] ?? '?'} mails`));
  return { url: `smtp://127.0.0.1:${port}`, child };
}

// ---------------------------------------------------------------- GraphQL over HTTP
export async function gql(url, query, variables, { token, countSql } = {}) {
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
export function must(r, what) {
  if (r.status !== 200 || r.body.errors?.length || !r.body.data) throw new Error(`${what} failed (HTTP ${r.status}): ${JSON.stringify(r.body.errors ?? r.body)}`);
  return r.body.data;
}
export const admin = (url, q, v, o = {}) => gql(url, q, v, { ...o, token: ADMIN_KEY });

export async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

export const ADDRESS = { name: 'Jane Doe', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' };

/**
 * A shop to order from: one stock location, `skus` variants (`sku(i)`, 100 per product, `productBatch`
 * products at a time), `stock` units of each at the location (`stockBatch` SKUs at a time), a shipping
 * method 'standard' and a German tax rate.
 */
export async function setupShop(url, { location, skus, sku, productBatch, stock, stockBatch }) {
  must(await admin(url, `mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, { i: location }), 'createStockLocation');
  const products = [];
  for (let p = 0; p * 100 < skus; p++) {
    const variants = [];
    for (let i = p * 100; i < Math.min(skus, (p + 1) * 100); i++) variants.push({ sku: sku(i), name: `Bench variant ${i}`, price: 1000 + (i % 50) * 10, currencyCode: 'EUR' });
    products.push({ name: `Bench product ${p}`, variants });
  }
  await inBatches(products, productBatch, async (i) => must(await admin(url, `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i }), 'createProduct'));
  const all = Array.from({ length: skus }, (_, i) => sku(i));
  await inBatches(all, stockBatch, async (s) => must(await admin(url, `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`,
    { i: { sku: s, locationCode: location.code, delta: stock, reason: 'RECEIVED' } }), `adjustStock ${s}`));
  must(await admin(url, `mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`,
    { i: { code: 'standard', name: 'Standard', carrierCode: 'sim', price: 495, currencyCode: 'EUR', minTransitDays: 2, maxTransitDays: 4 } }), 'createShippingMethod');
  must(await admin(url, `mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'DE', ratePercent: 19 } }), 'setTaxRate');
}

// ---------------------------------------------------------------- CPU (from /proc)
/** utime + stime of a process, in CLK_TCK ticks (NaN when it is gone). */
export function cpuTicks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // utime + stime
  } catch { return NaN; }
}
export function machineTicks() {
  try {
    const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: v.reduce((a, b) => a + b, 0), idle: v[3] + (v[4] || 0) };
  } catch { return null; }
}
/** Busy cores of the machine between two machineTicks() samples `sec` seconds apart (NaN without both). */
export const busyCores = (a, b, sec) => (a && b ? (b.total - a.total - (b.idle - a.idle)) / CLK_TCK / sec : NaN);
/** CPU ticks of every process whose command line matches, by pid. */
export function procTicksByPid(match) {
  const out = new Map();
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try { if (match(readFileSync(`/proc/${d}/cmdline`, 'utf8'))) out.set(d, cpuTicks(d)); } catch {}
    }
  } catch {}
  return out;
}
/** Matches the command line of a PostgreSQL backend serving `db`. */
export const pgBackendOf = (db) => (cmd) => cmd.startsWith('postgres: ') && cmd.includes(` ${db} `);
export async function machineBusy(ms = 1000) {
  const a = machineTicks();
  await sleep(ms);
  const b = machineTicks();
  if (!a || !b) return NaN;
  return busyCores(a, b, ms / 1000);
}
/** Waits (up to waitS seconds) until other work on the machine has calmed down; returns the busy cores at the end. */
export async function waitQuiet(what, waitS, maxBusy = 0.3) {
  const deadline = Date.now() + waitS * 1000;
  let busy = await machineBusy(1000);
  while (busy > maxBusy && Date.now() < deadline) {
    log(`machine busy ${busy.toFixed(2)} cores before ${what}: waiting (up to ${waitS}s, --quiet-wait)`);
    busy = await machineBusy(2000);
  }
  return busy;
}

// ---------------------------------------------------------------- logs and the report
/** Level and message of a captured line: a JSON log line gives its own level and the non-empty `fields(j)`. */
export function logEntry({ tag, line }, fields) {
  let level = tag === 'err' ? 50 : 30, msg = line;
  try {
    const j = JSON.parse(line);
    level = j.level ?? level;
    msg = fields(j).filter(Boolean).join(' | ');
  } catch {}
  return { level, msg };
}
/** The n most frequent entries of a Map of counts, as [key, count]. */
export const topCounts = (counts, n) => [...counts].sort((a, b) => b[1] - a[1]).slice(0, n);

/** A report kept twice: as plain text (L) and as Markdown (md); block() adds a titled section to both. */
export function newReport() {
  const L = [], md = [];
  const block = (title, lines) => { L.push(`== ${title}`, ...lines); md.push(`## ${title}`, '', '```', ...lines, '```', ''); };
  return { L, md, block, done: () => ({ text: L.join('\n'), md: md.join('\n') }) };
}

/**
 * Runs `main`; a failure is logged and kept in ctx.failure (exit 1). Always: cleanup, `beforeReport`, then
 * the report from `report()` is printed and written to bench/results/`file`. Exits the process.
 */
export async function runBench(ctx, file, main, report, beforeReport) {
  let exitCode = 0;
  try {
    mkdirSync(RESULTS, { recursive: true });
    await main();
  } catch (e) {
    exitCode = 1;
    ctx.failure = e?.stack ?? String(e);
    log('FAILED:', ctx.failure);
  } finally {
    await cleanup();
    beforeReport?.();
    const { text, md } = report();
    console.log(text);
    try { writeFileSync(join(RESULTS, file), md + '\n'); log(`report written to bench/results/${file}`); } catch (e) { log(`could not write the report: ${e.message}`); }
  }
  process.exit(exitCode);
}

/** Deletes one run's Redis keys only (SCAN by prefix; never FLUSHDB); answers how many. */
export async function deleteRedisKeys(url, prefix) {
  const { Redis } = requireFromRoot('ioredis');
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
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

// ---------------------------------------------------------------- CPU profiles
/** What a profile frame belongs to: an npm package, a file of Ordo's dist/, node internals, or the native function. */
export function profileArea(callFrame) {
  const url = callFrame.url || '';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.includes('/dist/')) return `ordo ${url.slice(url.indexOf('/dist/') + 6)}`;
  if (url.startsWith('node:')) return 'node internals';
  return callFrame.functionName || '(native)';
}

/**
 * Self time of `node --cpu-prof` profiles, summed over processes, counting only samples for which
 * `keep(process, msSinceProfileStart)` is true (a measured window); idle time left out. Returns the
 * busy total (µs) and the time by area (profileArea) and by function.
 */
export function profileSelfTime(profiles, keep = () => true) {
  const byArea = new Map(), byFn = new Map();
  let total = 0, kept = 0;
  for (const { prof, proc } of profiles) {
    const dt = new Map();
    let clock = 0;
    prof.samples.forEach((id, i) => {
      const d = prof.timeDeltas[i] ?? 0;
      clock += d;
      if (!keep(proc, clock / 1000)) return;
      kept += d;
      dt.set(id, (dt.get(id) ?? 0) + d);
    });
    for (const n of prof.nodes) {
      const us = dt.get(n.id) ?? 0;
      if (!us || n.callFrame.functionName === '(idle)') continue;
      const area = profileArea(n.callFrame);
      total += us;
      byArea.set(area, (byArea.get(area) ?? 0) + us);
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${area}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    }
  }
  return { total, kept, byArea, byFn };
}

/** Shares of a total (µs) by key, largest first: `  12.3%  key`. */
export function topShares(m, total, k) {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([a, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${a}`);
}

// ---------------------------------------------------------------- a logging proxy: SQL and its parameters
// A pass-through TCP proxy in front of PostgreSQL (place-order.mjs, scale.mjs): reads Query, Parse and Bind messages of the PostgreSQL protocol between the engine and the server, so the
// statements one request sends can be explained with the very parameters it sent.
export async function startSqlProxy() {
  let capturing = false, captured = [], seq = 0;
  const sockets = new Set();
  const server = net.createServer((client) => {
    const conn = ++seq;
    const up = net.connect(PG_PORT, PG_HOST);
    sockets.add(client); sockets.add(up);
    let buf = Buffer.alloc(0), started = false;
    const named = new Map();
    const prepared = new Map();
    let lastParse = null;
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
          if (code !== 80877103 && code !== 80877104) started = true;
          continue;
        }
        if (buf.length < 5) break;
        const type = buf[0], len = buf.readInt32BE(1);
        if (buf.length < 1 + len) break;
        const body = buf.subarray(5, 1 + len);
        if (type === 0x51) { // Query: one statement, or the engine's PostgreSQL session's several joined by ';\n'
          for (const sql of body.toString('utf8', 0, body.indexOf(0)).split(';\n')) {
            // The session's prepared shapes: `PREPARE name AS …` once per connection (kept, whether or not
            // capturing), then `EXECUTE name(values)`, captured with the PREPARE that explains it.
            const prep = /^PREPARE (\w+)(?:\s*\([^)]*\))? AS ([\s\S]*)$/.exec(sql);
            if (prep) { prepared.set(prep[1], sql); continue; }
            if (!capturing) continue;
            const exec = /^EXECUTE (\w+)\(/.exec(sql);
            captured.push(exec ? { conn, sql, params: [], prepare: prepared.get(exec[1]) ?? null } : { conn, sql, params: [] });
          }
        }
        else if (type === 0x50) { // Parse: name\0 query\0 …
          const n0 = body.indexOf(0);
          const name = body.toString('utf8', 0, n0);
          const sql = body.toString('utf8', n0 + 1, body.indexOf(0, n0 + 1));
          named.set(name, sql);
          lastParse = sql;
        } else if (type === 0x42) { // Bind: portal\0 statement\0 formats params …
          let o = body.indexOf(0) + 1;
          const s0 = body.indexOf(0, o);
          const stmt = body.toString('utf8', o, s0);
          o = s0 + 1;
          const nf = body.readInt16BE(o); o += 2;
          const formats = [];
          for (let i = 0; i < nf; i++) { formats.push(body.readInt16BE(o)); o += 2; }
          const np = body.readInt16BE(o); o += 2;
          const params = [];
          for (let i = 0; i < np; i++) {
            const l = body.readInt32BE(o); o += 4;
            if (l < 0) { params.push(null); continue; }
            const f = formats.length === 1 ? formats[0] : formats[i] ?? 0;
            params.push(f === 0 ? body.toString('utf8', o, o + l) : body.subarray(o, o + l));
            o += l;
          }
          if (capturing) captured.push({ conn, sql: named.get(stmt) ?? lastParse, params });
        }
        buf = buf.subarray(1 + len);
      }
    });
    up.on('data', (d) => client.write(d));
    const close = () => { client.destroy(); up.destroy(); sockets.delete(client); sockets.delete(up); };
    client.on('error', close); up.on('error', close); client.on('close', close); up.on('close', close);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => { sockets.forEach((s) => s.destroy()); server.close(() => r()); }));
  return { port: server.address().port, begin() { captured = []; capturing = true; }, end() { capturing = false; return captured; } };
}

