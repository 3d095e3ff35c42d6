#!/usr/bin/env node
// The orders CSV export (docs/exports.md) at scale: resident memory stays flat while a big export streams.
//   node bench/export.mjs [--orders 200000] [--seed] [--database postgres://postgres@127.0.0.1:5432/ordo_scale_export]
//                         [--bound-mb 60] [--stall-s 5] [--filter '{"channelCode":"web-eu"}'] [--port 4640] [--build]
// 1. With --seed, fills the database with `bench/seed-orders.mjs --orders N --customers N/10` first (the
//    database is dropped and made again; its name must start with ordo_scale). Without it, the database must
//    already hold seeded orders.
// 2. Starts the compiled engine on it (workers off, as bench/scale.mjs does), asks exportOrders for a link
//    and downloads it at full speed to the end, sampling the engine's RSS (VmRSS of /proc/<pid>/status)
//    every 100 ms; counts rows and checks them against the database's count for the filter (no filter: all).
// 3. A stalled client: a second download reads 1 MB, then stops reading for --stall-s seconds while RSS
//    is sampled: the engine must wait for the socket to drain, not buffer the rest of the export.
// Asserts: RSS growth from the first 10 % of the download to its end (the highest sample after the first
// 10 % minus the median of the first 10 %) and during the stall stays under --bound-mb; the CSV has every
// row. Prints rows/s, MB/s and the RSS series summary; writes bench/results/export.md.
import { readFileSync } from 'node:fs';
import {
  ROOT, requireFromRoot, log, sleep, parseArgs, cleanups, initCleanup, tempDir, startChild, stopChild, waitReady,
  freePort, ensureBuilt, engineBaseEnv, admin, must, runBench, newReport, loadavgText,
} from './lib.mjs';

process.chdir(ROOT);
const pg = requireFromRoot('pg');

const A = parseArgs(process.argv.slice(2), ['build', 'seed']);
const ORDERS = Number(A.orders ?? 200_000);
const DB_URL = String(A.database ?? 'postgres://postgres@127.0.0.1:5432/ordo_scale_export');
const BOUND_MB = Number(A['bound-mb'] ?? 60);
const STALL_S = Number(A['stall-s'] ?? 5);
const FILTER = A.filter ? JSON.parse(String(A.filter)) : null;
const WANT_PORT = Number(A.port ?? 4640);
const dbName = new URL(DB_URL).pathname.slice(1);
if (!/^ordo_scale\w*$/.test(dbName) || !(ORDERS >= 0) || !(BOUND_MB > 0)) {
  console.error('usage: node bench/export.mjs [--orders 200000] [--seed] [--database postgres://…/ordo_scale_export] [--bound-mb 60] [--stall-s 5] [--filter JSON] [--build]');
  process.exit(2);
}

const ctx = { startedAt: new Date().toISOString() };
initCleanup({ logStops: true });

const rssKb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch { return NaN; }
};
const mb = (kb) => (kb / 1024).toFixed(1);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

/** Samples the pid's RSS every 100 ms until stopped: [{ t (ms since start), kb, bytes (read so far) }]. */
function sampler(pid, progress) {
  const t0 = performance.now();
  const samples = [];
  const take = () => samples.push({ t: performance.now() - t0, kb: rssKb(pid), bytes: progress() });
  take();
  const timer = setInterval(take, 100);
  return { samples, stop: () => { clearInterval(timer); take(); return samples; } };
}

async function seed() {
  log(`seeding ${ORDERS} orders into ${dbName} (bench/seed-orders.mjs)`);
  const child = startChild(['bench/seed-orders.mjs', '--orders', String(ORDERS), '--customers', String(Math.max(1, Math.round(ORDERS / 10))), '--database', DB_URL], {}, 'seed');
  const t0 = performance.now();
  const { code } = await child.exited;
  const tail = child.lines.slice(-25).map((l) => l.line);
  ctx.seed = [`${ORDERS} orders seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`];
  if (code !== 0) throw new Error(`seed-orders exited with ${code}:\n${tail.join('\n')}`);
}

