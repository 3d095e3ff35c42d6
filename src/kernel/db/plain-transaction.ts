// A transaction of plain statements, the same on both databases: on PostgreSQL a session whose BEGIN and
// COMMIT ride along with its first and last statements (pg-session.ts), on SQLite the ORM's transaction
// (in process, where a round trip costs nothing). Hot paths that skip the unit of work use it: placeOrder
// (the transaction half: it holds its session before), the automated walk, the analytics rollups.
import type { Em } from './orm.js';
import { dialectOf, type Session } from './dialect.js';
import { readAll, type SqlMethod, type SqlRunner, type Statement } from './sql-runner.js';
import { sharedTrip } from './shared-trip.js';

/** What the transaction's body answers: its result, and the statements that go out with COMMIT. */
export interface PlainOutcome<T> {
  result: T;
  last: Statement[];
}

/**
 * Runs `body` in a transaction and commits it with `last`; a body that throws rolls everything back. The
 * body gets no EntityManager: only statements (and, on PostgreSQL, no second pooled connection may be
 * waited for inside it, since a full pool would then wait for ever).
 */
export async function plainTransaction<T>(em: Em, body: (db: SqlRunner) => Promise<PlainOutcome<T>>): Promise<T> {
  const { withSession } = dialectOf(em);
  if (withSession) return withSession(em, (session) => sessionTransaction(session, () => body(session)));
  return ormTransaction(em, (tx) => body(tx));
}

/** `body` in a transaction on a session held already (BEGIN with its first statement, COMMIT with `last`). */
export async function sessionTransaction<T>(session: Session, body: () => Promise<PlainOutcome<T>>): Promise<T> {
  session.begin();
  try {
    const { result, last } = await body();
    await session.commit(last);
    return result;
  } catch (e) {
    await session.rollback();
    throw e;
  }
}

/** `body` in the ORM's transaction (its EntityManager flushes at the end), then `last`. */
export function ormTransaction<T>(em: Em, body: (tx: Em) => Promise<PlainOutcome<T>>): Promise<T> {
  return em.fork().transactional(async (tx) => {
    const { result, last } = await body(tx as Em);
    for (const s of last) await tx.execute(s.sql, s.params, 'run');
    return result;
  });
}

/**
 * Independent reads in one round trip, outside any transaction (each statement sees the database as it
 * starts): on PostgreSQL a session sends them together, with those of other callers at the same moment
 * (shared-trip.ts); on SQLite they run one by one.
 */
export function plainReads(em: Em, statements: readonly Statement[]): Promise<any[][]> {
  const { withSession } = dialectOf(em);
  return withSession ? sharedTrip(em, withSession, statements, statements.map(() => 'all')) : readAll(em, statements);
}

/**
 * One statement on its own, committed as it runs, answered as `em.execute` answers it. On PostgreSQL it
 * goes through a session, where a shape sent often is prepared (pg-prepared.ts) and PostgreSQL skips its
 * parse and plan, in a round trip shared with other callers' (shared-trip.ts); inside the caller's
 * transaction, or on SQLite, it is `em.execute`.
 */
export async function plainStatement(em: Em, sql: string, params: readonly unknown[], method: SqlMethod = 'all'): Promise<any> {
  const { withSession } = dialectOf(em);
  if (!withSession || em.isInTransaction()) return em.execute(sql, params as unknown[], method);
  const [answer] = await sharedTrip(em, withSession, [{ sql, params: params as unknown[] }], [method]);
  return answer;
}

/**
 * A read a request waits for (kernel/db/plain-find.ts), as plainStatement runs it, except that on
 * PostgreSQL it shares its round trip only with what is sent in the same turn of the event loop (a
 * request's loaders of one level): plainStatement's millisecond for company would be each read's latency.
 */
export async function plainRead(em: Em, sql: string, params: readonly unknown[]): Promise<any[]> {
  const { withSession } = dialectOf(em);
  if (!withSession || em.isInTransaction()) return em.execute(sql, params as unknown[], 'all');
  const [answer] = await sharedTrip(em, withSession, [{ sql, params: params as unknown[] }], ['all'], true);
  return answer;
}
