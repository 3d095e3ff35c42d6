#!/usr/bin/env node
// Reads on a big database while placeOrder goes on: latency of the admin and storefront order queries and
// their PostgreSQL plans, and placeOrder's latency on the big database (with and without the reads) beside
// an empty one with the same catalog.
//   node bench/scale.mjs [--database postgres://postgres@127.0.0.1:5432/ordo_scale] [--duration 10] [--warmup 3]
//                        [--place-clients 8] [--place-rate 100] [--read-clients 1] [--empty 1] [--port 4640] [--build]
// The database comes from `node bench/seed-orders.mjs` (run it first). Prints a report and writes it to
// bench/results/scale.md. See bench/README.md.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, RESULTS, requireFromRoot, log, sleep, oneLine, parseArgs, cleanups, initCleanup, tempDir, startChild, stopChild,
  waitReady, freePort, adminSql, ensureBuilt, engineBaseEnv, gql, admin, must, newReport, runBench, loadavgText, machineBusy,
  waitQuiet, PG_HOST, PG_PORT, startSqlProxy,
} from './lib.mjs';

process.chdir(ROOT);
const pg = requireFromRoot('pg');

const A = parseArgs(process.argv.slice(2), ['build']);
const DB_URL = String(A.database ?? 'postgres://postgres@127.0.0.1:5432/ordo_scale');
const DURATION = Number(A.duration ?? 10);
const WARMUP = Number(A.warmup ?? 3);
const PLACE_CLIENTS = Number(A['place-clients'] ?? 8);
const PLACE_RATE = Number(A['place-rate'] ?? 100); // orders per second over all clients (0: as fast as they go)
const READ_CLIENTS = Number(A['read-clients'] ?? 1);
const EMPTY = (A.empty ?? '1') !== '0';
const WANT_PORT = Number(A.port ?? 4640);
const TARGET_P50_MS = 20;
const dbName = new URL(DB_URL).pathname.slice(1);
const EMPTY_DB = `${dbName}_empty`;
const emptyUrl = (() => { const u = new URL(DB_URL); u.pathname = `/${EMPTY_DB}`; return u.toString(); })();
if (!(DURATION > 0) || !(PLACE_CLIENTS >= 1) || !(PLACE_RATE >= 0) || !(READ_CLIENTS >= 1) || !/^ordo_scale\w*$/.test(dbName)) {
  console.error('usage: node bench/scale.mjs [--database postgres://postgres@127.0.0.1:5432/ordo_scale…] [--duration 10] [--warmup 3] [--place-clients 8] [--place-rate 100] [--read-clients 1] [--empty 0|1] [--build]');
  process.exit(2);
}

const ctx = { startedAt: new Date().toISOString() };
initCleanup({ logStops: true });

// ---------------------------------------------------------------- engine
async function startEngine({ dbUrl, name, port }) {
  const env = {
    ...engineBaseEnv(tempDir('ordo-scale-')), DATABASE_URL: dbUrl, PORT: String(port), LOG_LEVEL: 'warn',
    ORDO_DISABLE_WORKERS: '1', DATABASE_POOL_SIZE: '40',
  };
  const child = startChild(['dist/src/main.js'], { env }, name);
  const base = `http://127.0.0.1:${port}`;
  await waitReady(child, base);
  return { child, base, url: `${base}/graphql` };
}

// ---------------------------------------------------------------- what the bench asks
const FIELDS = 'id number status total currencyCode placedAt email';
const Q = {
  adminList: `query AdminOrders($f: OrderFilter) { orders(first: 20, filter: $f) { nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } } }`,
  customerOrders: `query MyOrders { me { orders(first: 10) { totalCount nodes { ${FIELDS} lines { sku quantity } } pageInfo { hasNextPage endCursor } } } }`,
  byNumber: `query ByNumber($c: String, $n: String!) { orderByNumber(channelCode: $c, number: $n) { ${FIELDS} lines { sku quantity quantityShipped } payments { status amount refunds { amount } } history { type at } returns { number status } } }`,
  count: `query OrderCount($f: OrderFilter) { orders(first: 0, filter: $f) { totalCount } }`,
  returns: `query OrdersWithReturns($f: OrderFilter) { orders(first: 20, filter: $f) { nodes { number returns { number status refundTotal lines { quantity reason quantityReceived } } } } }`,
  deep: `query Deep($id: ID!) { order(id: $id) { ${FIELDS} paymentStatus updatedAt channel { code } customer { email } shippingAddress { city countryCode }
    lines { sku quantity quantityShipped quantityReturned } payments { status amount amountCaptured amountRefunded refunds { amount status } }
    history { type at fromStatus toStatus message actor } shipments { status trackingNumber shippedAt deliveredAt lines { quantity } events { status at } }
    returns { number status refundTotal lines { quantity reason disposition } } } }`,
};
const STATUS_SETS = [['DELIVERED'], ['SHIPPED'], ['CONFIRMED', 'ON_HOLD'], ['CANCELLED'], ['IN_FULFILLMENT', 'CONFIRMED', 'ON_HOLD']];

