#!/usr/bin/env node
// bench/subscriptions: N graphql-ws subscribers (one WebSocket each) on one engine process follow one
// order; a status-changing mutation (holdOrder / releaseOrderHold, alternately) is sent over HTTP, and the
// time from its response to 50 %, 99 % and 100 % of the subscribers hearing the event is measured, with
// the engine's memory idle, with the subscribers connected and after every round (RSS from /proc, V8 heap
// used from the engine's own /metrics), so that growth over many rounds shows.
//
//   node bench/subscriptions.mjs [--sizes 1000,5000,10000] [--rounds 5] [--clients 2] [--build] [--engine dist/src/main.js]
//                                [--node-flags "--trace-gc"] [--heap-every 10] [--engine-env K=V[,K=V]] [--settle 0.5]
//
// --engine-env: more environment for the engine (ORDO_WS_KEEPALIVE_MS=1000, MALLOC_ARENA_MAX=2, …).
// --settle S: seconds after the last round, subscribers still connected, before the "after" memory is read
// (0.5 by default; 20 or more lets V8's memory reducer, which waits for a quiet process, run).
//
// RSS is read from /proc after every round. The V8 heap comes from the engine's /metrics, which costs the
// engine a collection of its default process metrics (with 10,000 sockets: arrays of every open handle and
// resource, some in V8's large-object space, freed only by a full GC): it is scraped after the first and
// the last round and every --heap-every rounds (10; 1 scrapes after every round, as a monitoring system
// scraping every 0.3 s would), not after each of 100 rounds that follow each other in a few seconds.
//
// Starts the compiled engine (dist/src/main.js, or --engine's file: an older build kept aside, to compare;
// built when missing or with --build) on SQLite in a temp folder, on 127.0.0.1 only. Subscribers live in
// --clients worker threads of this process. Writes the report to bench/results/subscriptions.md and every
// round's figures to bench/results/subscriptions-rounds.csv as well, and the engine's output (its warnings,
// or what --node-flags such as `--trace-gc` print) to bench/results/subscriptions-engine.log.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ROOT, sleep, parseArgs, freePort, envPairs } from './lib.mjs';

const now = () => performance.timeOrigin + performance.now();


