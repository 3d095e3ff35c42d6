// The migration runner: pending migrations (migrations/<dialect>/ and the plugins') are applied at
// start, under a lock, so that two processes starting together do not both apply them.
import type { OrdoConfig } from '../../config.js';
import type { Orm } from './orm.js';

/** Applies pending migrations once, even when several processes start at the same moment. */
export async function migrate(orm: Orm, config: OrdoConfig): Promise<string[]> {
  const run = async () => (await orm.getMigrator().up()).map((m) => m.name);
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
