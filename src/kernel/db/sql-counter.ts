// The SQL statement counter: each request (or job) that asks for it gets a count of the statements it
// sent, and optionally the statements. Benchmarks, the statement-budget tests and `x-ordo-sql-count`
// read it; the ORM's queries are counted from knex's query event (orm.ts), the PostgreSQL session's
// from the session itself (pg-session.ts), which sends without knex.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Counts SQL statements per request (benchmarks and the statement-budget tests read it). */
export const sqlCounter = new AsyncLocalStorage<{ count: number; statements?: string[] }>();

/** Adds a statement to the request's count (when a request asks for it). */
export function countStatement(sql: string): void {
  const store = sqlCounter.getStore();
  if (store) {
    store.count++;
    store.statements?.push(sql);
  }
}

/**
 * Runs `run` with a count of its own and hands `done` its statements and milliseconds (ORDO_DEBUG_SQL's
 * job and handler lines); an enclosing count (a handler's job) counts them too.
 */
export async function measured<T>(run: () => Promise<T>, done: (statements: number, ms: number) => void): Promise<T> {
  const outer = sqlCounter.getStore();
  const store = { count: 0 };
  const started = performance.now();
  try {
    return await sqlCounter.run(store, run);
  } finally {
    if (outer) outer.count += store.count;
    done(store.count, Math.round(performance.now() - started));
  }
}
