// The test engines' PostgreSQL databases start as copies of one database the core migrations were applied
// to (CREATE DATABASE … TEMPLATE): an engine then finds nothing to migrate but its plugins' migrations.
// Applying the core's migrations cost each PostgreSQL engine about 0.7 s of its 1 s start, and the suite
// starts over a hundred of them. The template is named after a hash of migrations/, so a changed
// migration makes a new one; it is built once per machine, under an advisory lock, by the worker that
// comes first. Only the migrations are in it: whatever an engine writes at its start (the default
// channel, say) it writes in its own copy, under its own settings. Tests of migrating itself (deploy,
// and the e2e servers started as `npm start` is) start from empty databases (createPgDatabase without a
// template); migration-create's engines find the core migrated and apply its plugins' migrations.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { resolveStartup } from '../../src/config-file.js';
import { migrateDatabase } from '../../src/app.js';
import { createLogger } from '../../src/kernel/logger.js';
import { PG_ADMIN_URL, pgUrlOf, uniqueName } from './services.js';

const MIGRATIONS = resolve(fileURLToPath(new URL('../../migrations', import.meta.url)));
/** Another lock than the engines' migration lock (7270001), which the build below takes itself. */
const TEMPLATE_LOCK = 7270002;

/** The runner that applies them and the ORM settings it reads (its table's name, say). */
const RUNNER = ['../../src/kernel/db/migrate.ts', '../../src/kernel/db/orm.ts'].map((f) => fileURLToPath(new URL(f, import.meta.url)));

/** Every file of migrations/ (names and contents) and the runner's, hashed: the template's version. */
function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const f of RUNNER) hash.update(readFileSync(f)).update('\0');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else hash.update(`${p.slice(MIGRATIONS.length)}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(MIGRATIONS);
  return hash.digest('hex').slice(0, 16);
}

let template: Promise<string> | null = null;

/** The migrated template's name, built first if this machine does not have it yet (once per process). */
export function migratedTemplate(): Promise<string> {
  return (template ??= ensureTemplate());
}

async function ensureTemplate(): Promise<string> {
  const name = `ordo_tmpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const have = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (have.rowCount) return name;
    // Built under another name and renamed when done: a run that dies half way leaves no half template.
    const building = uniqueName('ordo_tmpl_building');
    await admin.query(`CREATE DATABASE ${building}`);
    await applyCoreMigrations(pgUrlOf(building));
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    // Templates of older migrations (and builds that died) go; one another run still copies from stays.
    const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'ordo_tmpl_%' AND datname <> $1`, [name]);
    for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => {});
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
    await admin.end();
  }
}

/** What `npm run migrate` does, for the core alone (no plugins). */
async function applyCoreMigrations(url: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-tmpl-'));
  try {
    const { config } = await resolveStartup({ NODE_ENV: 'test', DATABASE_URL: url, ORDO_DATA_DIR: dataDir, LOG_LEVEL: 'error' }, 'worker', dataDir);
    await migrateDatabase(config, [], createLogger('error'));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
