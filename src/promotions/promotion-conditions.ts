// Which promotions an order may get: the rows as the pricing step reads them (plain SQL on placeOrder's
// transaction) and their conditions (status, dates, currency, minimum subtotal, channels, first order,
// customer tags, limits not yet reached). A coupon that fails one is refused with a reason; an automatic
// promotion that fails one is left out.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import type { Dialect } from '../kernel/db/dialect.js';
import type { PricingInput } from '../kernel/pricing.js';
import type { PromotionEffect } from './promotion.entity.js';
import type { MathPromotion } from './promotion-math.js';

/** Why a coupon cannot be used: `extensions.reason` of the refusal. */
export type CouponReason =
  | 'COUPON_UNKNOWN' | 'COUPON_EXPIRED' | 'COUPON_NOT_STARTED' | 'COUPON_EXHAUSTED' | 'COUPON_CUSTOMER_LIMIT'
  | 'COUPON_CONDITION_NOT_MET' | 'COUPON_NOT_APPLICABLE' | 'COUPON_NOT_COMBINABLE' | 'COUPON_DUPLICATE';

export interface PromotionRow extends MathPromotion {
  name: string;
  active: boolean;
  automatic: boolean;
  currencyCode: string | null;
  minSubtotal: number | null;
  channelCodes: string[] | null;
  firstOrderOnly: boolean;
  customerTags: string[] | null;
  startsAt: Date | null;
  endsAt: Date | null;
  usageLimit: number | null;
  uses: number;
  perCustomerLimit: number | null;
}

/** A typed code with its promotion. */
export interface CouponRow {
  codeId: string;
  code: string;
  codeLimit: number | null;
  codeUses: number;
  promotion: PromotionRow;
}

const COLUMNS = `p.id, p.name, p.status, p.automatic, p.effect, p.percent, p.amount, p.currency_code, p.skus, p.buy_quantity, p.get_quantity,
  p.min_subtotal, p.channel_codes, p.first_order_only, p.customer_tags, p.starts_at, p.ends_at, p.usage_limit, p.uses,
  p.per_customer_limit, p.combinable, p.priority`;

const bool = (v: unknown) => v === true || Number(v) === 1;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const json = (v: unknown): string[] | null => (v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : (v as string[]));

function toPromotion(r: any, d: Dialect): PromotionRow {
  return {
    id: r.id, name: r.name, active: r.status === 'ACTIVE', automatic: bool(r.automatic), effect: r.effect as PromotionEffect,
    percent: num(r.percent), amount: num(r.amount), currencyCode: r.currency_code ?? null, skus: json(r.skus),
    buyQuantity: num(r.buy_quantity), getQuantity: num(r.get_quantity), minSubtotal: num(r.min_subtotal), channelCodes: json(r.channel_codes),
    firstOrderOnly: bool(r.first_order_only), customerTags: json(r.customer_tags),
    startsAt: r.starts_at == null ? null : d.readDate(r.starts_at), endsAt: r.ends_at == null ? null : d.readDate(r.ends_at),
    usageLimit: num(r.usage_limit), uses: Number(r.uses), perCustomerLimit: num(r.per_customer_limit),
    combinable: bool(r.combinable), priority: Number(r.priority),
  };
}

/**
 * How long a process keeps the active automatic promotions it read: placeOrder's statement budget has no
 * room for one more read per order. Staff's changes clear this process's copy at once (forgetAutomatic);
 * other processes see them within this time. Limits are never taken from it: claims are conditional
 * UPDATEs of the rows themselves (promotion-claims.ts), and dates are compared at each order.
 */
export const AUTOMATIC_CACHE_MS = 2_000;
const automaticCache = new WeakMap<object, { at: number; rows: Promise<PromotionRow[]>; read?: PromotionRow[] }>();

/** The active automatic promotions (the index on status, automatic), per database as read within AUTOMATIC_CACHE_MS. */
export function automaticPromotions(db: SqlRunner, d: Dialect): Promise<PromotionRow[]> {
  const key = db.getDriver();
  const hit = automaticCache.get(key);
  if (hit && Date.now() - hit.at < AUTOMATIC_CACHE_MS) return hit.rows;
  const entry: { at: number; rows: Promise<PromotionRow[]>; read?: PromotionRow[] } = { at: Date.now(), rows: null! };
  const rows = db.execute(`SELECT ${COLUMNS} FROM promotion p WHERE p.status = 'ACTIVE' AND p.automatic = true`)
    .then((rs: any[]) => (entry.read = rs.map((r) => toPromotion(r, d))));
  entry.rows = rows;
  automaticCache.set(key, entry);
  rows.catch(() => automaticCache.delete(key));
  return rows;
}

/** automaticPromotions' rows when they are read and fresh, else undefined: placeOrder's path without a promise. */
export function knownAutomaticPromotions(db: SqlRunner): PromotionRow[] | undefined {
  const hit = automaticCache.get(db.getDriver());
  return hit && Date.now() - hit.at < AUTOMATIC_CACHE_MS ? hit.read : undefined;
}

/** A promotion was created or changed: this process reads the automatic ones again on the next order. */
export function forgetAutomatic(db: SqlRunner): void {
  automaticCache.delete(db.getDriver());
}

