// What differs between PostgreSQL and SQLite, in one object per database (postgresql-dialect.ts,
// sqlite-dialect.ts side by side): services and plugins ask the connection they run on for its dialect
// (`dialectOf(db)`) and call its members, instead of branching on the database in the middle of their
// code. Each member says why the two differ. A difference that is new goes here, as a member of both.
import type { LockMode } from '@mikro-orm/core';
import type { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { loadedModule } from '../lazy-require.js';
import type { Em } from './orm.js';
import type { SqlMethod, SqlRunner, Statement } from './sql-runner.js';
import { postgresqlDialect } from './postgresql-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';

export type DialectName = 'postgresql' | 'sqlite';

/** Rows for one table, in the order of `columns` (keep one `columns` array per table: statements are cached by it). */
export interface TableRows {
  table: string;
  columns: readonly string[];
  /** Per column: its values are JSON text already (a JSON column), not values to encode. */
  json: readonly boolean[];
  rows: unknown[][];
}

/** A connection of its own whose transaction control travels with its statements (pg-session.ts). */
export interface Session extends SqlRunner {
  /** Starts a transaction; BEGIN goes out with the next statement. */
  begin(): void;
  /** Sends `last` and COMMIT together. */
  commit(last?: Statement[]): Promise<void>;
  /** Rolls back what was sent, if anything was. */
  rollback(): Promise<void>;
  /** Several statements in one round trip, each one's answer as `execute` gives it with that method. */
  executeEach(statements: readonly Statement[], methods: readonly SqlMethod[]): Promise<any[]>;
}

export interface Dialect {
  readonly name: DialectName;

  /**
   * A datetime as a raw statement's parameter, the way the ORM stores it: timestamptz on PostgreSQL (the
   * driver sends the Date), epoch milliseconds on SQLite (which has no date type; the ORM keeps numbers).
   */
  date(d: Date): Date | number;

  /**
   * A datetime column of a raw statement's row, as a Date: node-postgres parses timestamptz into a Date;
   * SQLite answers the stored epoch milliseconds (a number, or digits as text).
   */
  readDate(raw: Date | number | string): Date;

  /**
   * An ORM filter for a case-insensitive LIKE: PostgreSQL's LIKE heeds case (ILIKE does not); SQLite's
   * LIKE already ignores case (ASCII) and has no ILIKE.
   */
  ilike(pattern: string): { $ilike: string } | { $like: string };

  /**
   * A FROM item that lists the strings of a JSON array column as rows of one column, `value` (a customer's
   * tags): PostgreSQL's jsonb_array_elements_text (the ORM's JSON columns are jsonb there); SQLite's
   * json_each table-valued function, whose `value` column is the element.
   */
  jsonArrayRows(column: string): string;

  /**
   * A string field of the objects of a JSON array column, as rows of one column, `value` (the locations
   * of an order line's allocations): a FROM item after the column's table (PostgreSQL's
   * jsonb_array_elements, implicitly lateral there; SQLite's json_each) and the field read from it.
   */
  jsonArrayField(column: string, field: string): { from: string; value: string };

  /**
   * Find options that lock the rows read until the transaction ends (SELECT … FOR UPDATE) on PostgreSQL,
   * where transactions write side by side; none on SQLite, which has no row locks (one writer at a time).
   */
  readonly lockedRead: { lockMode?: LockMode };

  /**
   * The clause that ends a SELECT locking its rows for the transaction; with `skipLocked`, rows another
   * transaction holds are left out instead of waited for (the outbox relay's claim, so that processes
   * claim different events). Empty on SQLite: one writer at a time, and no such syntax.
   */
  forUpdate(opts?: { skipLocked?: boolean }): string;

  /**
   * Locks the rows `select` reads until the transaction ends, so that what the transaction computes next
   * sees every earlier change of them (PostgreSQL: the SELECT with FOR UPDATE). On SQLite nothing is
   * sent: its transactions write one at a time anyway.
   */
  lockRows(db: SqlRunner, select: string, params?: readonly unknown[]): Promise<void>;

  /**
   * Creates a native sequence (PostgreSQL: it hands out numbers without blocking concurrent
   * transactions; a rolled-back one leaves a gap). Nothing on SQLite, which has none: its numbers come
   * from a counter row moved inside the transaction (one writer at a time, so it blocks no one).
   */
  createSequence(db: SqlRunner, name: string, start: number): Promise<void>;

  /**
   * An SQL expression (no placeholders) that takes a sequence's next number, to fold into a statement
   * that does something else; null on SQLite (no sequences: use a counter row).
   */
  nextValueSql(name: string): string | null;

  /**
   * The statements that insert rows into several tables, in one transaction: one statement on PostgreSQL
   * (data-modifying CTEs, one round trip, foreign keys checked at its end); one INSERT per table on
   * SQLite, where a statement is a function call in process and a CTE cannot hold an INSERT.
   */
  insertStatements(tables: readonly TableRows[]): Statement[];

  /**
   * `column` is one of `values`, as SQL text with placeholders and its parameters. On PostgreSQL
   * `column = ANY(?)` with the values as one array literal: the text is the same for any number of values,
   * so a statement that names a batch's rows is prepared (pg-prepared.ts) and PostgreSQL skips its parse
   * and plan, where `IN (?, ?, …)` was a new text for each batch size. On SQLite `column IN (?, ?, …)`.
   * The values are ids (strings or integers); an empty list matches nothing.
   */
  anyOf(column: string, values: readonly (string | number)[]): Statement;

  /**
   * Runs `fn` on a connection of its own whose BEGIN and COMMIT ride along with its first and last
   * statements (PostgreSQL, where each statement is a round trip: a transaction then costs none of its
   * own). Null on SQLite: in process, the ORM's transaction costs no round trips, so there is nothing to
   * save. Hot paths only (placeOrder); `fn` gets no EntityManager in the transaction.
   */
  readonly withSession: (<T>(em: Em, fn: (session: Session) => Promise<T>) => Promise<T>) | null;
}

/** The dialect of the database `db` (an EntityManager, a transaction's, or a Session) talks to. */
export function dialectOf(db: { getDriver(): object }): Dialect {
  const driver = db.getDriver();
  let dialect = dialects.get(driver);
  if (!dialect) {
    dialect = driverDialect(driver);
    dialects.set(driver, dialect);
  }
  return dialect;
}

const dialects = new WeakMap<object, Dialect>();

// Only the driver the process opened is loaded (orm.ts, lazy-require.ts): a driver class that is not
// loaded has no instances, so it is not loaded here to ask.
function driverDialect(driver: object): Dialect {
  const pg = loadedModule<{ PostgreSqlDriver: typeof PostgreSqlDriver }>('@mikro-orm/postgresql');
  if (pg && driver instanceof pg.PostgreSqlDriver) return postgresqlDialect;
  const sqlite = loadedModule<{ BetterSqliteDriver: typeof BetterSqliteDriver }>('@mikro-orm/better-sqlite');
  if (sqlite && driver instanceof sqlite.BetterSqliteDriver) return sqliteDialect;
  throw new Error(`No dialect for the database driver ${driver.constructor.name}: Ordo runs on PostgreSQL or SQLite.`);
}
