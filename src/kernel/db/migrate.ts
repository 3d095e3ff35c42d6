// The migration runner: pending migrations (migrations/<dialect>/ and the plugins') are applied under a
// lock, so that two processes starting together do not both apply them: at start (ORDO_MIGRATE_ON_START)
// or by `npm run migrate` (src/migrate.ts) before a deploy starts the new code.
import type { OrdoConfig } from '../../config.js';
import type { Orm } from './orm.js';

/** Applies pending migrations once, even when several processes start at the same moment. */
export async function migrate(orm: Orm, config: OrdoConfig): Promise<string[]> {
  return underMigrationLock(config, async () => (await orm.getMigrator().up()).map((m) => m.name));
}

/**
 * The migrations this code has that the database has not applied, oldest first (checked under the lock
 * too: reading them creates the `ordo_migrations` table of an empty database).
 */
export async function pendingMigrations(orm: Orm, config: OrdoConfig): Promise<string[]> {
  return underMigrationLock(config, async () => (await orm.getMigrator().getPendingMigrations()).map((m) => m.name));
}

async function underMigrationLock<T>(config: OrdoConfig, run: () => Promise<T>): Promise<T> {
  if (config.database.kind === 'postgresql') {
    // An advisory lock on a connection of its own: the others wait here, then find nothing pending.
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: config.database.url });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock(7270001)');
      return await run();
    } finally {
      await client.query('SELECT pg_advisory_unlock(7270001)').catch(() => {});
      await client.end();
    }
  }
  // SQLite: an exclusive transaction on a lock file; the OS drops it if the process dies.
  const Database = (await import('better-sqlite3')).default;
  const lock = new Database(`${config.database.sqlitePath}.migrate-lock`, { timeout: 120_000 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
    return await run();
  } finally {
    try {
      lock.exec('COMMIT');
    } catch {}
    lock.close();
  }
}