/** The orders the filter selects, counted by the database (the export's row count must equal it). */
async function expectedRows(c) {
  const where = [], params = [];
  if (FILTER?.channelCode) { params.push(FILTER.channelCode); where.push(`channel_id = (SELECT id FROM channel WHERE code = $${params.length})`); }
  if (FILTER?.status?.length) { params.push(FILTER.status); where.push(`status = ANY($${params.length})`); }
  if (FILTER?.placedAfter) { params.push(FILTER.placedAfter); where.push(`placed_at >= $${params.length}`); }
  if (FILTER?.placedBefore) { params.push(FILTER.placedBefore); where.push(`placed_at < $${params.length}`); }
  const r = await c.query(`SELECT COUNT(*)::int AS n FROM orders${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params);
  return r.rows[0].n;
}

await runBench(ctx, 'export.md', async () => {
  ctx.loadavg = loadavgText();
  ctx.staleNote = await ensureBuilt(A.build);
  if (ctx.staleNote) log(ctx.staleNote);
  if (A.seed) await seed();
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  cleanups.push(() => c.end());
  ctx.expected = await expectedRows(c);
  ctx.db = `${dbName}: ${(await c.query('SELECT COUNT(*)::int AS n FROM orders')).rows[0].n} orders, ${ctx.expected} selected by the filter ${JSON.stringify(FILTER ?? {})}`;
  log(ctx.db);

  const port = await freePort(WANT_PORT);
  const env = {
    ...engineBaseEnv(tempDir('ordo-export-')), DATABASE_URL: DB_URL, PORT: String(port), LOG_LEVEL: 'warn',
    ORDO_DISABLE_WORKERS: '1',
  };
  const engine = startChild(['dist/src/main.js'], { env }, 'engine');
  const base = `http://127.0.0.1:${port}`;
  await waitReady(engine, base);
  const pid = engine.pid;
  const newLink = async () => must(await admin(`${base}/graphql`, `mutation($f: OrderFilter) { exportOrders(filter: $f) { url fileName } }`, { f: FILTER }), 'exportOrders').exportOrders;

  // Warm-up: the first 64 KB of an export (the first request compiles and caches what every request uses).
  {
    const ac = new AbortController();
    const res = await fetch(`${base}${(await newLink()).url}`, { signal: ac.signal });
    const reader = res.body.getReader();
    for (let got = 0; got < 65536;) { const { done, value } = await reader.read(); if (done) break; got += value.length; }
    ac.abort();
    await reader.cancel().catch(() => {});
  }
  await sleep(1000);
  ctx.idleKb = rssKb(pid);

  // 1. The full download, read as fast as it comes.
  {
    const { url, fileName } = await newLink();
    let bytes = 0, newlines = 0;
    const s = sampler(pid, () => bytes);
    const t0 = performance.now();
    const res = await fetch(`${base}${url}`);
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    ctx.contentType = res.headers.get('content-type');
    ctx.fileName = fileName;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) newlines++;
    }
    const seconds = (performance.now() - t0) / 1000;
    const samples = s.stop();
    const rows = newlines - 1; // the header
    const cut = samples[samples.length - 1].t * 0.1;
    const first = samples.filter((x) => x.t <= cut).map((x) => x.kb);
    const rest = samples.filter((x) => x.t > cut).map((x) => x.kb);
    const baseKb = median(first);
    const peakAfter = Math.max(...rest);
    ctx.full = {
      rows, bytes, seconds, rowsPerS: rows / seconds, mbPerS: bytes / 1048576 / seconds, samples: samples.length,
      baseKb, peakAfter, growthKb: peakAfter - baseKb, minKb: Math.min(...samples.map((x) => x.kb)), maxKb: Math.max(...samples.map((x) => x.kb)),
      endKb: samples[samples.length - 1].kb,
      // Ten points of the series: time, RSS, how far the download was.
      series: Array.from({ length: 10 }, (_, i) => samples[Math.min(samples.length - 1, Math.round((i + 1) * (samples.length - 1) / 10))])
        .map((x) => `${(x.t / 1000).toFixed(1)}s ${mb(x.kb)} MB (${(x.bytes / 1048576).toFixed(0)} MB read)`),
    };
    log(`full: ${rows} rows, ${(bytes / 1048576).toFixed(1)} MB in ${seconds.toFixed(1)} s; RSS ${mb(baseKb)} → peak ${mb(peakAfter)} MB`);
  }

  // 2. A client that stops reading: the engine must wait (drain), not buffer the export.
  {
    const { url } = await newLink();
    let bytes = 0;
    const ac = new AbortController();
    const res = await fetch(`${base}${url}`, { signal: ac.signal });
    const reader = res.body.getReader();
    while (bytes < 1 << 20) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    const s = sampler(pid, () => bytes);
    await sleep(STALL_S * 1000);
    const samples = s.stop();
    ac.abort();
    await reader.cancel().catch(() => {});
    ctx.stall = { readBytes: bytes, startKb: samples[0].kb, maxKb: Math.max(...samples.map((x) => x.kb)), growthKb: Math.max(...samples.map((x) => x.kb)) - samples[0].kb };
    log(`stalled client: RSS ${mb(ctx.stall.startKb)} → max ${mb(ctx.stall.maxKb)} MB over ${STALL_S} s`);
    await sleep(500);
  }
  ctx.engineAliveKb = rssKb(pid);
  await stopChild(engine, 5000);

  const problems = [];
  if (ctx.full.rows !== ctx.expected) problems.push(`the CSV has ${ctx.full.rows} rows, the database ${ctx.expected}`);
  if (ctx.full.growthKb > BOUND_MB * 1024) problems.push(`RSS grew ${mb(ctx.full.growthKb)} MB after the first 10 % of the download (bound ${BOUND_MB} MB)`);
  if (ctx.stall.growthKb > BOUND_MB * 1024) problems.push(`RSS grew ${mb(ctx.stall.growthKb)} MB while the client stalled (bound ${BOUND_MB} MB)`);
  if (problems.length) throw new Error(problems.join('; '));
  ctx.passed = true;
}, () => {
  const r = newReport();
  r.block('Setup', [
    `node bench/export.mjs ${process.argv.slice(2).join(' ')}`,
    `started ${ctx.startedAt}; load average at start ${ctx.loadavg}`,
    ...(ctx.staleNote ? [ctx.staleNote] : []),
    ...(ctx.db ? [ctx.db] : []),
    ...(ctx.seed ?? []),
  ]);
  if (ctx.full) {
    const f = ctx.full;
    r.block('Full download', [
      `${f.rows} rows, ${(f.bytes / 1048576).toFixed(1)} MB, ${f.seconds.toFixed(1)} s: ${Math.round(f.rowsPerS)} rows/s, ${f.mbPerS.toFixed(1)} MB/s (${ctx.contentType}, ${ctx.fileName})`,
      `engine RSS idle before: ${mb(ctx.idleKb)} MB; over the download (${f.samples} samples, every 100 ms): min ${mb(f.minKb)}, max ${mb(f.maxKb)}, end ${mb(f.endKb)} MB`,
      `growth: median of the first 10 % ${mb(f.baseKb)} MB → highest after it ${mb(f.peakAfter)} MB = ${mb(f.growthKb)} MB (bound ${BOUND_MB} MB)`,
      'series (time, RSS, read so far):', ...f.series.map((x) => `  ${x}`),
    ]);
  }
  if (ctx.stall) r.block('Stalled client', [`read ${(ctx.stall.readBytes / 1048576).toFixed(1)} MB, then nothing for ${STALL_S} s: RSS ${mb(ctx.stall.startKb)} → max ${mb(ctx.stall.maxKb)} MB (growth ${mb(ctx.stall.growthKb)} MB)`]);
  r.block('Result', [ctx.passed ? 'PASS' : `FAIL${ctx.failure ? `: ${ctx.failure.split('\n')[0]}` : ''}`]);
  return r.done();
});
