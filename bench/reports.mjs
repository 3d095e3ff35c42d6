#!/usr/bin/env node
// p50/p99 of the analytics reports (docs/analytics.md) over the last 30 days of a PostgreSQL database
// filled by bench/seed-orders.mjs. The seed COPYs rows and writes no outbox events, so the rollups are
// rebuilt first (scripts/rebuild-reports.mjs, timed), unless --no-rebuild.
//   node bench/seed-orders.mjs --orders 1000000
//   node bench/reports.mjs [--database postgres://postgres@127.0.0.1:5432/ordo_scale] [--runs 200] [--days 30] [--no-rebuild] [--build] [--port 4640]
// Each report is asked `runs` times one after another (after 10 warm-up calls) through the compiled
// engine's HTTP API (workers off); the figures are the server round trip as the client sees it.
import {
  requireFromRoot, log, parseArgs, initCleanup, tempDir, startChild, waitReady, freePort, ensureBuilt, engineBaseEnv,
  admin, must, newReport, runBench, loadavgText,
} from './lib.mjs';

const pg = requireFromRoot('pg');
const A = parseArgs(process.argv.slice(2), ['build', 'no-rebuild']);
const DB_URL = String(A.database ?? 'postgres://postgres@127.0.0.1:5432/ordo_scale');
const RUNS = Number(A.runs ?? 200);
const DAYS = Number(A.days ?? 30);
const ctx = { startedAt: new Date().toISOString(), rows: [] };
initCleanup({ logStops: true });

const FIG = 'orders units grossSales discounts returns netSales tax shipping refunds averageOrderValue';
const SALES = `query($from: DateTime!, $to: DateTime!, $g: ReportGrouping, $c: String) { salesReport(from: $from, to: $to, groupBy: $g, channelCode: $c) {
  currencies { currencyCode buckets { start ${FIG} } totals { ${FIG} } } } }`;
const PRODUCTS = `query($from: DateTime!, $to: DateTime!, $n: Int, $c: String) { productPerformance(from: $from, to: $to, first: $n, channelCode: $c) {
  sku currencyCode unitsSold unitsReturned netSales returnRate available daysOfCover } }`;

const FULFILLMENT = `query($from: DateTime!, $to: DateTime!, $c: String) { fulfillmentReport(from: $from, to: $to, channelCode: $c) {
  ordersPlaced backorderRate splitShipmentRate locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours onTimeRate } } }`;
const RETURNS = `query($from: DateTime!, $to: DateTime!, $c: String) { returnsReport(from: $from, to: $to, channelCode: $c) {
  rows { sku reason returnedUnits shippedUnits returnRate restockRate } } }`;
const CUSTOMERS = `query($from: DateTime!, $to: DateTime!, $c: String, $n: Int) { customerReport(from: $from, to: $to, channelCode: $c, first: $n) {
  customers newCustomers returningCustomers repeatPurchaseRate topCustomers { email orders netSales currencyCode } } }`;

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