async function sampleData(c) {
  const q = async (sql, p) => (await c.query(sql, p)).rows;
  const [range] = await q('SELECT min(placed_at) AS a, max(placed_at) AS b, count(*)::int AS n FROM orders');
  if (!range.n) throw new Error(`${dbName} has no orders: run node bench/seed-orders.mjs first`);
  const channels = (await q('SELECT code FROM channel ORDER BY code')).map((r) => r.code);
  const numbers = await q(`SELECT c.code, o.number, o.id FROM orders o TABLESAMPLE SYSTEM (2) JOIN channel c ON c.id = o.channel_id LIMIT 3000`);
  const heavy = (await q(`SELECT customer_id FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id ORDER BY count(*) DESC LIMIT 50`)).map((r) => r.customer_id);
  const some = (await q(`SELECT DISTINCT customer_id FROM orders TABLESAMPLE SYSTEM (1) WHERE customer_id IS NOT NULL LIMIT 250`)).map((r) => r.customer_id);
  const custOrders = await q(`SELECT count(*)::int AS n FROM orders WHERE customer_id = ANY($1) GROUP BY customer_id ORDER BY 1 DESC`, [[...heavy, ...some]]);
  // Customer sessions for the storefront query, made here and deleted at the end.
  const sessions = [];
  for (const id of [...new Set([...heavy, ...some])]) {
    const token = `cs_${randomBytes(24).toString('base64url')}`;
    const sid = `ses_scale_${randomBytes(8).toString('hex')}`;
    sessions.push({ sid, id, token, hash: (await import('node:crypto')).createHash('sha256').update(token).digest('base64url') });
  }
  await c.query(`INSERT INTO customer_session (id, customer_id, token_hash, expires_at, created_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS s(id, customer_id, token_hash), LATERAL (SELECT now() + interval '1 day', now()) t`,
  [sessions.map((s) => s.sid), sessions.map((s) => s.id), sessions.map((s) => s.hash)]);
  cleanups.push(async () => {
    const d = new pg.Client({ connectionString: DB_URL });
    await d.connect();
    try { await d.query('DELETE FROM customer_session WHERE id = ANY($1)', [sessions.map((s) => s.sid)]); } finally { await d.end(); }
  });
  const from = new Date(range.a).getTime(), to = new Date(range.b).getTime();
  return { channels, numbers, sessions, from, to, total: range.n, custOrders: custOrders.map((r) => r.n) };
}

const pickOf = (xs) => xs[Math.floor(Math.random() * xs.length)];
function randomFilter(s, { days = 30, recent = false } = {}) {
  const span = days * 86_400_000;
  const latest = recent ? Date.now() : s.from + span + Math.random() * (s.to - s.from - span);
  return { status: pickOf(STATUS_SETS), channelCode: pickOf(s.channels), placedAfter: new Date(latest - span).toISOString(), placedBefore: new Date(latest).toISOString() };
}
/** Each kind of read: one request, with fresh random arguments every time. */
function readKinds(url, s) {
  const ok = (r, what) => { if (r.status !== 200 || r.body.errors?.length) throw new Error(`${what}: HTTP ${r.status} ${oneLine(JSON.stringify(r.body.errors ?? r.body), 300)}`); return r.body.data; };
  return {
    'admin orders: first page, status + channel + the last 30 days': async () => ok(await admin(url, Q.adminList, { f: randomFilter(s, { recent: true }) }), 'adminList'),
    'admin orders: first page, status + channel + a 30-day window anywhere in the year': async () => ok(await admin(url, Q.adminList, { f: randomFilter(s) }), 'adminList'),
    "customer's own orders (me.orders, first 10, totalCount)": async () => {
      const d = ok(await gql(url, Q.customerOrders, undefined, { token: pickOf(s.sessions).token }), 'customerOrders');
      if (!d.me) throw new Error('me is null: the session was not accepted');
      return d;
    },
    orderByNumber: async () => {
      const n = pickOf(s.numbers);
      const d = ok(await admin(url, Q.byNumber, { c: n.code, n: n.number }), 'byNumber');
      if (!d.orderByNumber) throw new Error(`orderByNumber ${n.code} ${n.number}: null`);
      return d;
    },
    'orders.totalCount: status + channel + 30-day range': async () => ok(await admin(url, Q.count, { f: randomFilter(s) }), 'count'),
    'returns of a page of 20 delivered orders (order.returns)': async () => ok(await admin(url, Q.returns, { f: { ...randomFilter(s), status: ['DELIVERED'] } }), 'returns'),
  };
}