/** The promotions of typed codes, by lower-cased code. */
export async function couponsByKey(db: SqlRunner, d: Dialect, keys: string[]): Promise<Map<string, CouponRow>> {
  if (!keys.length) return new Map();
  const rows = await db.execute(
    `SELECT c.id AS code_id, c.code, c.code_key, c.usage_limit AS code_limit, c.uses AS code_uses, ${COLUMNS}
     FROM promotion_code c JOIN promotion p ON p.id = c.promotion_id WHERE c.code_key IN (${keys.map(() => '?').join(', ')})`, keys);
  return new Map(rows.map((r: any) => [r.code_key, {
    codeId: r.code_id, code: r.code, codeLimit: num(r.code_limit), codeUses: Number(r.code_uses), promotion: toPromotion(r, d),
  }]));
}

/** Who a per-customer limit counts: the account, or the email for guests. */
export const customerKeyOf = (input: Pick<PricingInput, 'customerId' | 'email'>) => input.customerId ?? `email:${input.email}`;

/** What the conditions need about the order and its buyer, each read at most once and only when asked. */
export class Buyer {
  private channelCode?: Promise<string | null>;
  private tags?: Promise<string[]>;
  private earlier?: Promise<boolean>;
  private customerUses = new Map<string, Promise<number>>();

  constructor(private readonly input: PricingInput, readonly now: Date) {}

  channel(): Promise<string | null> {
    return (this.channelCode ??= this.input.tx.execute('SELECT code FROM channel WHERE id = ?', [this.input.channelId]).then((r: any[]) => r[0]?.code ?? null));
  }

  /** Tags are read in the placement transaction, so a customer tagged a moment ago qualifies. */
  customerTags(): Promise<string[]> {
    const id = this.input.customerId;
    if (!id) return Promise.resolve([]);
    return (this.tags ??= this.input.tx.execute('SELECT tags FROM customer WHERE id = ?', [id]).then((r: any[]) => json(r[0]?.tags) ?? []));
  }

  /** An earlier order of the account or the email that was not cancelled. */
  hasEarlierOrder(): Promise<boolean> {
    const { customerId, email } = this.input;
    return (this.earlier ??= this.input.tx.execute(
      `SELECT id FROM orders WHERE (email = ?${customerId ? ' OR customer_id = ?' : ''}) AND status <> 'CANCELLED' AND id <> ? LIMIT 1`,
      customerId ? [email, customerId, this.input.orderId] : [email, this.input.orderId]).then((r: any[]) => r.length > 0));
  }

  usesBy(promotionId: string): Promise<number> {
    let p = this.customerUses.get(promotionId);
    if (!p) {
      p = this.input.tx.execute('SELECT uses FROM promotion_customer_use WHERE promotion_id = ? AND customer_key = ?', [promotionId, customerKeyOf(this.input)])
        .then((r: any[]) => Number(r[0]?.uses ?? 0));
      this.customerUses.set(promotionId, p);
    }
    return p;
  }
}

/** Why the promotion does not apply to this order, or null when it does (limits as read now; placement claims them). */
export async function unmet(p: PromotionRow, input: PricingInput, buyer: Buyer, coupon?: CouponRow): Promise<{ reason: CouponReason; message: string } | null> {
  const now = buyer.now;
  if (!p.active || (p.endsAt && now >= p.endsAt)) return { reason: 'COUPON_EXPIRED', message: 'has ended' };
  if (p.startsAt && now < p.startsAt) return { reason: 'COUPON_NOT_STARTED', message: `starts at ${p.startsAt.toISOString()}` };
  if (p.currencyCode && p.currencyCode !== input.currencyCode) return { reason: 'COUPON_CONDITION_NOT_MET', message: `is for orders in ${p.currencyCode}` };
  if (p.minSubtotal !== null && input.subtotal < p.minSubtotal) return { reason: 'COUPON_CONDITION_NOT_MET', message: `needs a subtotal of at least ${p.minSubtotal} (minor units)` };
  if (p.channelCodes?.length && !p.channelCodes.includes((await buyer.channel()) ?? '')) return { reason: 'COUPON_CONDITION_NOT_MET', message: 'is not valid on this channel' };
  if (p.customerTags?.length) {
    const tags = await buyer.customerTags();
    if (!p.customerTags.some((t) => tags.includes(t))) return { reason: 'COUPON_CONDITION_NOT_MET', message: 'is for selected customers only' };
  }
  if (p.firstOrderOnly && (await buyer.hasEarlierOrder())) return { reason: 'COUPON_CONDITION_NOT_MET', message: 'is for a first order only' };
  if (p.usageLimit !== null && p.uses >= p.usageLimit) return { reason: 'COUPON_EXHAUSTED', message: 'has been used up' };
  if (coupon && coupon.codeLimit !== null && coupon.codeUses >= coupon.codeLimit) return { reason: 'COUPON_EXHAUSTED', message: 'has been used up' };
  if (p.perCustomerLimit !== null && (await buyer.usesBy(p.id)) >= p.perCustomerLimit) return { reason: 'COUPON_CUSTOMER_LIMIT', message: 'has been used as often as one customer may' };
  return null;
}
