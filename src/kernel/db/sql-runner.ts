// What plain-SQL code runs on: the ORM's EntityManager, or the PostgreSQL session of placeOrder's hot
// path (pg-session.ts). Both answer `execute` alike, so the stock ledger, the order rows and plugins'
// SQL run on either.
import type { EntityManager as KnexEntityManager } from '@mikro-orm/knex';

export type SqlMethod = 'all' | 'get' | 'run';

/**
 * What plain-SQL code needs: `em.execute` (same arguments, same answers, the ORM's exceptions) and the
 * driver (whose kind picks the dialect: `dialectOf`). An EntityManager is one; so is a PgSession.
 */
export interface SqlRunner {
  execute(sql: string, params?: readonly unknown[], method?: SqlMethod): Promise<any>;
  getDriver(): ReturnType<KnexEntityManager['getDriver']>;
  /** A session's (pg-session.ts): holds a write for its next statement's round trip. */
  defer?(statement: Statement): void;
  /** A session's: several statements in one round trip, each one's rows. */
  executeAll?(statements: readonly Statement[]): Promise<any[][]>;
}

/**
 * The rows of each statement, run in order: in one round trip on a PostgreSQL session (each statement
 * still sees what the ones before it did, and locks they take hold for those after), one by one elsewhere.
 */
export async function readAll(db: SqlRunner, statements: readonly Statement[]): Promise<any[][]> {
  if (db.executeAll) return db.executeAll(statements);
  const out: any[][] = [];
  for (const s of statements) out.push(await db.execute(s.sql, s.params, 'all'));
  return out;
}

/**
 * A write whose answer the caller does not read (an increment, an upsert): a PostgreSQL session sends it
 * with its next statement or its COMMIT, in the same round trip; anything else runs it now.
 */
export async function write(db: SqlRunner, sql: string, params: unknown[]): Promise<void> {
  if (db.defer) db.defer({ sql, params });
  else await db.execute(sql, params, 'run');
}

/** A statement with its parameters, to be sent later (placeOrder's inserts go out with its COMMIT). */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** `?, ?, …` for an IN list of `n` values. */
export const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** A batch's rows by a column (the order or shipment each belongs to), in the order read. */
export function rowsBy(rows: readonly any[], column: string): Map<string, any[]> {
  const by = new Map<string, any[]>();
  for (const r of rows) {
    const of = by.get(r[column]);
    if (of) of.push(r);
    else by.set(r[column], [r]);
  }
  return by;
}

/**
 * `INSERT INTO table (columns) VALUES (?, …), …` for `rowCount` rows (the same on both databases). Hot
 * paths insert a few shapes again and again: the text is kept per columns array (pass the same array
 * each time) and row count.
 */
export function insertSql(table: string, columns: readonly string[], rowCount: number): string {
  let byCount = insertCache.get(columns);
  if (!byCount) insertCache.set(columns, (byCount = new Map()));
  const key = `${table}|${rowCount}`;
  let sql = byCount.get(key);
  if (sql === undefined) {
    const one = `(${columns.map(() => '?').join(', ')})`;
    sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rowCount }, () => one).join(', ')}`;
    if (byCount.size >= 100) byCount.clear();
    byCount.set(key, sql);
  }
  return sql;
}

const insertCache = new WeakMap<readonly string[], Map<string, string>>();