// ------------------------------------------------------------------ worker thread: the subscribers
async function subscriberThread() {
  const { createClient } = await import('graphql-ws');
  const { default: WebSocket } = await import('ws');
  const { wsUrl, token, orderId } = workerData;
  const clients = [];
  let round = null; // { id, times: [] }
  let received = 0;
  let errors = 0;
  const query = `subscription($id: ID!) { orderEvents(orderId: $id) { type at order { status } } }`;
  const open = (n) => new Promise((resolveAll) => {
    let pending = n;
    for (let i = 0; i < n; i++) {
      const c = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` },
        on: { connected: () => { if (--pending === 0) resolveAll(); } } });
      clients.push(c);
      c.subscribe({ query, variables: { id: orderId } }, {
        next: (r) => {
          if (r.errors) { errors++; return; }
          received++;
          if (round) round.times.push(now());
        },
        error: () => { errors++; },
        complete: () => {},
      });
    }
  });
  parentPort.on('message', async (m) => {
    if (m.type === 'open') {
      const before = clients.length;
      for (let done = 0; done < m.n; done += 250) await open(Math.min(250, m.n - done));
      parentPort.postMessage({ type: 'opened', n: clients.length - before });
    } else if (m.type === 'round') {
      round = { id: m.id, times: [] };
      parentPort.postMessage({ type: 'armed' });
    } else if (m.type === 'collect') {
      const deadline = Date.now() + m.timeoutMs;
      while (round.times.length < m.expect && Date.now() < deadline) await sleep(5);
      parentPort.postMessage({ type: 'times', times: round.times, errors });
      round = null;
    } else if (m.type === 'close') {
      await Promise.all(clients.map((c) => c.dispose()));
      clients.length = 0;
      parentPort.postMessage({ type: 'closed' });
    }
  });
  parentPort.postMessage({ type: 'ready' });
}

// ------------------------------------------------------------------ main thread
function args() {
  const o = { sizes: '1000,5000,10000', rounds: '5', clients: String(Math.max(1, Math.min(2, cpus().length))), ...parseArgs(process.argv.slice(2), ['build'], { bare: true }) };
  return { sizes: o.sizes.split(',').map(Number), rounds: Number(o.rounds), threads: Number(o.clients), build: !!o.build, engine: o.engine ? resolve(o.engine) : join(ROOT, 'dist/src/main.js'), nodeFlags: o['node-flags'] ? String(o['node-flags']).split(/\s+/).filter(Boolean) : [], heapEvery: Math.max(1, Number(o['heap-every'] ?? 10)), settleMs: Math.max(0, Number(o.settle ?? 0.5)) * 1000, engineEnv: envPairs(o['engine-env']) };
}

async function gql(url, query, variables, token) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const body = await r.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};
/** The engine's V8 heap in use and its memory outside the heap (Buffers), in MB, from its /metrics (prom-client's process metrics). */
async function heapMb(base, token) {
  try {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const mb = (name) => { const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text); return m ? Math.round(Number(m[1]) / 1048576) : NaN; };
    return { heap: mb('ordo_nodejs_heap_size_used_bytes'), external: mb('ordo_nodejs_external_memory_bytes') };
  } catch { return { heap: NaN, external: NaN }; }
}
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const o = args();
  if (o.build || !existsSync(o.engine)) {
    console.error('building dist/ …');
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-bench-subs-'));
  const port = await freePort();
  const ADMIN = 'bench-subscriptions-admin-key-0123456789';
  const METRICS = 'bench-subscriptions-metrics-token-0123';
  const engine = spawn(process.execPath, [...o.nodeFlags, o.engine], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production', ORDO_MIGRATE_ON_START: 'true', ADMIN_API_KEY: ADMIN, ORDO_DATA_DIR: dataDir, ORDO_SEED_DEMO: '0', LOG_LEVEL: 'warn', ORDO_METRICS_TOKEN: METRICS, ...o.engineEnv },
  });
  let log = '';
  engine.stdout.on('data', (d) => (log += d));
  engine.stderr.on('data', (d) => (log += d));
  const workers = [];
  const cleanup = async () => {
    await Promise.all(workers.map((w) => w.terminate().catch(() => {})));
    if (engine.exitCode === null) engine.kill('SIGTERM');
    await Promise.race([new Promise((r) => engine.once('exit', r)), sleep(10_000)]);
    if (engine.exitCode === null) engine.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/subscriptions-engine.log'), log);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const url = `http://127.0.0.1:${port}/graphql`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try { if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) break; } catch {}
      if (Date.now() > deadline || engine.exitCode !== null) throw new Error(`engine not ready\n${log}`);
      await sleep(100);
    }
    const a = (q, v) => gql(url, q, v, ADMIN);
    await a(`mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, { i: { code: 'wh', name: 'WH', kind: 'WAREHOUSE', countryCode: 'DE', priority: 1, autoFulfill: false } });
    await a(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i: { name: 'Bench', variants: [{ sku: 'B-1', name: 'B', price: 1000, currencyCode: 'EUR', allowBackorder: false, trackInventory: true }] } });
    await a(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'B-1', locationCode: 'wh', delta: 100, reason: 'RECEIVED' } });
    await a(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, { i: { code: 'std', name: 'Std', carrierCode: 'sim', price: 0, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 2 } });
    await a(`mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'DE', ratePercent: 19 } });
    const placed = (await gql(url, `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { accessToken order { id status } } }`, {
      input: { email: 'bench@example.com', lines: [{ sku: 'B-1', quantity: 1 }], shippingAddress: { name: 'B', line1: 'x', city: 'Berlin', postalCode: '10115', countryCode: 'DE' }, shippingMethodCode: 'std', payment: { method: 'test-card', token: 'tok_visa' } },
    })).placeOrder;
    const orderId = placed.order.id;
    await sleep(1500); // routing jobs of the placed order settle
    const idleRss = rssMb(engine.pid);
    const idleHeap = (await heapMb(`http://127.0.0.1:${port}`, METRICS)).heap;
    const memory = async () => ({ rss: rssMb(engine.pid), ...(await heapMb(`http://127.0.0.1:${port}`, METRICS)) });
    const csv = ['subscribers,round,p50_ms,p99_ms,p100_ms,heard,rss_mb,heap_used_mb,external_mb'];

    for (let i = 0; i < o.threads; i++) {
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { wsUrl: `ws://127.0.0.1:${port}/graphql`, token: placed.accessToken, orderId } });
      await new Promise((r) => w.once('message', r));
      workers.push(w);
    }
    const ask = (w, msg, type) => new Promise((r) => { const h = (m) => { if (m.type === type) { w.off('message', h); r(m); } }; w.on('message', h); w.postMessage(msg); });

    let hold = true;
    let connected = 0;
    const rows = [];
    for (const n of o.sizes) {
      const t0 = Date.now();
      const add = n - connected;
      await Promise.all(workers.map((w, i) => ask(w, { type: 'open', n: Math.floor(add / workers.length) + (i < add % workers.length ? 1 : 0) }, 'opened')));
      connected = n;
      const connectS = (Date.now() - t0) / 1000;
      await sleep(1000);
      const atConnect = await memory();
      const lat = [];
      const mem = [];
      let complete = 0;
      for (let r = 0; r <= o.rounds; r++) {
        await Promise.all(workers.map((w) => ask(w, { type: 'round', id: r }, 'armed')));
        const m = hold ? `mutation($id: ID!) { holdOrder(id: $id, reason: "bench") { status } }` : `mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`;
        hold = !hold;
        await a(m, { id: orderId });
        const responded = now();
        const per = await Promise.all(workers.map((w, i) => ask(w, { type: 'collect', expect: Math.floor(n / workers.length) + (i < n % workers.length ? 1 : 0), timeoutMs: 30_000 }, 'times')));
        const times = per.flatMap((p) => p.times).map((t) => t - responded).sort((x, y) => x - y);
        if (r === 0) continue; // warm-up round: every subscriber is registered
        if (times.length === n) complete++;
        const l = { p50: pct(times, 50), p99: pct(times, 99), p100: times[times.length - 1], heard: times.length };
        lat.push(l);
        const mm = r === 1 || r === o.rounds || r % o.heapEvery === 0 ? await memory() : { rss: rssMb(engine.pid), heap: NaN, external: NaN };
        mem.push(mm);
        csv.push([n, r, l.p50?.toFixed(1), l.p99?.toFixed(1), l.p100?.toFixed(1), l.heard, mm.rss, Number.isNaN(mm.heap) ? '' : mm.heap, Number.isNaN(mm.external) ? '' : mm.external].join(','));
        if (r === 1 || r % 10 === 0 || r === o.rounds) console.error(`N=${n} round ${r}: p50 ${l.p50?.toFixed(1)} ms, p99 ${l.p99?.toFixed(1)} ms, 100% ${l.p100?.toFixed(1)} ms, heard ${l.heard}; RSS ${mm.rss} MB, heap used ${mm.heap} MB, external ${mm.external} MB`);
      }
      await sleep(o.settleMs);
      const med = (k) => { const v = lat.map((x) => x[k]).sort((x, y) => x - y); return v[Math.floor(v.length / 2)]; };
      const after = await memory();
      const series = (k) => { const v = mem.map((x) => x[k]).filter((x) => !Number.isNaN(x)); return { first: v[0], last: v[v.length - 1], max: Math.max(...v) }; };
      const row = {
        n, connectS, p50: med('p50'), p99: med('p99'), p100: med('p100'), worst99: Math.max(...lat.map((x) => x.p99)), worst100: Math.max(...lat.map((x) => x.p100)), heardAll: `${complete}/${o.rounds}`,
        idleRss, rss: atConnect.rss, rssRounds: series('rss'), afterRss: after.rss, idleHeap, heap: atConnect.heap, heapRounds: series('heap'), afterHeap: after.heap,
      };
      rows.push(row);
      console.error(`N=${n}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, 100% ${row.p100.toFixed(1)} ms; RSS ${row.rss} MB connected, rounds ${row.rssRounds.first}/${row.rssRounds.last}/${row.rssRounds.max} MB (first/last/max), ${o.settleMs / 1000} s after ${row.afterRss} MB`);
    }
    const fmt = (x) => x.toFixed(1);
    const report = [
      `# bench/subscriptions — ${new Date().toISOString()}`,
      '',
      `Engine: one process (\`node dist/src/main.js\`, SQLite, in-process pub/sub), ${cpus().length} CPUs shared with ${o.threads} client thread(s) holding the sockets.`,
      `Each subscriber is its own WebSocket (graphql-ws, order access token) running \`orderEvents(orderId)\` on the same order; a round is one holdOrder/releaseOrderHold over HTTP. Times from the mutation's HTTP response to the event arriving at the client; median of ${o.rounds} rounds (after one warm-up round).`,
      '',
      '| subscribers | connect (s) | 50 % (ms) | 99 % (ms) | 100 % (ms) | worst 99 % (ms) | worst 100 % (ms) | rounds all heard |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.n} | ${r.connectS.toFixed(1)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.p100)} | ${fmt(r.worst99)} | ${fmt(r.worst100)} | ${r.heardAll} |`),
      '',
      `Memory in MB (RSS; V8 heap used, from the engine's /metrics): idle before any subscriber, with N connected, after each of the ${o.rounds} rounds (first / last / max; the heap after the first, the last and every ${o.heapEvery} rounds), and ${o.settleMs / 1000} s after the last round.`,
      '',
      '| subscribers | RSS idle | RSS connected | RSS rounds first / last / max | RSS after | heap idle | heap connected | heap rounds first / last / max | heap after |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.n} | ${r.idleRss} | ${r.rss} | ${r.rssRounds.first} / ${r.rssRounds.last} / ${r.rssRounds.max} | ${r.afterRss} | ${r.idleHeap} | ${r.heap} | ${r.heapRounds.first} / ${r.heapRounds.last} / ${r.heapRounds.max} | ${r.afterHeap} |`),
      '',
      'Every round: `bench/results/subscriptions-rounds.csv`.',
      '',
    ].join('\n');
    console.log(report);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/subscriptions.md'), report);
    writeFileSync(join(ROOT, 'bench/results/subscriptions-rounds.csv'), `${csv.join('\n')}\n`);
  } finally {
    await cleanup();
  }
}

if (!isMainThread) await subscriberThread();
else await main();
