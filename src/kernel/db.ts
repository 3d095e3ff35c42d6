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
  knex.on('query', (q: { sql: string }) => countStatement(q.sql));
  return orm;
}

/** Adds a statement to the request's count (when a request asks for it). */
function countStatement(sql: string): void {
  const store = sqlCounter.getStore();
  if (store) {
    store.count++;
    store.statements?.push(sql);
  }
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

export function isPostgres(em: { getDriver(): object }): boolean {
  return em.getDriver().constructor.name === 'PostgreSqlDriver';
}

/** A datetime as a raw statement's parameter: timestamptz on PostgreSQL, epoch milliseconds on SQLite (as the ORM keeps them). */
export function sqlDate(db: { getDriver(): object }, d: Date): Date | number {
  return isPostgres(db) ? d : d.getTime();
}

export type SqlMethod = 'all' | 'get' | 'run';

/**
 * What plain-SQL code needs: `em.execute` (same arguments, same answers, the ORM's exceptions) and the
 * driver. An EntityManager is one; so is a PgSession.
 */
export interface SqlRunner {
  execute(sql: string, params?: readonly unknown[], method?: SqlMethod): Promise<any>;
  getDriver(): ReturnType<Em['getDriver']>;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

interface PgResult {
  rows: any[];
  rowCount: number | null;
}

interface PgClient {
  query(text: string): Promise<PgResult | PgResult[]>;
  __knex__disposed?: unknown;
}

/**
 * One pooled PostgreSQL connection, used directly: statements go out as the ORM would send them (values
 * inlined by the platform, simple protocol) but without the ORM's and knex's per-query and per-transaction
 * machinery. A transaction's BEGIN travels with its first statement and its COMMIT with its last, so a
 * transaction costs no round trips of its own. Hot paths only (placeOrder); everything else uses the ORM.
 */
export class PgSession implements SqlRunner {
  private beginPending = false;
  private inTransaction = false;

  constructor(
    private readonly em: Em,
    private readonly conn: PgClient,
  ) {}

  getDriver(): ReturnType<Em['getDriver']> {
    return this.em.getDriver();
  }

  async execute(sql: string, params: readonly unknown[] = [], method: SqlMethod = 'all'): Promise<any> {
    const res = await this.send([this.format(sql, params)]);
    return shape(res[res.length - 1], method);
  }

  /** Starts a transaction; BEGIN goes out with the next statement. */
  begin(): void {
    this.beginPending = true;
  }

  /** Runs the last statements of the transaction and commits, in one round trip. */
  async commit(last: Statement[] = []): Promise<void> {
    if (this.beginPending && !last.length) {
      this.beginPending = false; // nothing was sent: nothing to commit
      return;
    }
    await this.send([...last.map((s) => this.format(s.sql, s.params)), 'COMMIT']);
    this.inTransaction = false;
  }

  /** Rolls back what was sent (nothing goes out when the transaction never reached the database). */
  async rollback(): Promise<void> {
    this.beginPending = false;
    if (!this.inTransaction) return;
    this.inTransaction = false;
    try {
      await this.conn.query('ROLLBACK');
      countStatement('ROLLBACK');
    } catch (e) {
      this.conn.__knex__disposed = e; // the pool drops it rather than hand out a connection in a transaction
    }
  }

  /** The platform's formatQuery, with its common cases (plain `?`, strings, numbers, null) done inline. */
  private format(sql: string, params: readonly unknown[]): string {
    if (!params.length) return sql;
    const platform = this.em.getPlatform();
    const parts = splitAtPlaceholders(sql);
    if (parts.length - 1 !== params.length || sql.includes('??') || sql.includes('\\?')) return platform.formatQuery(sql, params as unknown[]);
    let out = parts[0];
    for (let i = 0; i < params.length; i++) {
      const v = params[i];
      let lit: string;
      if (v === null || v === undefined) lit = 'NULL';
      else if (typeof v === 'number') lit = String(v);
      else if (typeof v === 'string' && !QUOTE_OR_BACKSLASH.test(v)) lit = `'${v}'`;
      else lit = platform.quoteValue(v);
      out += lit + parts[i + 1];
    }
    return out;
  }

  private async send(statements: string[]): Promise<PgResult[]> {
    if (this.beginPending) {
      statements.unshift('BEGIN');
      this.beginPending = false;
      this.inTransaction = true;
    }
    for (const s of statements) countStatement(s);
    try {
      const res = await this.conn.query(statements.length === 1 ? statements[0] : statements.join(';\n'));
      return Array.isArray(res) ? res : [res];
    } catch (e) {
      throw this.em.getDriver().convertException(e as Error);
    }
  }
}

const QUOTE_OR_BACKSLASH = /['\\]/;

/** The hot path's statements come in a few shapes: each is split once. */
const splitCache = new Map<string, string[]>();
function splitAtPlaceholders(sql: string): string[] {
  let parts = splitCache.get(sql);
  if (!parts) {
    parts = sql.split('?');
    if (splitCache.size >= 500) splitCache.clear();
    splitCache.set(sql, parts);
  }
  return parts;
}

/** As the ORM's PostgreSQL connection shapes a raw result. */
function shape(res: PgResult, method: SqlMethod): any {
  if (method === 'get') return res.rows[0];
  if (method === 'all') return res.rows;
  return { affectedRows: res.rowCount, insertId: res.rows[0] ? res.rows[0].id : 0, row: res.rows[0], rows: res.rows };
}

/** Runs `fn` on one connection from the ORM's pool (PostgreSQL only), and gives it back. */
export async function withPgSession<T>(em: Em, fn: (session: PgSession) => Promise<T>): Promise<T> {
  const client = em.getConnection().getKnex().client as { acquireConnection(): Promise<PgClient>; releaseConnection(c: PgClient): Promise<unknown> };
  const conn = await client.acquireConnection();
  const session = new PgSession(em, conn);
  try {
    return await fn(session);
  } finally {
    await session.rollback(); // a no-op unless fn left a transaction open
    await client.releaseConnection(conn);
  }
}