await runBench(ctx, 'reports.md', async () => {
  ctx.loadavg = loadavgText();
  ctx.staleNote = await ensureBuilt(A.build);
  if (ctx.staleNote) log(ctx.staleNote);
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  const [{ n, last }] = (await c.query('SELECT COUNT(*) AS n, MAX(placed_at) AS last FROM orders')).rows;
  const channels = (await c.query('SELECT code FROM channel ORDER BY code')).rows.map((r) => r.code);
  await c.end();
  ctx.db = `${Number(n)} orders, the last placed ${new Date(last).toISOString()}; channels ${channels.join(', ')}`;

  const port = await freePort(Number(A.port ?? 4640));
  const env = { ...engineBaseEnv(tempDir('ordo-reports-')), DATABASE_URL: DB_URL, PORT: String(port), LOG_LEVEL: 'warn', ORDO_DISABLE_WORKERS: '1' };
  const child = startChild(['dist/src/main.js'], { env }, 'engine');
  const base = `http://127.0.0.1:${port}`;
  await waitReady(child, base);
  const url = `${base}/graphql`;

  if (!A['no-rebuild']) {
    // In a process of its own (scripts/rebuild-reports.mjs, the compiled code as it is): at a million
    // orders it takes minutes, longer than an HTTP client waits for an answer; it prints each rebuilder's time.
    log('rebuilding the report rollups (scripts/rebuild-reports.mjs)…');
    const t = performance.now();
    const r = startChild(['scripts/rebuild-reports.mjs', '--no-build'], { env: { ...env, LOG_LEVEL: 'warn' } }, 'rebuild');
    const { code } = await r.exited;
    const lines = r.lines.map((l) => l.line).filter((l) => /counted in/.test(l));
    if (code !== 0) throw new Error(`rebuild-reports exited with ${code}: ${r.lines.slice(-5).map((l) => l.line).join(' | ')}`);
    ctx.rebuild = `rebuild: ${((performance.now() - t) / 1000).toFixed(1)} s in all (${lines.join('; ')})`;
    log(ctx.rebuild);
  }
  const to = new Date(new Date(last).getTime() + 1).toISOString();
  const from = new Date(new Date(to).getTime() - DAYS * 86_400_000).toISOString();
  const cases = [
    [`salesReport DAY, all channels`, SALES, { from, to, g: 'DAY' }],
    [`salesReport WEEK, all channels`, SALES, { from, to, g: 'WEEK' }],
    [`salesReport DAY, channel ${channels[0]}`, SALES, { from, to, g: 'DAY', c: channels[0] }],
    [`salesReport MONTH, a year, all channels`, SALES, { from: new Date(new Date(to).getTime() - 365 * 86_400_000).toISOString(), to, g: 'MONTH' }],
    [`productPerformance first 50, all channels`, PRODUCTS, { from, to, n: 50 }],
    [`productPerformance first 500, channel ${channels[0]}`, PRODUCTS, { from, to, n: 500, c: channels[0] }],
    [`fulfillmentReport, all channels`, FULFILLMENT, { from, to }],
    [`returnsReport, all channels`, RETURNS, { from, to }],
    [`customerReport top 10, all channels`, CUSTOMERS, { from, to, n: 10 }],
    [`customerReport top 10, channel ${channels[0]}`, CUSTOMERS, { from, to, n: 10, c: channels[0] }],
  ];
  for (const [label, q, v] of cases) {
    for (let i = 0; i < 10; i++) must(await admin(url, q, v), label);
    const ms = [];
    let sample = null;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      sample = must(await admin(url, q, v), label);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const rows = sample.salesReport ? sample.salesReport.currencies.reduce((s, x) => s + x.buckets.length, 0)
      : sample.productPerformance?.length ?? sample.fulfillmentReport?.locations.length ?? sample.returnsReport?.rows.length ?? sample.customerReport?.customers;
    const orders = sample.salesReport ? sample.salesReport.currencies.reduce((s, x) => s + x.totals.orders, 0) : null;
    ctx.rows.push(`${label.padEnd(48)} p50 ${pct(ms, 50).toFixed(1).padStart(6)} ms  p99 ${pct(ms, 99).toFixed(1).padStart(6)} ms  (${rows} rows${orders !== null ? `, ${orders} orders` : ''})`);
    log(ctx.rows.at(-1));
  }
}, () => {
  const r = newReport();
  r.block('Setup', [`started ${ctx.startedAt}, load ${ctx.loadavg}`, ctx.db ?? '', ctx.staleNote ?? 'dist/ is current', ctx.rebuild ?? 'no rebuild', `${RUNS} runs per report, last ${DAYS} days`]);
  r.block('Reports', ctx.rows);
  if (ctx.failure) r.block('Failure', [ctx.failure]);
  return r.done();
});
