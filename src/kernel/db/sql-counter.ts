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
