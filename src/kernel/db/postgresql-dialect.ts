// PostgreSQL, over the network: transactions write side by side (row locks, SKIP LOCKED), each
// statement is a round trip (so several inserts travel as one statement and placeOrder's transaction
// rides along with its statements), native sequences, timestamptz. See dialect.ts for why each member
// differs from SQLite's.
import { LockMode } from '@mikro-orm/core';
import type { Dialect, TableRows } from './dialect.js';
import { insertSql, type SqlRunner, type Statement } from './sql-runner.js';
import { withPgSession } from './pg-session.js';

/** A sequence's name goes into the SQL text (no placeholders there): only a plain lower-case identifier. */
function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain lower-case identifier for a sequence`);
  return name;
}

export const postgresqlDialect: Dialect = {
  name: 'postgresql',

  date: (d: Date) => d,

  readDate: (raw: Date | number | string) => (raw instanceof Date ? raw : new Date(raw)),

  ilike: (pattern: string) => ({ $ilike: pattern }),

  jsonArrayRows: (column: string) => `jsonb_array_elements_text(${column}) AS json_rows(value)`,
  jsonArrayField: (column: string, field: string) => ({ from: `jsonb_array_elements(${column}) AS json_items(item)`, value: `json_items.item ->> '${field}'` }),

  // A getter: MikroORM writes into the options it is given (logging context, populate), so each read gets its own object.
  get lockedRead() {
    return { lockMode: LockMode.PESSIMISTIC_WRITE };
  },

  forUpdate: (opts?: { skipLocked?: boolean }) => (opts?.skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE'),

  async lockRows(db: SqlRunner, select: string, params: readonly unknown[] = []): Promise<void> {
    await db.execute(`${select} FOR UPDATE`, params);
  },

  async createSequence(db: SqlRunner, name: string, start: number): Promise<void> {
    await db.execute(`CREATE SEQUENCE IF NOT EXISTS ${identifier(name)} START ${Math.trunc(start)}`);
  },

  nextValueSql: (name: string) => `nextval('${identifier(name)}')`,

  insertStatements(tables: readonly TableRows[]): Statement[] {
    const filled = tables.filter((t) => t.rows.length);
    if (!filled.length) return [];
    return [{ sql: cte(filled), params: filled.flatMap((t) => t.rows.flat()) }];
  },

  withSession: withPgSession,
};

/**
 * One statement for all the inserts (data-modifying CTEs). Its text depends on the tables, their
 * columns and their row counts only (placed orders come in a few shapes): each shape is built once.
 */
const cteCache = new Map<string, string>();
const columnsIds = new WeakMap<readonly string[], number>();
let nextColumnsId = 0;
function cte(tables: readonly TableRows[]): string {
  let key = '';
  for (const t of tables) {
    let id = columnsIds.get(t.columns);
    if (id === undefined) columnsIds.set(t.columns, (id = nextColumnsId++));
    key += `${t.table}#${id}x${t.rows.length};`;
  }
  let sql = cteCache.get(key);
  if (!sql) {
    sql = `WITH ${tables.map((t, i) => `t${i} AS (${insertSql(t.table, t.columns, t.rows.length)})`).join(', ')} SELECT 1`;
    if (cteCache.size >= 200) cteCache.clear();
    cteCache.set(key, sql);
  }
  return sql;
}
