// The database: PostgreSQL when DATABASE_URL is set, an embedded SQLite file otherwise. One set of
// entities for both; this file sets the ORM up for either. Migrations and their lock are in
// migrate.ts, what differs between the two databases in dialect.ts (and its two implementations), the
// PostgreSQL hot path's connection in pg-session.ts, the statement counter in sql-counter.ts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataloaderType, MikroORM, ReflectMetadataProvider, type MigrationObject, type Options } from '@mikro-orm/core';
import type { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager as KnexEntityManager } from '@mikro-orm/knex';
import type { OrdoConfig } from '../../config.js';
import type { Logger } from '../logger.js';
import { countStatement } from './sql-counter.js';
import { traceKnexQueries } from './sql-spans.js';
import { preparingOff } from './pg-prepared.js';
import { lazyRequire } from '../lazy-require.js';

// Each driver is loaded only by a process that opens its database (lazy-require.ts).
const postgresqlDriver = lazyRequire<{ PostgreSqlDriver: typeof PostgreSqlDriver }>('@mikro-orm/postgresql');
const sqliteDriver = lazyRequire<{ BetterSqliteDriver: typeof BetterSqliteDriver }>('@mikro-orm/better-sqlite');

export type Orm = MikroORM;
export type Em = KnexEntityManager;

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
      driver: postgresqlDriver().PostgreSqlDriver,
      clientUrl: config.database.url,
      pool: { min: 0, max: config.database.poolSize },
      // DATABASE_READ_URL: a read replica, used only by the reads that ask for it (FROM_REPLICA); a read
      // without it, anything in a transaction and every write go to the primary.
      ...(config.database.readUrl
        ? { replicas: [{ name: 'read', clientUrl: config.database.readUrl }], preferReadReplicas: false }
        : {}),
    } as Options;
  }
  mkdirSync(dirname(config.database.sqlitePath), { recursive: true });
  return {
    ...common,
    driver: sqliteDriver().BetterSqliteDriver,
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
  const driver = (orm.em as Em).getDriver();
  const connections = new Set([driver.getConnection('write'), driver.getConnection('read')]); // one when there is no replica
  for (const connection of connections) {
    const knex = connection.getKnex();
    knex.on('query', (q: { sql: string }) => countStatement(q.sql));
    traceKnexQueries(knex, config.database.kind); // nothing unless tracing is on
  }
  if (config.database.prepare === false) preparingOff(driver.getConnection('write').getKnex().client);
  return orm;
}

/**
 * Find and count options of a read that may come from the read replica (DATABASE_READ_URL): a list or a
 * report, which may be a moment behind the primary (the replica's lag: an order placed just before may be
 * missing), never a read that a write or a check depends on. Inside a transaction MikroORM ignores it and
 * reads through the transaction's connection (the primary); without DATABASE_READ_URL it is the primary.
 */
export const FROM_REPLICA = { connectionType: 'read' } as const;
