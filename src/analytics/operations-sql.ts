// What the fulfillment, returns and customer rollups share: the increment statement (one atomic upsert
// on both databases), the channel's time zone and the handler's transaction with its claim.
import type { Em } from '../kernel/db/orm.js';
import { write, type SqlRunner } from '../kernel/db/sql-runner.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import type { DomainEvent, EventHandler, JobContext } from '../kernel/module.js';
import { claimEvent, claimedBefore, claimLater } from './apply-once.js';
import { Coalescer } from '../kernel/coalescer.js';

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
  await write(tx, sql, [...k.map((c) => keys[c]), ...a.map((c) => adds[c])]);
}

/**
 * The channel's time zone, joined into the row a handler reads anyway (`JOIN channel c … c.time_zone`):
 * its reports' days, with no statement of its own.
 */
export const zoneOf = (row: { time_zone?: string | null }): string => row.time_zone || 'UTC';

/**
 * A handler that counts an event once for `rollup`: in a transaction (shared with the rollup's other
 * counts asked for at the same moment: `claimed`), the claim first (apply-once.ts), then `apply`'s
 * increments; a replayed or retried event finds the claim and adds nothing. Plain statements
 * (kernel/db/plain-transaction.ts): on PostgreSQL BEGIN rides with the claim and the increments (`write`)
 * with the next read or COMMIT.
 */
export function rollupHandler(rollup: string, apply: (tx: SqlRunner, event: DomainEvent) => Promise<void>): EventHandler {
  return (event: DomainEvent, ctx: JobContext) => claimed(ctx.em as Em, event.id, rollup, (db) => apply(db, event));
}

/** One rollup's count of one event, waiting for the batch that runs it (`claimed`). */
interface Claim {
  em: Em;
  eventId: number;
  rollup: string;
  apply: (db: SqlRunner) => Promise<void>;
}

/** The counts that wait for a transaction, per ORM (its driver) and rollup. */
const batches = new WeakMap<object, Map<string, Coalescer<Claim, void>>>();

/** How long a count waits for others of its rollup, and how many share one transaction at most. */
const BATCH = { delayMs: 2, max: 32 };

/**
 * `apply` in a plain transaction that first claims (event, rollup); nothing when it was claimed before.
 * The counts of one rollup that a worker's event jobs ask for at once share that transaction (one BEGIN,
 * one COMMIT, the writes riding with the next reads: `runBatch`); a batch that fails (a repeat among them,
 * a conflict) runs its counts one by one (kernel/coalescer.ts), so a repeat is skipped and an error is
 * its own event's.
 */
export function claimed(em: Em, eventId: number, rollup: string, apply: (db: SqlRunner) => Promise<void>): Promise<void> {
  const driver = em.getDriver();
  let byRollup = batches.get(driver);
  if (!byRollup) batches.set(driver, (byRollup = new Map()));
  let c = byRollup.get(rollup);
  if (!c) byRollup.set(rollup, (c = new Coalescer<Claim, void>(runBatch, BATCH)));
  return c.add({ em, eventId, rollup, apply });
}

/**
 * The counts in one plain transaction, each claimed before it is applied. On a PostgreSQL session the
 * claims ride with the first read and a repeat rolls the whole batch back (claimLater); batches of more
 * than one first take the rollup's advisory lock, so that two workers' batches, which write the same
 * day rows (every order adds to its channel's day) in the order of their events, never wait for each
 * other crosswise (a deadlock): they take turns instead.
 */
async function runBatch(items: Claim[]): Promise<void[]> {
  try {
    await plainTransaction(items[0].em, async (db) => {
      if (db.defer) {
        // The counts need not reach the disk before COMMIT answers: the event's acknowledgement is
        // written after them, and its COMMIT (synchronous) flushes the log up to it, these counts
        // included. A crash of PostgreSQL before that loses both the counts and the acknowledgement, so
        // the event is counted again, once. Saves a wait for the disk per transaction.
        db.defer({ sql: 'SET LOCAL synchronous_commit = off', params: [] });
        if (items.length > 1) db.defer({ sql: 'SELECT pg_advisory_xact_lock(?)', params: [lockKey(items[0].rollup)] });
        for (const it of items) db.defer(claimLater(db, it.eventId, it.rollup));
      }
      for (const it of items) {
        if (!db.defer && !(await claimEvent(db, it.eventId, it.rollup))) continue;
        await it.apply(db);
      }
      return { result: undefined, last: [] };
    });
  } catch (e) {
    // A repeat alone in its batch: counted before, nothing to do. In a larger batch the coalescer
    // reruns each count alone.
    if (items.length > 1 || !claimedBefore(e)) throw e;
  }
  return items.map(() => undefined);
}

/** The rollup's advisory lock key: a number of its name (PostgreSQL's advisory locks take a bigint). */
const lockKey = (rollup: string): number => {
  let h = 7270100;
  for (const ch of rollup) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
};

/** A string field of an event's payload ('' when missing). */
export const field = (event: DomainEvent, name: string): string => String((event.payload as Record<string, unknown>)[name] ?? '');

/** True the first time `subjectId` is marked with `mark` (in the caller's transaction): count it then only. */
export async function markOnce(tx: SqlRunner, subjectId: string, mark: string): Promise<boolean> {
  const rows = await tx.execute('INSERT INTO operations_mark (subject_id, mark) VALUES (?, ?) ON CONFLICT (subject_id, mark) DO NOTHING RETURNING subject_id', [subjectId, mark]);
  return rows.length > 0;
}
