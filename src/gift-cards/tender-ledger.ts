// Every change of a gift card's or a store-credit balance: one conditional UPDATE of the balance row (the
// database subtracts, and refuses to go below zero, in one statement) and one ledger entry whose unique
// source key makes a repeat a no-op. Plain SQL on the caller's transaction, so that the pricing step
// spends inside placeOrder's transaction and a give-back commits with the change that causes it.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { newId } from '../kernel/ids.js';
import type { TenderEntryKind } from './gift-card.entity.js';

/** Which balance: a gift card (by id) or a store-credit account (by id, with its customer and currency). */
export type TenderAccount =
  | { kind: 'gift-card'; id: string }
  | { kind: 'store-credit'; id: string; customerId: string; currencyCode: string };

export interface Posting {
  kind: TenderEntryKind;
  /** Positive: what is added (give) or taken (take). */
  amount: number;
  orderId?: string | null;
  /** What caused it; a second posting with the same key changes nothing. */
  sourceKey: string;
  note?: string | null;
}

const now = (db: SqlRunner) => dialectOf(db).date(new Date());
const table = (a: TenderAccount) => (a.kind === 'gift-card' ? 'gift_card' : 'store_credit_account');

async function entry(db: SqlRunner, a: TenderAccount, p: Posting, signed: number, balanceAfter: number): Promise<string | null> {
  const id = newId(a.kind === 'gift-card' ? 'gce' : 'sce');
  const rows = a.kind === 'gift-card'
    ? await db.execute(
      `INSERT INTO gift_card_entry (id, gift_card_id, kind, amount, balance_after, order_id, source_key, note, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING RETURNING id`,
      [id, a.id, p.kind, signed, balanceAfter, p.orderId ?? null, p.sourceKey, p.note ?? null, now(db)])
    : await db.execute(
      `INSERT INTO store_credit_entry (id, account_id, customer_id, currency_code, kind, amount, balance_after, order_id, source_key, note, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING RETURNING id`,
      [id, a.id, a.customerId, a.currencyCode, p.kind, signed, balanceAfter, p.orderId ?? null, p.sourceKey, p.note ?? null, now(db)]);
  return rows.length ? id : null;
}

export type TakeResult = { balance: number } | 'insufficient' | 'repeated';

/**
 * Takes `p.amount` in one statement: `balance = balance - ? WHERE id = ? AND balance >= ?` (and, when
 * spending a gift card, not disabled and not expired). 'insufficient': nothing changed. 'repeated': the
 * source was posted before and the balance was taken again: the caller must roll back (throw).
 */
export async function take(db: SqlRunner, a: TenderAccount, p: Posting, opts: { spendable?: boolean } = {}): Promise<TakeResult> {
  if (!Number.isSafeInteger(p.amount) || p.amount <= 0) throw new Error(`tender ledger: take of ${p.amount}`);
  const at = now(db);
  const spendable = a.kind === 'gift-card' && opts.spendable ? ' AND disabled = false AND (expires_at IS NULL OR expires_at > ?)' : '';
  const rows = await db.execute(
    `UPDATE ${table(a)} SET balance = balance - ?, updated_at = ? WHERE id = ? AND balance >= ?${spendable} RETURNING balance`,
    spendable ? [p.amount, at, a.id, p.amount, at] : [p.amount, at, a.id, p.amount]);
  if (!rows.length) return 'insufficient';
  const balance = Number(rows[0].balance);
  return (await entry(db, a, p, -p.amount, balance)) ? { balance } : 'repeated';
}

/**
 * Adds `p.amount` (a give-back, an issue, a credit): the entry first, its unique source key being the
 * check (a concurrent posting of the same source waits for the first to commit, then inserts nothing).
 * Returns the new balance, or null when this source was posted before.
 */
export async function give(db: SqlRunner, a: TenderAccount, p: Posting): Promise<number | null> {
  if (!Number.isSafeInteger(p.amount) || p.amount <= 0) throw new Error(`tender ledger: give of ${p.amount}`);
  const id = await entry(db, a, p, p.amount, 0);
  if (!id) return null;
  const rows = await db.execute(`UPDATE ${table(a)} SET balance = balance + ?, updated_at = ? WHERE id = ? RETURNING balance`, [p.amount, now(db), a.id]);
  if (!rows.length) throw new Error(`tender ledger: no ${table(a)} ${a.id}`);
  const balance = Number(rows[0].balance);
  await db.execute(`UPDATE ${a.kind === 'gift-card' ? 'gift_card_entry' : 'store_credit_entry'} SET balance_after = ? WHERE id = ?`, [balance, id], 'run');
  return balance;
}

/** The customer's store-credit account in a currency, created empty when there is none. */
export async function storeCreditAccount(db: SqlRunner, customerId: string, currencyCode: string): Promise<TenderAccount & { kind: 'store-credit' }> {
  await db.execute(
    `INSERT INTO store_credit_account (id, customer_id, currency_code, balance, updated_at) VALUES (?, ?, ?, 0, ?)
     ON CONFLICT (customer_id, currency_code) DO NOTHING`, [newId('sca'), customerId, currencyCode, now(db)], 'run');
  const rows = await db.execute('SELECT id FROM store_credit_account WHERE customer_id = ? AND currency_code = ?', [customerId, currencyCode]);
  return { kind: 'store-credit', id: String(rows[0].id), customerId, currencyCode };
}

/**
 * What an order spent of one account and got back (negative: the order still holds that much of it). A
 * return credited to store credit is not tender coming back, and is left out.
 */
export async function orderNet(db: SqlRunner, a: TenderAccount, orderId: string): Promise<number> {
  const kinds = `kind IN ('SPENT', 'GIVEN_BACK')`;
  const rows = a.kind === 'gift-card'
    ? await db.execute(`SELECT COALESCE(SUM(amount), 0) AS n FROM gift_card_entry WHERE gift_card_id = ? AND order_id = ? AND ${kinds}`, [a.id, orderId])
    : await db.execute(`SELECT COALESCE(SUM(amount), 0) AS n FROM store_credit_entry WHERE account_id = ? AND order_id = ? AND ${kinds}`, [a.id, orderId]);
  return Number(rows[0]?.n ?? 0);
}