// ---------------------------------------------------------------- placeOrder in the background
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id number status } } }`;
const SHOP = [ // channel, SKU prefix, shipping method, address (bench/seed-orders.mjs's catalog)
  { ch: 'default', sku: 'EU', method: 'standard', addr: { name: 'Bench Buyer', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' } },
  { ch: 'marketplace', sku: 'EU', method: 'standard', addr: { name: 'Bench Buyer', line1: 'Rue de la Paix 2', city: 'Paris', postalCode: '75001', countryCode: 'FR' } },
  { ch: 'us-web', sku: 'US', method: 'standard-us', addr: { name: 'Bench Buyer', line1: '1 Main St', city: 'Austin', postalCode: '73301', countryCode: 'US' } },
  { ch: 'uk-web', sku: 'UK', method: 'standard-uk', addr: { name: 'Bench Buyer', line1: '1 High Street', city: 'London', postalCode: 'SW1A 1AA', countryCode: 'GB' } },
];
function placeInput() {
  const s = pickOf(SHOP);
  const n = Math.random() < 0.7 ? 1 : 2;
  const skus = new Set();
  while (skus.size < n) skus.add(`${s.sku}-${String(Math.floor(Math.random() * 300)).padStart(4, '0')}`);
  return { channelCode: s.ch, email: `scale-bench-${Math.floor(Math.random() * 1000)}@example.org`, lines: [...skus].map((sku) => ({ sku, quantity: 1 })),
    shippingAddress: s.addr, shippingMethodCode: s.method, payment: { method: 'test-card', token: 'tok_visa' } };
}

/** placeOrder from PLACE_CLIENTS clients at PLACE_RATE per second in all (an open loop: a slow answer does not slow the schedule). */
function placeLoad(url) {
  const samples = [], errors = new Map();
  let stop = false, started = performance.now(), sent = 0;
  const interval = PLACE_RATE > 0 ? 1000 / PLACE_RATE : 0;
  const runs = Array.from({ length: PLACE_CLIENTS }, async () => {
    while (!stop) {
      let due = started + sent * interval;
      sent++;
      if (interval) { const wait = due - performance.now(); if (wait > 0) await sleep(wait); else due = performance.now(); }
      if (stop) break;
      const t = performance.now();
      try {
        const r = await gql(url, PLACE, { input: placeInput() });
        const e = r.body.errors?.[0];
        if (r.status !== 200 || e) { const m = `${e?.extensions?.code ?? r.status} ${oneLine(e?.message ?? '', 120)}`; errors.set(m, (errors.get(m) ?? 0) + 1); continue; }
      } catch (e) { const m = oneLine(e.message, 120); errors.set(m, (errors.get(m) ?? 0) + 1); continue; }
      const end = performance.now();
      samples.push({ at: end, ms: end - (interval ? Math.min(t, due) : t) });
    }
  });
  return {
    /** Latencies (ms) of orders that ended inside [a, b) (performance.now() times). */
    between: (a, b) => samples.filter((x) => x.at >= a && x.at < b).map((x) => x.ms),
    errors,
    async stop() { stop = true; await Promise.all(runs); },
  };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const p = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
  return { n: s.length, p50: p(0.5), p95: p(0.95), p99: p(0.99), max: s.at(-1) ?? NaN };
}
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');

/** Runs `fn` from `clients` loops for the warm-up, then DURATION seconds; latencies of the measured part. */
async function measure(fn, clients) {
  const t0 = performance.now(), from = t0 + WARMUP * 1000, to = from + DURATION * 1000;
  const lat = [];
  let errors = 0, firstError = null;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < to) {
      const t = performance.now();
      try { await fn(); } catch (e) { errors++; firstError ??= e.message; await sleep(5); continue; }
      const now = performance.now();
      if (t >= from) lat.push(now - t);
    }
  }));
  return { ...stats(lat), errors, firstError, window: [from, to] };
}

// ---------------------------------------------------------------- plans
async function bigTables(c) {
  return new Map((await c.query(`SELECT relname, reltuples::bigint AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples > 10000`)).rows.map((r) => [r.relname, Number(r.n)]));
}
async function explainAll(c, statements, big) {
  const out = [];
  for (const st of statements) {
    if (!st.sql || /^\s*(begin|commit|rollback|set|show|select 1\b)/i.test(st.sql)) continue;
    const isSelect = /^\s*(select|with)\b/i.test(st.sql) && !/\b(insert|update|delete)\b/i.test(st.sql);
    let plan;
    try {
      await c.query('BEGIN');
      plan = (await c.query(`EXPLAIN (${isSelect ? 'ANALYZE, BUFFERS, ' : ''}COSTS true) ${st.sql}`, st.params)).rows.map((r) => r['QUERY PLAN']);
    } catch (e) { plan = [`(EXPLAIN failed: ${e.message})`]; }
    finally { await c.query('ROLLBACK').catch(() => {}); }
    const seq = plan.map((l) => /Seq Scan on (\w+)/.exec(l)?.[1]).filter((t) => t && big.has(t));
    out.push({ sql: st.sql, params: st.params, plan, seqBig: seq });
  }
  return out;
}

// ---------------------------------------------------------------- main
await runBench(ctx, 'scale.md', async () => {
  ctx.loadavg = loadavgText();
  ctx.staleNote = await ensureBuilt(A.build);
  if (ctx.staleNote) log(ctx.staleNote);
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  cleanups.push(() => c.end());
  const s = await sampleData(c);
  ctx.db = `${dbName}: ${s.total} orders, placed ${new Date(s.from).toISOString()} … ${new Date(s.to).toISOString()}; customers of the storefront query have ${Math.min(...s.custOrders)}…${Math.max(...s.custOrders)} orders`;
  const big = await bigTables(c);

  // 1. Plans: an engine behind the logging proxy answers each read once (after a warm-up request).
  {
    const proxy = await startSqlProxy();
    const e = await startEngine({ dbUrl: `postgres://postgres@127.0.0.1:${proxy.port}/${dbName}`, name: 'engine-trace', port: await freePort(WANT_PORT + 1) });
    const kinds = readKinds(e.url, s);
    ctx.plans = [];
    for (const [label, fn] of Object.entries(kinds)) {
      await fn();
      proxy.begin();
      await fn();
      const statements = proxy.end();
      ctx.plans.push({ label, explained: await explainAll(c, statements, big) });
    }
    // Every seeded order reads back: the deep query on a sample of orders, no errors.
    let deepOk = 0;
    const deepErr = [];
    for (const n of s.numbers.slice(0, 200)) {
      const r = await admin(e.url, Q.deep, { id: n.id });
      if (r.status === 200 && !r.body.errors?.length && r.body.data?.order?.id === n.id) deepOk++;
      else deepErr.push(oneLine(JSON.stringify(r.body.errors ?? r.body), 200));
    }
    ctx.deep = `order(id) with lines, payments, refunds, history, shipments (lines, events), returns: ${deepOk} of ${Math.min(200, s.numbers.length)} seeded orders read back without errors${deepErr.length ? `; first error: ${deepErr[0]}` : ''}`;
    await stopChild(e.child, 5000);
  }

  // 2. The big database: placeOrder alone, then with each read in turn.
  await waitQuiet('the measured runs', 30, 0.4);
  ctx.idleBusy = await machineBusy(1000);
  const port = await freePort(WANT_PORT);
  const e = await startEngine({ dbUrl: DB_URL, name: 'engine', port });
  ctx.engine = e.child;
  const kinds = readKinds(e.url, s);
  for (const fn of Object.values(kinds)) await fn(); // warm the engine's caches
  const load = placeLoad(e.url);
  await sleep(WARMUP * 1000);
  const a0 = performance.now();
  await sleep(DURATION * 1000);
  ctx.placeBig = stats(load.between(a0, performance.now()));
  ctx.reads = [];
  const withReads = [];
  for (const [label, fn] of Object.entries(kinds)) {
    log(`reads: ${label}`);
    const r = await measure(fn, READ_CLIENTS);
    ctx.reads.push({ label, ...r });
    withReads.push(...load.between(...r.window));
  }
  ctx.placeBigReads = stats(withReads);
  await load.stop();
  ctx.placeErrors = [...load.errors];
  await stopChild(e.child, 20_000);

  // 3. An empty database with the same catalog: placeOrder alone.
  if (EMPTY) {
    log(`seeding ${EMPTY_DB} with the catalog only`);
    cleanups.push(() => adminSql(`DROP DATABASE IF EXISTS ${EMPTY_DB} WITH (FORCE)`));
    const seed = startChild(['bench/seed-orders.mjs', '--orders', '0', '--customers', '0', '--database', emptyUrl], {}, 'seed-empty');
    const { code } = await seed.exited;
    if (code !== 0) throw new Error(`seeding ${EMPTY_DB} failed:\n${seed.lines.slice(-20).map((l) => l.line).join('\n')}`);
    const e2 = await startEngine({ dbUrl: emptyUrl, name: 'engine-empty', port });
    const l2 = placeLoad(e2.url);
    await sleep(WARMUP * 1000);
    const b0 = performance.now();
    await sleep(DURATION * 1000);
    ctx.placeEmpty = stats(l2.between(b0, performance.now()));
    await l2.stop();
    ctx.placeErrorsEmpty = [...l2.errors];
    await stopChild(e2.child, 20_000);
  }
}, () => {
  const { L, md, block, done } = newReport();
  md.push('# Reads on a big database, placeOrder beside them', '', `Run ${ctx.startedAt}, ${DURATION}s per measurement (+${WARMUP}s warm-up), Node ${process.version}.`, '');
  const head = [`database ${ctx.db ?? dbName}`, `placeOrder in the background: ${PLACE_CLIENTS} clients, ${PLACE_RATE || 'unlimited'} orders/s in all (open loop: latency counted from when an order was due), guest orders of 1-2 lines over 4 channels`,
    `reads: ${READ_CLIENTS} clients per kind, one kind at a time, over HTTP GraphQL (admin key; customer sessions made by the bench); machine busy ${fmt(ctx.idleBusy)} cores before the runs, loadavg ${ctx.loadavg}`];
  if (ctx.staleNote) head.push(`NOTE: ${ctx.staleNote}`);
  L.push(...head); md.push(...head.map((h) => `${h}  `), '');
  if (ctx.reads) {
    block(`Reads while placeOrder runs (ms; target p50 < ${TARGET_P50_MS})`, ctx.reads.map((r) =>
      `${r.label}: n=${r.n} p50=${fmt(r.p50)} p95=${fmt(r.p95)} p99=${fmt(r.p99)} max=${fmt(r.max)} errors=${r.errors}${r.firstError ? ` (${oneLine(r.firstError, 160)})` : ''} -> p50 ${r.p50 < TARGET_P50_MS ? 'OK' : 'OVER'}`));
  }
  if (ctx.placeBig) {
    const lines = [];
    const row = (what, x) => lines.push(`${what}: n=${x.n} p50=${fmt(x.p50)} p95=${fmt(x.p95)} p99=${fmt(x.p99)} max=${fmt(x.max)}`);
    if (ctx.placeEmpty) row(`empty database (${EMPTY_DB}, same catalog)`, ctx.placeEmpty);
    row('big database, placeOrder alone', ctx.placeBig);
    if (ctx.placeBigReads) row('big database, with the reads above', ctx.placeBigReads);
    if (ctx.placeEmpty && ctx.placeBigReads) {
      const worst = Math.max(ctx.placeBig.p99, ctx.placeBigReads.p99) / ctx.placeEmpty.p99;
      lines.push(`p99 big (worst of the two) / empty = ${worst.toFixed(2)} -> ${worst <= 2 ? 'OK (within 2x)' : 'OVER 2x'}`);
    }
    for (const [m, n] of [...(ctx.placeErrors ?? []), ...(ctx.placeErrorsEmpty ?? [])]) lines.push(`   placeOrder error ${n}x ${m}`);
    block('placeOrder latency (ms)', lines);
  }
  if (ctx.deep) block('Seeded orders read back', [ctx.deep]);
  if (ctx.plans) {
    const lines = [];
    for (const p of ctx.plans) {
      const seqs = p.explained.flatMap((x) => x.seqBig);
      lines.push(`### ${p.label}: ${p.explained.length} statements; ASSERT no Seq Scan on a big table: ${seqs.length ? `FAIL (${[...new Set(seqs)].join(', ')})` : 'PASS'}`);
      for (const x of p.explained) {
        lines.push(`-- ${oneLine(x.sql, 400)}`, `   params ${oneLine(JSON.stringify(x.params), 200)}`);
        for (const l of x.plan) lines.push(`   ${l}`);
      }
      lines.push('');
    }
    block('PostgreSQL plans of the SQL the engine sent (EXPLAIN ANALYZE, BUFFERS; captured on the wire)', lines);
  }
  if (ctx.failure) block('BENCH FAILED', [ctx.failure]);
  return done();
}, () => {
  if (ctx.engine) try { writeFileSync(join(RESULTS, 'scale-engine.log'), ctx.engine.lines.map((l) => `${l.tag} ${l.line}`).join('\n') + '\n'); } catch {}
});
