// Lone statements outside any transaction (plainStatement, plainReads: a mail's facts and its row, the
// capture check) that concurrent callers send within a millisecond share one round trip on PostgreSQL:
// an event group's handlers (kernel/outbox/event-group.ts) reach them at about the same moment, and a
// round trip costs the worker and PostgreSQL more CPU than the statement itself. Sent together, the
// statements run as one implicit transaction, so one that fails (a unique key a replay meets) undoes its
// neighbours: the batch then runs each caller's statements alone (kernel/coalescer.ts), and each caller
// gets its own answer or error, as if it had been alone.
import type { Em } from './orm.js';
import type { Session } from './dialect.js';
import type { SqlMethod, Statement } from './sql-runner.js';
import { Coalescer } from '../coalescer.js';
import { sqlCounter } from './sql-counter.js';
import { flatMapOf } from '../arrays.js';

type WithSession = <T>(em: Em, fn: (session: Session) => Promise<T>) => Promise<T>;

interface Trip {
  em: Em;
  statements: readonly Statement[];
  methods: readonly SqlMethod[];
  /** The caller's statement count (sql-counter.ts), if it keeps one. */
  counter: ReturnType<typeof sqlCounter.getStore>;
}

/**
 * How long a statement waits for company, and how many callers share a round trip at most. A read a
 * GraphQL request waits for (`soon`) does not wait a millisecond for callers that may come: it shares
 * its trip only with what the same turn of the event loop sends (the other loaders of its level).
 */
const TRIP = { delayMs: 1, max: 64 };
const SOON = { delayMs: 0, max: 64 };

/** Per ORM (its driver), the callers waiting for the next shared round trip; the `soon` ones apart. */
const trips = new WeakMap<object, Coalescer<Trip, any[]>>();
const soonTrips = new WeakMap<object, Coalescer<Trip, any[]>>();

/** The statements' answers (each as `execute` gives it with its method), sent with other callers' in one round trip. */
export function sharedTrip(em: Em, withSession: WithSession, statements: readonly Statement[], methods: readonly SqlMethod[], soon = false): Promise<any[]> {
  const driver = em.getDriver();
  const byDriver = soon ? soonTrips : trips;
  let c = byDriver.get(driver);
  if (!c) byDriver.set(driver, (c = new Coalescer<Trip, any[]>((items) => send(withSession, items), soon ? SOON : TRIP)));
  return c.add({ em, statements, methods, counter: sqlCounter.getStore() });
}

/**
 * Each caller's statements are counted as its own (x-ordo-count-sql of two requests whose reads shared a
 * trip: each its own), as the session sent them (values inline, or EXECUTE of a prepared shape), none twice.
 */
async function send(withSession: WithSession, items: Trip[]): Promise<any[][]> {
  const trip = () => withSession(items[0].em, (session) => session.executeEach(flatMapOf(items, (i) => i.statements), flatMapOf(items, (i) => i.methods)));
  // Nobody counts (the rule outside benchmarks, tests and ORDO_DEBUG_SQL): nothing to share out. The trip
  // runs in the first caller's context, whose count is none.
  const answers = items.some((i) => i.counter) ? await countedTrip(items, trip) : await trip();
  let at = 0;
  return items.map((i) => answers.slice(at, (at += i.statements.length)));
}

/** The trip with what the session sent shared out among its callers' counts. */
async function countedTrip(items: Trip[], trip: () => Promise<any[]>): Promise<any[]> {
  const sent = { count: 0, statements: [] as string[] };
  const answers = await sqlCounter.run(sent, trip);
  // Anything the session sent before the callers' statements (nothing, as a rule) is the first caller's.
  let from = Math.max(0, sent.statements.length - items.reduce((n, i) => n + i.statements.length, 0));
  items.forEach(({ counter, statements }, i) => {
    const to = from + statements.length;
    const mine = sent.statements.slice(i === 0 ? 0 : from, to);
    from = to;
    if (!counter) return;
    counter.count += mine.length;
    counter.statements?.push(...mine);
  });
  return answers;
}
