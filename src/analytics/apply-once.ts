import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlRunner, Statement } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';

const CLAIM = 'INSERT INTO rollup_event (event_id, rollup, created_at) VALUES (?, ?, ?) ON CONFLICT (event_id, rollup) DO NOTHING RETURNING event_id';

/**
 * Claims (event, rollup) in the caller's transaction: true the first time, false when that rollup has
 * counted the event already. Call it first in the transaction that writes the increments.
 */
export async function claimEvent(tx: SqlRunner, eventId: number | string, rollup: string): Promise<boolean> {
  const rows = await tx.execute(CLAIM, [String(eventId), rollup, dialectOf(tx).date(new Date())]);
  return rows.length > 0;
}

/**
 * The claims of a batch's events for a PostgreSQL session (kernel/db/pg-session.ts) to hold for the
 * transaction's next round trip (`defer`), so that they cost none of their own: one plain INSERT. When the
 * rollup counted one of the events before, it fails on the primary key (`claimedBefore`), which rolls back
 * whatever the transaction did after it.
 */
export const claimLater = (db: SqlRunner, eventIds: readonly (number | string)[], rollup: string): Statement => {
  const at = dialectOf(db).date(new Date());
  return {
    sql: `INSERT INTO rollup_event (event_id, rollup, created_at) VALUES ${eventIds.map(() => '(?, ?, ?)').join(', ')}`,
    params: eventIds.flatMap((id) => [String(id), rollup, at]),
  };
};

/** Whether an error is `claimLater`'s: the event was counted before. */
export const claimedBefore = (e: unknown): boolean =>
  e instanceof UniqueConstraintViolationException && (e as { constraint?: string }).constraint === 'rollup_event_pkey';
