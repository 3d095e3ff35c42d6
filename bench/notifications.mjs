#!/usr/bin/env node
// Customer mails: CPU per mail of the notifications handler, in one process with nothing else running.
//   node bench/notifications.mjs [--orders 400] [--rounds 6] [--smtp 0|1] [--dist dist]
// An API process (workers off) places --orders orders on a fresh PostgreSQL database (ordo_notifb), so
// their order.confirmed events wait in the outbox; then this process builds the engine (no server, no
// workers) and hands every one of those events to NotificationService.notify, eight at a time, --rounds
// times over (the message rows are deleted between rounds, so each round sends every mail again). Each
// round prints its mails, how many ended SENT, the process's CPU per mail (user + system, every thread:
// the garbage collector's, the compiler's, libuv's file system pool) and mails per second. The first
// rounds include the JIT's warm-up: read the last ones. PostgreSQL's own CPU is not counted.
// --smtp 0 (default): mails written as .eml files (no SMTP_URL), as the zero-setup engine does; on this
// machine's disk the cost of creating a file swings with how many files were deleted in the last seconds.
// --smtp 1: sent to an SMTP server started here on 127.0.0.1 (smtp-server, which accepts and drops them),
// as a production engine with SMTP_URL does. --dist: another build (a copy of dist/ kept aside). The
// database is dropped at the end.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ROOT, PG, recreateDb, startChild, stopChild, waitReady, freePort, tempDir, engineBaseEnv, setupShop, gql, ADDRESS, inBatches,
  initCleanup, cleanup, parseArgs, log, cleanups, startSmtpSink,
} from './lib.mjs';

process.chdir(ROOT);
const A = parseArgs(process.argv.slice(2), []);
const ORDERS = Number(A.orders ?? 400), ROUNDS = Number(A.rounds ?? 6), DIST = String(A.dist ?? 'dist');
const SMTP = (A.smtp ?? '0') !== '0';
if (!(ORDERS >= 1) || !(ROUNDS >= 1)) {
  console.error('usage: node bench/notifications.mjs [--orders 400] [--rounds 6] [--smtp 0|1] [--dist dist]');
  process.exit(2);
}
initCleanup({ stopInParallel: false });
const DB = 'ordo_notifb';
const dataDir = tempDir('ordo-notifb-');
const env = { ...engineBaseEnv(dataDir), DATABASE_URL: PG(DB), LOG_LEVEL: 'warn', ORDO_DISABLE_WORKERS: '1' };

if (SMTP) env.SMTP_URL = (await startSmtpSink()).url;

// The orders, placed by an API process with workers off: their events wait in the outbox.
await recreateDb(DB);
const port = await freePort();
const api = startChild([`${DIST}/src/main.js`], { env: { ...env, PORT: String(port) } }, 'api');
const base = `http://127.0.0.1:${port}`;
await waitReady(api, base);
const url = `${base}/graphql`;
const sku = (i) => `NB-${i}`;
await setupShop(url, { location: { code: 'NB', name: 'Bench warehouse', kind: 'WAREHOUSE', countryCode: 'DE', priority: 1 }, skus: 10, sku, productBatch: 1, stock: 100_000, stockBatch: 10 });
await inBatches(Array.from({ length: ORDERS }, (_, i) => i), 16, async (i) => {
  const r = await gql(url, `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } } }`, { input: {
    email: `nb-${i}@example.com`, lines: [{ sku: sku(i % 10), quantity: 1 + (i % 3) }, { sku: sku((i + 3) % 10), quantity: 1 }],
    shippingAddress: ADDRESS, shippingMethodCode: 'standard', payment: { method: 'test-card', token: 'tok_visa' } } });
  if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
});
await stopChild(api);

for (const [k, v] of Object.entries(env)) process.env[k] = v;
const load = (file) => import(pathToFileURL(join(ROOT, DIST, 'src', file)).href);
const { loadConfig } = await load('config.js');
const { createEngine } = await load('app.js');
const { NotificationService } = await load('notifications/notification.service.js');
const engine = await createEngine(loadConfig(process.env, 'api'), { listen: false });
cleanups.push(() => engine.stop());
const { app } = engine;
const sql = (q) => app.orm.em.fork().getConnection().execute(q);
const events = (await sql(`SELECT id, type, aggregate_id, payload FROM outbox_event WHERE type = 'order.confirmed' ORDER BY id`))
  .map((r) => ({ id: Number(r.id), type: r.type, aggregateId: r.aggregate_id, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload, at: new Date() }));
log(`${events.length} order.confirmed events; mails ${SMTP ? `by SMTP to ${env.SMTP_URL}` : `as .eml files in ${dataDir}/mail`}; build ${DIST}`);
const service = app.service(NotificationService);
const mailDir = join(dataDir, 'mail');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let round = 1; round <= ROUNDS; round++) {
  await sql('DELETE FROM notification_message');
  // The last round's files moved aside, not overwritten: overwriting frees their inodes, and creating
  // files right after freeing many costs this machine's file system far more (bench/README.md).
  if (!SMTP && existsSync(mailDir)) {
    renameSync(mailDir, `${mailDir}-${round - 1}`);
    mkdirSync(mailDir);
  }
  const c0 = cpu(), t0 = performance.now();
  await inBatches(events, 8, (e) => service.notify(e, { app, em: app.orm.em.fork(), log: app.log, attempt: 1 }));
  const c = cpu() - c0, w = performance.now() - t0;
  const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM notification_message WHERE status = 'SENT'`);
  console.log(`round ${round}: ${events.length} mails, ${Number(n)} SENT, ${(c / events.length).toFixed(3)} ms CPU per mail, ${(events.length / w * 1000).toFixed(0)} mails/s`);
}
await cleanup();
process.exit(0);
