// PostgreSQL, over the network: transactions write side by side (row locks, SKIP LOCKED), each
// statement is a round trip (so several inserts travel as one statement and placeOrder's transaction
// rides along with its statements), native sequences, timestamptz. See dialect.ts for why each member
// differs from SQLite's.
import { LockMode } from '@mikro-orm/core';
import type { Dialect, TableRows } from './dialect.js';
import { insertSql, type SqlRunner, type Statement } from './sql-runner.js';
import { withPgSession } from './pg-session.js';
import { flatMapOf, flatten } from '../arrays.js';

/** Sequence names already checked: a handful per process, asked for on every order (the test cost 2 µs). */
const identifiers = new Set<string>();

/** A sequence's name goes into the SQL text (no placeholders there): only a plain lower-case identifier. */
function identifier(name: string): string {
  if (identifiers.has(name)) return name;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain lower-case identifier for a sequence`);
  if (identifiers.size < 1_000) identifiers.add(name);
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
    return [{ sql: cte(filled), params: flatMapOf(filled, (t) => (asJson(t) ? [rowsJson(t)] : flatten(t.rows))) }];
  },

  anyOf: (column: string, values: readonly (string | number)[]): Statement => ({ sql: `${column} = ANY(?)`, params: [arrayLiteral(values)] }),

  withSession: withPgSession,
};

/** An array literal of ids, each element quoted (a quote or backslash in one escaped), for `= ANY(?)`. */
function arrayLiteral(values: readonly (string | number)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    out += typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`;
  }
  return `${out}}`;
}

/**
 * One statement for all the inserts (data-modifying CTEs). A table's rows go in as VALUES up to
 * JSON_ROWS - 1 of them; more go in as one JSON parameter that PostgreSQL turns into the table's rows
 * (json_populate_recordset, each value through its column's type as a literal would be). So the text
 * depends on the tables, their columns and their row counts only up to that: the batches' inserts (a
 * walk's shipments, lines and movements for 1 to 32 orders) were a new text per row count, seen too rarely
 * on a connection to be prepared (pg-prepared.ts), and PostgreSQL parsed and planned each anew (a walk's
 * batch up to a millisecond, pg_stat_statements). Few rows stay VALUES: a prepared VALUES of 2 rows cost
 * PostgreSQL 147 µs of CPU against 167 µs as JSON, the same at 4, JSON cheaper from there on (287 against
 * 300 µs at 16; unprepared VALUES 427). Each shape is built once.
 */
const JSON_ROWS = 5;
const asJson = (t: TableRows) => t.rows.length >= JSON_ROWS;

const cteCache = new Map<string, string>();
const columnsIds = new WeakMap<readonly string[], number>();
let nextColumnsId = 0;
function cte(tables: readonly TableRows[]): string {
  let key = '';
  for (const t of tables) {
    let id = columnsIds.get(t.columns);
    if (id === undefined) columnsIds.set(t.columns, (id = nextColumnsId++));
    key += `${t.table}#${id}x${asJson(t) ? 'n' : t.rows.length};`;
  }
  let sql = cteCache.get(key);
  if (!sql) {
    sql = `WITH ${tables.map((t, i) => `t${i} AS (${asJson(t) ? jsonInsertSql(t) : insertSql(t.table, t.columns, t.rows.length)})`).join(', ')} SELECT 1`;
    if (cteCache.size >= 200) cteCache.clear();
    cteCache.set(key, sql);
  }
  return sql;
}

const jsonInsertSql = (t: TableRows): string => {
  const columns = t.columns.join(', ');
  return `INSERT INTO ${t.table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${t.table}, ?::json)`;
};

/**
 * The rows as a JSON array of objects by column name. A JSON column's value is JSON text already (its
 * document goes in as it is); a date goes as its ISO instant (timestamptz reads it exactly).
 */
function rowsJson(t: TableRows): string {
  const keys = t.columns.map((c) => `${JSON.stringify(c)}:`);
  let out = '[';
  for (let r = 0; r < t.rows.length; r++) {
    const row = t.rows[r];
    out += r ? ',{' : '{';
    for (let i = 0; i < keys.length; i++) {
      const v = row[i];
      out += (i ? ',' : '') + keys[i] + (v === null || v === undefined ? 'null' : t.json[i] ? (v as string) : JSON.stringify(v));
    }
    out += '}';
  }
  return `${out}]`;
}
