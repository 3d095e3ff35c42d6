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
import { flatMapOf } from '../arrays.js';

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
 * What the bodies ask for goes out at once when every body is waiting for an answer or finished (no
 * turn of the event loop in between: a batch's round trip does not wait behind other requests' work),
 * or else once the event loop has run what it can (setImmediate): bodies may wait on each other (a
 * cache one of them fills through its runner), so waiting for all of them to ask could wait for ever.
 * One round trip is out at a time (a session is one connection); what is asked meanwhile goes next.
 */
export async function sharedTransaction<T>(session: Session, bodies: readonly ((db: SqlRunner) => Promise<PlainOutcome<T>>)[]): Promise<T[]> {
  let held: Ask[] = [];
  let sending = false;
  let later: NodeJS.Immediate | null = null;
  let running = bodies.length; // bodies neither waiting for an answer nor finished
  let failure: unknown = null;

  const send = (): void => {
    if (later) clearImmediate(later);
    later = null;
    if (sending || !held.length) return;
    const asks = held;
    held = [];
    sending = true;
    session.executeEach(flatMapOf(asks, (a) => a.statements), flatMapOf(asks, (a) => a.methods)).then(
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
      poke();
    });
  };
  const poke = (): void => {
    if (sending || !held.length) return;
    if (running === 0) send();
    else later ??= setImmediate(send);
  };

  /** A body's runner, and `finish` for when the body settled; a body runs unless it waits or finished. */
  const runnerFor = (): { db: SqlRunner & Pick<Session, 'executeEach'>; finish: () => void } => {
    let waiting = 0;
    let done = false;
    const change = (fn: () => void): void => {
      const was = !done && waiting === 0;
      fn();
      running += (!done && waiting === 0 ? 1 : 0) - (was ? 1 : 0);
    };
    const ask = (statements: readonly Statement[], methods: readonly SqlMethod[]): Promise<any[]> =>
      new Promise<any[]>((resolve, reject) => {
        const answered = (): void => change(() => waiting--);
        held.push({ statements, methods, resolve: (v) => { answered(); resolve(v); }, reject: (e) => { answered(); reject(e); } });
        change(() => waiting++);
        poke();
      });
    return {
      db: {
        getDriver: () => session.getDriver(),
        execute: async (sql, params = [], method = 'all') => (await ask([{ sql, params: params as unknown[] }], [method]))[0],
        executeAll: (statements) => ask(statements, statements.map(() => 'all')),
        executeEach: (statements, methods) => ask(statements, methods),
        // A write nobody reads the answer of goes out with the transaction's next round trip, whoever's.
        defer: (statement) => session.defer?.(statement),
      },
      finish: () => {
        change(() => (done = true));
        poke();
      },
    };
  };

  const settled = await Promise.allSettled(
    bodies.map(async (body) => {
      const r = runnerFor();
      try {
        return await body(r.db);
      } finally {
        r.finish();
      }
    }),
  );
  const thrown = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (thrown || failure) throw thrown ? thrown.reason : failure;
  const outcomes = settled.map((s) => (s as PromiseFulfilledResult<PlainOutcome<T>>).value);
  await session.commit(flatMapOf(outcomes, (o) => o.last));
  return outcomes.map((o) => o.result);
}
