// Group commit: several callers' transactions run as one on one PostgreSQL session. The statements the
// callers' bodies ask for at the same moment go out together in one round trip (each still sees what
// those before it did), and the bodies' last statements go out with one COMMIT. On this 2-core VM a
// write that wakes PostgreSQL costs the engine about a tenth of a placeOrder's CPU; a batch of k orders
// makes two such writes instead of 2k, and PostgreSQL commits once instead of k times. All or nothing:
// if any body throws or any statement fails, nothing commits and the caller runs each body again on its
// own (orders/placement-batches.ts), so that one caller's trouble is never its neighbours' answer.
import type { Session } from './dialect.js';
import type { PlainOutcome } from './plain-transaction.js';
import type { SqlMethod, SqlRunner, Statement } from './sql-runner.js';

interface Ask {
  statements: readonly Statement[];
  methods: readonly SqlMethod[];
  resolve: (answers: any[]) => void;
  reject: (e: unknown) => void;
}

/**
 * Runs every body in the transaction `session` has begun, and commits it with all their `last`
 * statements: their results in order. Rejects (the caller rolls back) with the first error of a body
 * or a statement, once every body has settled.
 *
 * The statements asked for are sent once the event loop has run what it can (setImmediate): by then
 * every body has asked what it asks without waiting for anything else. One round trip is out at a time
 * (a session is one connection); what is asked meanwhile goes with the next. Not a barrier that waits
 * for every body to ask: bodies may wait on each other (a cache one of them fills through its runner).
 */
export async function sharedTransaction<T>(session: Session, bodies: readonly ((db: SqlRunner) => Promise<PlainOutcome<T>>)[]): Promise<T[]> {
  let held: Ask[] = [];
  let sending = false;
  let scheduled = false;
  let failure: unknown = null;

  const schedule = (): void => {
    if (scheduled || sending || !held.length) return;
    scheduled = true;
    setImmediate(send);
  };
  const send = (): void => {
    scheduled = false;
    const asks = held;
    held = [];
    sending = true;
    session.executeEach(asks.flatMap((a) => a.statements), asks.flatMap((a) => a.methods)).then(
      (answers) => {
        let at = 0;
        for (const a of asks) {
          a.resolve(answers.slice(at, at + a.statements.length));
          at += a.statements.length;
        }
      },
      (e) => {
        failure ??= e;
        for (const a of asks) a.reject(e);
      },
    ).finally(() => {
      sending = false;
      schedule();
    });
  };

  const ask = (statements: readonly Statement[], methods: readonly SqlMethod[]): Promise<any[]> =>
    new Promise<any[]>((resolve, reject) => {
      held.push({ statements, methods, resolve, reject });
      schedule();
    });
  const db: SqlRunner & Pick<Session, 'executeEach'> = {
    getDriver: () => session.getDriver(),
    execute: async (sql, params = [], method = 'all') => (await ask([{ sql, params: params as unknown[] }], [method]))[0],
    executeAll: (statements) => ask(statements, statements.map(() => 'all')),
    executeEach: (statements, methods) => ask(statements, methods),
    // A write nobody reads the answer of goes out with the transaction's next round trip, whoever's.
    defer: (statement) => session.defer?.(statement),
  };

  const settled = await Promise.allSettled(bodies.map((body) => body(db)));
  const thrown = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (thrown || failure) throw thrown ? thrown.reason : failure;
  const outcomes = settled.map((s) => (s as PromiseFulfilledResult<PlainOutcome<T>>).value);
  await session.commit(outcomes.flatMap((o) => o.last));
  return outcomes.map((o) => o.result);
}
