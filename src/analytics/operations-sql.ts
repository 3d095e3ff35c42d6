// What the fulfillment, returns and customer rollups share: the increment statement (one atomic upsert
// on both databases), the channel's time zone and the handler's transaction with its claim.
import type { Em } from '../kernel/db/orm.js';
import { write, type SqlRunner } from '../kernel/db/sql-runner.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import type { DomainEvent, EventHandler, JobContext } from '../kernel/module.js';
import { claimEvent, claimedBefore, claimLater } from './apply-once.js';

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
 * A handler that counts an event once for `rollup`: its own transaction, the claim first
 * (apply-once.ts), then `apply`'s increments; a replayed or retried event finds the claim and adds nothing.
 * Plain statements (kernel/db/plain-transaction.ts): on PostgreSQL BEGIN rides with the claim and the
 * increments (`write`) with COMMIT.
 */
export function rollupHandler(rollup: string, apply: (tx: SqlRunner, event: DomainEvent) => Promise<void>): EventHandler {
  return (event: DomainEvent, ctx: JobContext) => claimed(ctx.em as Em, event.id, rollup, (db) => apply(db, event));
}

/**
 * `apply` in a plain transaction that first claims (event, rollup); nothing when it was claimed before. On
 * a PostgreSQL session the claim rides with `apply`'s first round trip and a repeat rolls back (claimLater).
 */
export async function claimed(em: Em, eventId: number, rollup: string, apply: (db: SqlRunner) => Promise<void>): Promise<void> {
  try {
    await plainTransaction(em, async (db) => {
      const done = { result: undefined, last: [] };
      if (db.defer) db.defer(claimLater(db, eventId, rollup));
      else if (!(await claimEvent(db, eventId, rollup))) return done;
      await apply(db);
      return done;
    });
  } catch (e) {
    if (!claimedBefore(e)) throw e;
  }
}

/** A string field of an event's payload ('' when missing). */
export const field = (event: DomainEvent, name: string): string => String((event.payload as Record<string, unknown>)[name] ?? '');

/** True the first time `subjectId` is marked with `mark` (in the caller's transaction): count it then only. */
export async function markOnce(tx: SqlRunner, subjectId: string, mark: string): Promise<boolean> {
  const rows = await tx.execute('INSERT INTO operations_mark (subject_id, mark) VALUES (?, ?) ON CONFLICT (subject_id, mark) DO NOTHING RETURNING subject_id', [subjectId, mark]);
  return rows.length > 0;
}
