// Every change of a balance: one conditional UPDATE of the account (the database adds, and refuses to
// go below zero when asked to) and one ledger entry whose unique source key makes a repeat a no-op.
// Plain SQL on the caller's transaction, so the pricing step can spend points inside placeOrder's.
import { dialectOf, newId, recordEvent, type Em, type SqlRunner } from '../../src/index.js';
import { LoyaltyEntryKind } from './entities.js';

export interface Posting {
  customerId: string;
  orderId?: string | null;
  kind: LoyaltyEntryKind;
  /** Positive adds, negative takes. */
  points: number;
  /** What caused it; a second posting with the same key changes nothing. */
  sourceKey: string;
  note?: string | null;
}

const now = (db: SqlRunner) => dialectOf(db).date(new Date());

/** Creates the customer's account when there is none yet. */
export async function openAccount(db: SqlRunner, customerId: string): Promise<void> {
  await db.execute(
    'INSERT INTO loyalty_account (customer_id, balance, lifetime_earned, updated_at) VALUES (?, 0, 0, ?) ON CONFLICT (customer_id) DO NOTHING',
    [customerId, now(db)], 'run');
}

/**
 * Locks the account for the rest of the transaction (on PostgreSQL; SQLite transactions write one at a
 * time anyway, and the dialect sends nothing there), so that computations over the ledger, such as what
 * a refund takes back, see every earlier change of the same customer.
 */
export async function lockAccount(db: SqlRunner, customerId: string): Promise<void> {
  await openAccount(db, customerId);
  await dialectOf(db).lockRows(db, 'SELECT customer_id FROM loyalty_account WHERE customer_id = ?', [customerId]);
}

/**
 * Posts a change inside the caller's transaction. Returns the new balance, or null when this source
 * was posted before. With `mustCover` (debits), a debit the balance cannot cover posts nothing and
 * returns 'insufficient'; a repeated source then returns null after the account changed, so the caller
 * must roll back (throw).
 */
export async function post(db: SqlRunner, p: Posting, opts: { mustCover?: boolean } = {}): Promise<number | null | 'insufficient'> {
  const id = newId('lpe');
  const entry = (balanceAfter: number) => db.execute(
    `INSERT INTO loyalty_ledger_entry (id, customer_id, order_id, kind, points, balance_after, source_key, note, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING RETURNING id`,
    [id, p.customerId, p.orderId ?? null, p.kind, p.points, balanceAfter, p.sourceKey, p.note ?? null, now(db)]);
  const earned = p.kind === LoyaltyEntryKind.EARNED ? p.points : 0;
  const UPDATE = 'UPDATE loyalty_account SET balance = balance + ?, lifetime_earned = lifetime_earned + ?, updated_at = ? WHERE customer_id = ?';
  if (opts.mustCover) {
    // The database checks the balance and takes the points in one statement (no read-then-write).
    const taken = await db.execute(`${UPDATE} AND balance + ? >= 0 RETURNING balance`, [p.points, earned, now(db), p.customerId, p.points]);
    if (!taken.length) return 'insufficient';
    const balance = Number(taken[0].balance);
    return (await entry(balance)).length ? balance : null;
  }
  // Credits: the entry first, its unique source key being the idempotency check (a concurrent posting
  // of the same source waits for the first to commit, then inserts nothing).
  if (!(await entry(0)).length) return null;
  const updated = await db.execute(`${UPDATE} RETURNING balance`, [p.points, earned, now(db), p.customerId]);
  const balance = Number(updated[0].balance);
  await db.execute('UPDATE loyalty_ledger_entry SET balance_after = ? WHERE id = ?', [balance, id], 'run');
  return balance;
}

/** The points of an order's entries of some kinds (what it earned net of reversals, what it spent). */
export async function orderPoints(db: SqlRunner, orderId: string, kinds: LoyaltyEntryKind[]): Promise<number> {
  const rows = await db.execute(
    `SELECT COALESCE(SUM(points), 0) AS points FROM loyalty_ledger_entry WHERE order_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})`,
    [orderId, ...kinds]);
  return Number(rows[0]?.points ?? 0);
}

export async function balanceOf(db: SqlRunner, customerId: string): Promise<number> {
  const rows = await db.execute('SELECT balance FROM loyalty_account WHERE customer_id = ?', [customerId]);
  return rows.length ? Number(rows[0].balance) : 0;
}

/** The domain event of a change (webhooks and the loyaltyPointsChanged subscription follow it). */
export const POINTS_CHANGED = 'loyalty.points_changed';

export function changeEvent(p: Posting, balance: number): Record<string, unknown> {
  return { customerId: p.customerId, orderId: p.orderId ?? null, kind: p.kind, points: p.points, balance };
}

/** post() in an ORM transaction, recording the change's event in the same commit. */
export async function postAndRecord(tx: Em, p: Posting, opts: { mustCover?: boolean } = {}): Promise<number | null | 'insufficient'> {
  const balance = await post(tx, p, opts);
  if (typeof balance === 'number') recordEvent(tx, POINTS_CHANGED, changeEvent(p, balance), p.orderId ?? p.customerId);
  return balance;
}
