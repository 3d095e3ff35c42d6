// SQLite, embedded: one writer at a time, statements are function calls in process (no round trips),
// no date type (the ORM keeps epoch milliseconds), no row locks, no sequences. See dialect.ts for why
// each member differs from PostgreSQL's.
import type { Dialect, TableRows } from './dialect.js';
import { insertSql, marks, type SqlRunner, type Statement } from './sql-runner.js';
import { flatten } from '../arrays.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',

  date: (d: Date) => d.getTime(),

  readDate(raw: Date | number | string): Date {
    if (raw instanceof Date) return raw;
    return new Date(typeof raw === 'number' || /^-?\d+$/.test(raw) ? Number(raw) : raw);
  },

  ilike: (pattern: string) => ({ $like: pattern }),

  jsonArrayRows: (column: string) => `json_each(${column})`,
  jsonArrayField: (column: string, field: string) => ({ from: `json_each(${column}) AS json_items`, value: `json_extract(json_items.value, '$.${field}')` }),

  // A getter: MikroORM writes into the options it is given, so each read gets its own (empty) object.
  get lockedRead() {
    return {};
  },

  forUpdate: () => '',

  async lockRows(_db: SqlRunner, _select: string, _params?: readonly unknown[]): Promise<void> {},

  async createSequence(_db: SqlRunner, _name: string, _start: number): Promise<void> {},

  nextValueSql: () => null,

  anyOf: (column: string, values: readonly (string | number)[]): Statement =>
    values.length ? { sql: `${column} IN (${marks(values.length)})`, params: [...values] } : { sql: '1 = 0', params: [] },

  insertStatements: (tables: readonly TableRows[]): Statement[] =>
    tables.filter((t) => t.rows.length).map((t) => ({ sql: insertSql(t.table, t.columns, t.rows.length), params: flatten(t.rows) })),

  withSession: null,
};
