import type { SqlRunner } from '../kernel/db/sql-runner.js';
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
