// The PostgreSQL session path: placeOrder's hot path runs on one pooled connection, used directly,
// with BEGIN riding along with its first statement and COMMIT with its last. The PostgreSQL dialect
// offers it (Dialect.withSession); on SQLite, in process, the ORM's transaction costs no round trips,
// so there is nothing to save.
import { EventType } from '@mikro-orm/core';
import type { Em } from './orm.js';
import type { SqlMethod, Statement } from './sql-runner.js';
import type { Session } from './dialect.js';
import { countStatement } from './sql-counter.js';
import { inSqlSpan } from './sql-spans.js';
import { markPrepared, markRefused, placeholderParts, preparedShape, prepares, type PreparedShape } from './pg-prepared.js';

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
 * transaction costs no round trips of its own; writes nobody reads the answer of (`defer`) wait for the
 * next round trip, and independent statements can share one (`executeAll`). Hot paths only (placeOrder, and
 * the plain transactions of plain-transaction.ts); everything else uses the ORM.
 */
export class PgSession implements Session {
  private beginPending = false;
  private inTransaction = false;
  /** Writes whose answers nobody reads (`defer`): they go out with the next statement or COMMIT. */
  private deferred: Statement[] = [];

  constructor(
    private readonly em: Em,
    private readonly conn: PgClient,
    /** Whether shapes sent often are PREPAREd (pg-prepared.ts), or everything goes inline. */
    private readonly preparing = true,
  ) {}

  getDriver(): ReturnType<Em['getDriver']> {
    return this.em.getDriver();
  }

  async execute(sql: string, params: readonly unknown[] = [], method: SqlMethod = 'all'): Promise<any> {
    const res = await this.sendWithDeferred([{ sql, params: params as unknown[] }]);
    return shape(res[res.length - 1], method);
  }

  /** Several statements in one round trip (after the deferred ones): each one's rows. */
  async executeAll(statements: readonly Statement[]): Promise<any[][]> {
    if (!statements.length && !this.deferred.length) return [];
    const res = await this.sendWithDeferred(statements);
    return res.slice(res.length - statements.length).map((r) => r.rows);
  }

  /** Several statements in one round trip, each one's answer as `execute` gives it with that method. */
  async executeEach(statements: readonly Statement[], methods: readonly SqlMethod[]): Promise<any[]> {
    const res = await this.sendWithDeferred(statements);
    return res.slice(res.length - statements.length).map((r, i) => shape(r, methods[i]));
  }

  /**
   * Holds a write until the transaction's next statement or its COMMIT, which carry it in the same round
   * trip (statements still run in the order they were given; an error fails that next call instead).
   */
  defer(statement: Statement): void {
    this.deferred.push(statement);
  }

  /** The deferred statements, then `statements` (and `tail`: COMMIT), in one round trip. */
  private async sendWithDeferred(statements: readonly Statement[], tail: string[] = []): Promise<PgResult[]> {
    const all = [...this.deferred, ...statements];
    this.deferred = [];
    const texts: string[] = [];
    for (const st of all) {
      // What goes on the wire: EXECUTE of the statement's prepared shape, or the statement, values inlined.
      const shape = this.preparing ? preparedShape(this.conn, st.sql, st.params) : undefined;
      const ready = shape && (shape.ready || (await this.prepare(shape)));
      texts.push(ready ? this.executeText(shape, st.params) : this.format(st.sql, st.params));
    }
    return this.send([...texts, ...tail], [...all.map((st) => st.sql), ...tail]);
  }

  private executeText(shape: PreparedShape, params: readonly unknown[]): string {
    return `EXECUTE ${shape.name}(${params.map((v) => this.literal(v)).join(', ')})`;
  }

