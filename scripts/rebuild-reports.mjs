#!/usr/bin/env node
// Rebuilds the report rollups (docs/analytics.md) from the orders, payments and returns, with the
// engine's settings (DATABASE_URL or the SQLite file, the config file), like `npm run migrate` does:
//   node scripts/rebuild-reports.mjs [--channel <code>] [--from <ISO instant>] [--no-build]
// Run it after a restore or a bulk load that wrote no outbox events, or after changing a channel's time
// zone; the rebuildReports mutation does the same through the API. Needs the compiled code (dist/,
// compiled here when missing or older than the sources, as `npm start` does, unless --no-build).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, distState, root } from './build.mjs';

const arg = (name) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const channelCode = arg('channel');
const from = arg('from') ? new Date(arg('from')) : null;
if (from && Number.isNaN(from.getTime())) { console.error('--from takes an ISO instant such as 2026-01-01T00:00:00Z'); process.exit(2); }

if (distState('dist/src/analytics/rebuilders.js') !== 'current' && process.env.NODE_ENV !== 'production' && !process.argv.includes('--no-build')) {
  console.log('building (tsc)...');
  const code = await build();
  if (code !== 0) process.exit(code);
}
const dist = (p) => import(pathToFileURL(join(root, 'dist/src', p)).href);
await import('reflect-metadata');
const { resolveStartup } = await dist('config-file.js');
const { openEngineDatabase } = await dist('app.js');
const { coreModules } = await dist('modules.js');
const { orderModules } = await dist('kernel/module.js');
const { createLogger } = await dist('kernel/logger.js');
const { analyzeRollups, rebuilders } = await dist('analytics/rebuilders.js');

const { config, plugins } = await resolveStartup(process.env, 'worker');
const log = createLogger(config.logLevel);
const orm = await openEngineDatabase(config, orderModules([...coreModules, ...plugins]), log);
try {
  let channelId = null;
  if (channelCode) {
    const [row] = await orm.em.fork().execute('SELECT id FROM channel WHERE code = ?', [channelCode]);
    if (!row) { console.error(`No channel "${channelCode}".`); process.exitCode = 1; }
    channelId = row?.id ?? null;
  }
  if (!channelCode || channelId) {
    for (const r of rebuilders) {
      const t = performance.now();
      const counted = await r.rebuild(orm.em.fork(), { channelId, from });
      console.log(`${r.name}: ${counted} counted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    await analyzeRollups(orm.em.fork());
  }
} finally {
  await orm.close(true);
}
