// `npm run migrate`: applies the pending migrations (the core's and those of the plugins the config file
// enables, read the way `npm start` reads it) under the migration lock, then exits: 0 when the database
// is up to date, non-zero with the reason otherwise. A deploy runs it before starting the new code
// (docs/deploy.md); it needs the compiled code only.
import 'reflect-metadata';
import { ConfigError } from './config.js';
import { resolveStartup } from './config-file.js';
import { migrateDatabase } from './app.js';
import { createLogger } from './kernel/logger.js';

try {
  // The worker role: migrating needs the database settings, not ADMIN_API_KEY.
  const { config, plugins, path } = await resolveStartup(process.env, 'worker');
  const log = createLogger(config.logLevel);
  const applied = await migrateDatabase(config, plugins, log);
  const where = config.database.kind === 'postgresql' ? 'PostgreSQL' : config.database.sqlitePath;
  log.info({ database: config.database.kind, configFile: path, plugins: plugins.map((p) => p.name), migrations: applied },
    applied.length ? `applied ${applied.length} migration(s) to ${where}` : `nothing to migrate: ${where} is up to date`);
  process.exit(0);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`Ordo cannot migrate: ${e.message}`);
    process.exit(78);
  }
  console.error(`Ordo migration failed: ${(e as Error)?.message ?? e}`);
  if ((e as Error)?.stack) console.error((e as Error).stack);
  process.exit(1);
}