  /**
   * PREPAREs `shape` on this connection (once; a round trip of its own). Inside a transaction a savepoint
   * guards it, since a refused PREPARE would otherwise abort the transaction; PREPARE itself is not undone
   * by a rollback. A shape PostgreSQL refuses (an error of the statement: class 42 or 0A) goes inline on
   * every connection from then on; after any other error it goes inline this once.
   */
  private async prepare(shape: PreparedShape): Promise<boolean> {
    const prepare = `PREPARE ${shape.name} AS ${shape.text}`;
    try {
      const sql = this.inTransaction ? `SAVEPOINT ordo_prepare;\n${prepare};\nRELEASE SAVEPOINT ordo_prepare` : prepare;
      // Not counted (sql-counter.ts): a connection's one-off setup, like its opening, not a statement the
      // request costs once connections are warm, which is what the statement budgets hold.
      await this.conn.query(sql);
      markPrepared(this.conn, shape);
      return true;
    } catch (e) {
      const code = String((e as { code?: string }).code ?? '');
      if (code === DUPLICATE_PREPARED) markPrepared(this.conn, shape); // there already: use it
      else if (code.startsWith('42') || code.startsWith('0A')) markRefused(shape);
      if (this.inTransaction) {
        try {
          await this.conn.query('ROLLBACK TO SAVEPOINT ordo_prepare; RELEASE SAVEPOINT ordo_prepare');
        } catch (e) {
          throw this.em.getDriver().convertException(e as Error); // the connection itself failed
        }
      }
      return code === DUPLICATE_PREPARED;
    }
  }

  /** Starts a transaction; BEGIN goes out with the next statement. */
  begin(): void {
    this.beginPending = true;
  }

  /** Runs the last statements of the transaction and commits, in one round trip. */
  async commit(more: Statement[] = []): Promise<void> {
    if (this.beginPending && !more.length && !this.deferred.length) {
      this.beginPending = false; // nothing was sent: nothing to commit
      return;
    }
    await this.sendWithDeferred(more, ['COMMIT']);
    this.inTransaction = false;
    this.committed();
  }

  /**
   * What the ORM tells its subscribers after a transaction of its own: without it, the outbox relay
   * (kicked by afterTransactionCommit, app.ts) would find this transaction's events only at its next poll,
   * up to a second later at each step of an order. The transaction has committed whatever a subscriber
   * does, and the relay's poll still finds the events: a failing subscriber must neither look like a failed
   * commit to the caller (the group commit would run its orders again) nor end the process (the ORM runs
   * subscribers in a promise, so its failure would be an unhandled rejection).
   */
  private committed(): void {
    try {
      const answer = this.em.getEventManager().dispatchEvent(EventType.afterTransactionCommit, { em: this.em });
      if (answer instanceof Promise) answer.catch(() => {});
    } catch {
      // committed all the same (see above)
    }
  }

  /** Rolls back what was sent (nothing goes out when the transaction never reached the database). */
  async rollback(): Promise<void> {
    this.beginPending = false;
    this.deferred = [];
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
    const parts = placeholderParts(sql);
    if (parts.length - 1 !== params.length || sql.includes('??') || sql.includes('\\?')) return this.em.getPlatform().formatQuery(sql, params as unknown[]);
    let out = parts[0];
    for (let i = 0; i < params.length; i++) out += this.literal(params[i]) + parts[i + 1];
    return out;
  }

  /** A value as an SQL literal, as the platform writes it. */
  private literal(v: unknown): string {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string' && !QUOTE_OR_BACKSLASH.test(v)) return `'${v}'`;
    return this.em.getPlatform().quoteValue(v);
  }

  /** `texts`: the statements before their values were inlined (what a trace shows: sql-spans.ts). */
  private async send(statements: string[], texts: readonly string[]): Promise<PgResult[]> {
    if (this.beginPending) {
      statements.unshift('BEGIN');
      this.beginPending = false;
      this.inTransaction = true;
    }
    for (const s of statements) countStatement(s);
    try {
      const text = statements.length === 1 ? statements[0] : statements.join(';\n');
      const res = await inSqlSpan('postgresql', texts, () => this.conn.query(text));
      return Array.isArray(res) ? res : [res];
    } catch (e) {
      // A prepared statement whose tables changed under it (a migration while this process runs) answers
      // "cached plan must not change result type" (0A000) until it is prepared again, and one something
      // else deallocated (DISCARD ALL, a pooler's reset) is not there (26000): either way the pool drops
      // this connection, and with it what this process believes was prepared on it.
      const code = (e as { code?: string }).code;
      if (code === '0A000' || code === '26000') this.conn.__knex__disposed = e;
      throw this.em.getDriver().convertException(e as Error);
    }
  }
}

const QUOTE_OR_BACKSLASH = /['\\]/;
/** PostgreSQL's duplicate_prepared_statement: the connection has the name already. */
const DUPLICATE_PREPARED = '42P05';

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
  const session = new PgSession(em, conn, prepares(client));
  try {
    return await fn(session);
  } finally {
    await session.rollback(); // a no-op unless fn left a transaction open
    await client.releaseConnection(conn);
  }
}
