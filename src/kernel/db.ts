// The database: PostgreSQL when DATABASE_URL is set, an embedded SQLite file otherwise. One set of
// entities for both; migrations per dialect under migrations/<dialect>/, applied at start under a lock
// so that two processes starting together do not both apply them.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataloaderType, MikroORM, ReflectMetadataProvider, type MigrationObject, type Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager as KnexEntityManager } from '@mikro-orm/knex';
import type { OrdoConfig } from '../config.js';
import type { Logger } from './logger.js';

export type Orm = MikroORM;
export type Em = KnexEntityManager;

/** Counts SQL statements per request (benchmarks and the statement-budget tests read it). */
export const sqlCounter = new AsyncLocalStorage<{ count: number; statements?: string[] }>();

export interface DbOptions {
  entities: Function[];
  migrations: MigrationObject[];
  log: Logger;
}

export function ormOptions(config: OrdoConfig, opts: DbOptions): Options {
  const common: Options = {
    entities: opts.entities,
    metadataProvider: ReflectMetadataProvider,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true, warnWhenNoEntities: false },
    allowGlobalContext: false,
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
    extensions: [Migrator],
    migrations: {
      tableName: 'ordo_migrations',
      migrationsList: opts.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    logger: (msg) => opts.log.debug(msg),
  };
  if (config.database.kind === 'postgresql') {
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: config.database.url,
      pool: { min: 0, max: config.database.poolSize },
    } as Options;
  }
  mkdirSync(dirname(config.database.sqlitePath), { recursive: true });
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: config.database.sqlitePath,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: any, done: (err: unknown, conn: unknown) => void) => {
        // WAL lets readers in other processes go on while one writes; busy_timeout waits for the writer's lock.
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('busy_timeout = 10000');
        conn.pragma('foreign_keys = ON');
        done(null, conn);
      },
    },
  } as Options;
}

export async function openDatabase(config: OrdoConfig, opts: DbOptions): Promise<Orm> {
  const orm = await MikroORM.init(ormOptions(config, opts));
  const knex = (orm.em as Em).getConnection().getKnex();
  knex.on('query', (q: { sql: string }) => {
    const store = sqlCounter.getStore();
    if (store) {
      store.count++;
      store.statements?.push(q.sql);
    }
  });
  return orm;
}

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

export function isPostgres(em: { getPlatform(): { constructor: { name: string } } } | Em): boolean {
  return (em as Em).getDriver().constructor.name === 'PostgreSqlDriver';
}
