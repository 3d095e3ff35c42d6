// A rollup batch's increments added up per row (operations-sql.ts, runBatch): the counts of a batch often
// add to the same rows (every order placed on a day adds to its channel's day row), and each increment
// was a statement of its own, one more row version for PostgreSQL to write and clean up. The runner holds
// the increments (`increment`) and writes each row's sum once, at the place of its first increment: before
// any other statement of the transaction (a read, which must see them; a write, whose place in the lock
// order must not change) and before COMMIT. So the rows are locked in the order the counts first touched
// them, as before, and nothing reads a row before its increments are written.
import type { SqlMethod, SqlRunner, Statement } from '../kernel/db/sql-runner.js';
import { write } from '../kernel/db/sql-runner.js';

interface Held {
  sql: string;
  keys: unknown[];
  adds: number[];
}

export class MergedIncrements implements SqlRunner {
  private held = new Map<string, Held>();

  constructor(private readonly db: SqlRunner) {
    if (db.defer) this.defer = (s) => {
      this.release();
      db.defer!(s);
    };
    if (db.executeAll) this.executeAll = (statements) => {
      this.release();
      return db.executeAll!(statements);
    };
  }

  defer?: (statement: Statement) => void;
  executeAll?: (statements: readonly Statement[]) => Promise<any[][]>;

  getDriver(): ReturnType<SqlRunner['getDriver']> {
    return this.db.getDriver();
  }

  execute(sql: string, params?: readonly unknown[], method?: SqlMethod): Promise<any> {
    this.release();
    return this.db.execute(sql, params, method);
  }

  /** An increment of the row `keys` by `adds` (columns in `sql`'s order): added to what the row holds already in this batch. */
  add(sql: string, keys: unknown[], adds: number[]): void {
    const id = `${sql}|${JSON.stringify(keys)}`;
    const held = this.held.get(id);
    if (held) held.adds.forEach((_, i) => (held.adds[i] += adds[i]));
    else this.held.set(id, { sql, keys, adds: [...adds] });
  }

  /** The held increments as statements, in the order they were first added (and none held after). */
  statements(): Statement[] {
    const out = [...this.held.values()].map((h) => ({ sql: h.sql, params: [...h.keys, ...h.adds] }));
    this.held.clear();
    return out;
  }

  /** Writes the held increments ahead of the next statement: a session holds them for its round trip, anything else runs them now. */
  private release(): void {
    if (!this.held.size) return;
    if (!this.db.defer) throw new Error('MergedIncrements needs a session (defer): elsewhere each increment is written as it comes');
    for (const s of this.statements()) this.db.defer(s);
  }
}

/** Writes an increment now (or, on a session, with its next round trip), or holds it in a batch's MergedIncrements. */
export async function writeIncrement(db: SqlRunner, sql: string, keys: unknown[], adds: number[]): Promise<void> {
  if (db instanceof MergedIncrements) return db.add(sql, keys, adds);
  await write(db, sql, [...keys, ...adds]);
}
