// What the fulfillment, returns and customer rollups share: the increment statement (one atomic upsert
// on both databases), the channel's time zone and the handler's transaction with its claim.
import type { Em } from '../kernel/db/orm.js';
import { readAll, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import type { DomainEvent, EventHandler, JobContext } from '../kernel/module.js';
import { claimEvent, claimedBefore, claimLater } from './apply-once.js';
import { Coalescer } from '../kernel/coalescer.js';
import { MergedIncrements, writeIncrement } from './merged-increments.js';

const statements = new Map<string, string>();

/**
 * Adds `adds` to the row of `keys` in `table`, creating it: `INSERT … ON CONFLICT (keys) DO UPDATE SET
 * x = x + excluded.x`, one statement, so concurrent handlers never lose an increment.
 */
export async function increment(tx: SqlRunner, table: string, keys: Record<string, unknown>, adds: Record<string, number>): Promise<void> {
  const k = Object.keys(keys);
  const a = Object.keys(adds).filter((c) => adds[c] !== 0);
  if (!a.length) return;
  const id = `${table}|${k.join(',')}|${a.join(',')}`;
  let sql = statements.get(id);
  if (!sql) {
    const cols = [...k, ...a];
    sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (${k.join(', ')}) DO UPDATE SET ${a.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
    statements.set(id, sql);
  }
  await writeIncrement(tx, sql, k.map((c) => keys[c]), a.map((c) => adds[c]));
}

/**
 * The channel's time zone, joined into the row a handler reads anyway (`JOIN channel c … c.time_zone`):
 * its reports' days, with no statement of its own.
 */
export const zoneOf = (row: { time_zone?: string | null }): string => row.time_zone || 'UTC';

/**
 * One rollup's count of one event: the statements it reads first, and what it adds with their answers.
 * The reads of a batch's counts go out together (`runBatch`: one round trip on PostgreSQL, the claims
 * riding with them), each count's in its own order, so a read that locks (an upsert) holds its lock for
 * the reads after it. A count reads only what no count of the batch writes (its increments wait for the
 * next round trip or COMMIT), or says with `once` that it recounts state: of the counts of a batch with
 * the same `once`, the first alone reads and applies (the others are claimed and add nothing).
 */
export interface RollupCount {
  reads: Statement[];
  apply: (db: SqlRunner, answers: any[][]) => Promise<void>;
  once?: string;
  /**
   * Counts that can run as one: the counts of a batch with the same `kind` are replaced by the one count
   * `count` makes of their `id`s (distinct, sorted), at the first one's place (the sales rollup recounts
   * a batch's orders with one statement per table instead of one per order and table).
   */
  together?: { kind: string; id: string; count: (ids: string[]) => RollupCount };
}

/** A count that reads nothing first. */
export const countWith = (apply: (db: SqlRunner) => Promise<void>): RollupCount => ({ reads: [], apply: (db) => apply(db) });

/**
 * A handler that counts an event once for `rollup`: in a transaction (shared with the rollup's other
 * counts asked for at the same moment: `claimed`), the claim first (apply-once.ts), then `count`'s reads
 * and increments; a replayed or retried event finds the claim and adds nothing. Plain statements
 * (kernel/db/plain-transaction.ts): on PostgreSQL BEGIN rides with the claims and the batch's reads, the
 * increments (`write`) with COMMIT.
 */
export function rollupHandler(rollup: string, count: (event: DomainEvent) => RollupCount): EventHandler {
  return (event: DomainEvent, ctx: JobContext) => claimed(ctx.em as Em, event.id, rollup, count(event));
}

/** One rollup's count of one event, waiting for the batch that runs it (`claimed`). */
interface Claim {
  em: Em;
  eventId: number;
  rollup: string;
  count: RollupCount;
}

/** The counts that wait for a transaction, per ORM (its driver) and rollup. */
const batches = new WeakMap<object, Map<string, Coalescer<Claim, void>>>();

/**
 * How long a count waits for others of its rollup, and how many share one transaction at most. One
 * batch at a time per process (serial): the batches take the rollup's lock in turn anyway, and a
 * process's next batch would only wait for it inside PostgreSQL, holding a pooled connection (and its
 * jobs) meanwhile; waiting here it gathers what arrives meanwhile into one transaction instead.
 */
const BATCH = { delayMs: 2, max: 32, serial: true };

/**
 * `count` in a plain transaction that first claims (event, rollup); nothing when it was claimed before.
 * The counts of one rollup that a worker's event jobs ask for at once share that transaction (one BEGIN,
 * one round trip for the claims and every count's reads, the writes riding with COMMIT: `runBatch`); a
 * batch that fails (a repeat among them, a conflict) runs its counts one by one (kernel/coalescer.ts), so
 * a repeat is skipped and an error is its own event's.
 */
export function claimed(em: Em, eventId: number, rollup: string, count: RollupCount): Promise<void> {
  const driver = em.getDriver();
  let byRollup = batches.get(driver);
  if (!byRollup) batches.set(driver, (byRollup = new Map()));
  let c = byRollup.get(rollup);
  if (!c) byRollup.set(rollup, (c = new Coalescer<Claim, void>(runBatch, BATCH)));
  return c.add({ em, eventId, rollup, count });
}

/**
 * The counts in one plain transaction, each claimed before it is applied. On a PostgreSQL session the
 * claims ride with the reads and a repeat rolls the whole batch back (claimLater); batches of more
 * than one first take the rollup's advisory lock, so that two workers' batches, which write the same
 * day rows (every order adds to its channel's day) in the order of their events, never wait for each
 * other crosswise (a deadlock): they take turns instead.
 */
async function runBatch(items: Claim[]): Promise<void[]> {
  try {
    await plainTransaction(items[0].em, async (db) => {
      let todo = items;
      let tx: SqlRunner = db;
      if (db.defer) {
        // The counts need not reach the disk before COMMIT answers: the event's acknowledgement is
        // written after them, and its COMMIT (synchronous) flushes the log up to it, these counts
        // included. A crash of PostgreSQL before that loses both the counts and the acknowledgement, so
        // the event is counted again, once. Saves a wait for the disk per transaction.
        db.defer({ sql: 'SET LOCAL synchronous_commit = off', params: [] });
        if (items.length > 1) db.defer({ sql: 'SELECT pg_advisory_xact_lock(?)', params: [lockKey(items[0].rollup)] });
        db.defer(claimLater(db, items.map((it) => it.eventId), items[0].rollup));
        // The counts' increments of one row add up to one statement (merged-increments.ts).
        tx = new MergedIncrements(db);
      } else {
        todo = [];
        for (const it of items) if (await claimEvent(db, it.eventId, it.rollup)) todo.push(it);
      }
      const counts = joined(onceEach(todo.map((t) => t.count)));
      const reads = counts.flatMap((c) => c.reads);
      const answers = reads.length ? await readAll(tx, reads) : [];
      let at = 0;
      for (const c of counts) await c.apply(tx, answers.slice(at, (at += c.reads.length)));
      return { result: undefined, last: tx instanceof MergedIncrements ? tx.statements() : [] };
    });
  } catch (e) {
    // A repeat alone in its batch: counted before, nothing to do. In a larger batch the coalescer
    // reruns each count alone.
    if (items.length > 1 || !claimedBefore(e)) throw e;
  }
  return items.map(() => undefined);
}

/** Of the counts that recount the same state (`once`), the first alone. */
function onceEach(all: RollupCount[]): RollupCount[] {
  const out: RollupCount[] = [];
  const seen = new Set<string>();
  for (const count of all) {
    if (count.once !== undefined && seen.has(count.once)) continue;
    if (count.once !== undefined) seen.add(count.once);
    out.push(count);
  }
  return out;
}

/** The counts that run together (`together`) made into one, at the place of the first of its kind. */
function joined(all: RollupCount[]): RollupCount[] {
  const ids = new Map<string, Set<string>>();
  for (const c of all) if (c.together) (ids.get(c.together.kind) ?? ids.set(c.together.kind, new Set()).get(c.together.kind)!).add(c.together.id);
  const out: RollupCount[] = [];
  for (const c of all) {
    if (!c.together) out.push(c);
    else if (ids.has(c.together.kind)) {
      out.push(c.together.count([...ids.get(c.together.kind)!].sort()));
      ids.delete(c.together.kind);
    }
  }
  return out;
}

/** The rollup's advisory lock key: a number of its name (PostgreSQL's advisory locks take a bigint). */
const lockKey = (rollup: string): number => {
  let h = 7270100;
  for (const ch of rollup) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
};

/** A string field of an event's payload ('' when missing). */
export const field = (event: DomainEvent, name: string): string => String((event.payload as Record<string, unknown>)[name] ?? '');

/**
 * The statement that marks `subjectId` with `mark` when `exists` (a condition on rows, with its parameters)
 * holds: it answers a row the first time only, so a count read with it adds then only.
 */
export const markOnceIf = (subjectId: string, mark: string, exists: string, params: unknown[]): Statement => ({
  sql: `INSERT INTO operations_mark (subject_id, mark) SELECT CAST(? AS text), CAST(? AS text) WHERE EXISTS (${exists}) ON CONFLICT (subject_id, mark) DO NOTHING RETURNING subject_id`,
  params: [subjectId, mark, ...params],
});
