// A promotion's uses taken in placeOrder's transaction, each by one conditional statement the database
// checks (never read-then-write): the promotion's counter, the code's, the customer's. Concurrent orders
// queue on the counter's row (PostgreSQL) or write one at a time (SQLite), so no limit is ever exceeded.
// The redemption row says which counters moved, for the order's cancellation to give them back.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import type { Dialect } from '../kernel/db/dialect.js';
import { newId } from '../kernel/ids.js';
import type { CouponReason, CouponRow, PromotionRow } from './promotion-conditions.js';

export interface Counted {
  promotion: boolean;
  code: boolean;
  customer: boolean;
}

const taken = async (db: SqlRunner, sql: string, params: unknown[]) => (await db.execute(`${sql} RETURNING id`, params)).length > 0;

/** Takes one use of each limited counter; on a refusal, gives back what this call took and says why. */
export async function claimUses(db: SqlRunner, p: PromotionRow, coupon: CouponRow | undefined, customerKey: string): Promise<Counted | CouponReason> {
  const counted: Counted = { promotion: false, code: false, customer: false };
  if (p.usageLimit !== null) {
    if (!(await taken(db, 'UPDATE promotion SET uses = uses + 1 WHERE id = ? AND (usage_limit IS NULL OR uses < usage_limit)', [p.id]))) return 'COUPON_EXHAUSTED';
    counted.promotion = true;
  }
  if (coupon && coupon.codeLimit !== null) {
    if (!(await taken(db, 'UPDATE promotion_code SET uses = uses + 1 WHERE id = ? AND (usage_limit IS NULL OR uses < usage_limit)', [coupon.codeId]))) {
      await giveBack(db, p.id, null, customerKey, counted);
      return 'COUPON_EXHAUSTED';
    }
    counted.code = true;
  }
  if (p.perCustomerLimit !== null) {
    // The customer's row first (a concurrent first use waits for the other's commit, then finds it), then the guarded count.
    await db.execute('INSERT INTO promotion_customer_use (id, promotion_id, customer_key, uses) VALUES (?, ?, ?, 0) ON CONFLICT (promotion_id, customer_key) DO NOTHING',
      [newId('pcu'), p.id, customerKey], 'run');
    if (!(await taken(db, 'UPDATE promotion_customer_use SET uses = uses + 1 WHERE promotion_id = ? AND customer_key = ? AND uses < ?', [p.id, customerKey, p.perCustomerLimit]))) {
      await giveBack(db, p.id, coupon?.codeId ?? null, customerKey, counted);
      return 'COUPON_CUSTOMER_LIMIT';
    }
    counted.customer = true;
  }
  return counted;
}

/** Gives back the uses `counted` says were taken (a refused claim, a cancelled order). */
export async function giveBack(db: SqlRunner, promotionId: string, codeId: string | null, customerKey: string, counted: Counted): Promise<void> {
  if (counted.promotion) await db.execute('UPDATE promotion SET uses = uses - 1 WHERE id = ? AND uses > 0', [promotionId], 'run');
  if (counted.code && codeId) await db.execute('UPDATE promotion_code SET uses = uses - 1 WHERE id = ? AND uses > 0', [codeId], 'run');
  if (counted.customer) {
    await db.execute('UPDATE promotion_customer_use SET uses = uses - 1 WHERE promotion_id = ? AND customer_key = ? AND uses > 0', [promotionId, customerKey], 'run');
  }
}

export interface Redemption {
  promotionId: string;
  codeId: string | null;
  orderId: string;
  customerKey: string;
  amount: number;
  counted: Counted;
}

const REDEMPTION = `INSERT INTO promotion_redemption (id, promotion_id, code_id, order_id, customer_key, amount, counted_promotion, counted_code, counted_customer, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export async function recordRedemption(db: SqlRunner, d: Dialect, r: Redemption): Promise<void> {
  await db.execute(REDEMPTION, [newId('prd'), r.promotionId, r.codeId, r.orderId, r.customerKey, r.amount,
    r.counted.promotion ? 1 : 0, r.counted.code ? 1 : 0, r.counted.customer ? 1 : 0, d.date(new Date())], 'run');
}

/**
 * The order's cancellation: each redemption released once (a conditional UPDATE of released_at: a
 * replayed event finds nothing left) and its counters given back, in one transaction.
 */
export async function releaseOrder(db: SqlRunner, d: Dialect, orderId: string): Promise<number> {
  const rows = await db.execute(
    `SELECT id, promotion_id, code_id, customer_key, counted_promotion, counted_code, counted_customer FROM promotion_redemption WHERE order_id = ? AND released_at IS NULL ORDER BY promotion_id`,
    [orderId]);
  let released = 0;
  for (const r of rows) {
    if (!(await taken(db, 'UPDATE promotion_redemption SET released_at = ? WHERE id = ? AND released_at IS NULL', [d.date(new Date()), r.id]))) continue;
    await giveBack(db, r.promotion_id, r.code_id, r.customer_key, {
      promotion: Number(r.counted_promotion) === 1, code: Number(r.counted_code) === 1, customer: Number(r.counted_customer) === 1,
    });
    released++;
  }
  return released;
}
