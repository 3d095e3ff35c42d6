// Staff's side of promotions: create, change, archive, list, and coupon codes (one typed code, or many
// generated unique ones). Placement's side is promotion-step.ts.
import { randomBytes } from 'node:crypto';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { badInput, notFound, OrdoError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { Channel } from '../channels/channel.entity.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { normaliseTags } from '../customers/customer-tags.js';
import { Promotion, PromotionEffect, PromotionStatus } from './promotion.entity.js';
import { PromotionCode } from './promotion-usage.entity.js';
import type { CreatePromotionInput, UpdatePromotionInput } from './promotion.inputs.js';
import { normaliseCode } from './promotion-step.js';
import { forgetAutomatic } from './promotion-conditions.js';

/** At most this many codes per generateCouponCodes call. */
export const MAX_GENERATED_CODES = 10_000;
const CODE = /^[A-Za-z0-9_-]{3,64}$/;
/** Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const FIELDS = ['percent', 'amount', 'currencyCode', 'skus', 'buyQuantity', 'getQuantity', 'minSubtotal', 'channelCodes', 'firstOrderOnly',
  'customerTags', 'startsAt', 'endsAt', 'usageLimit', 'perCustomerLimit', 'combinable', 'priority'] as const;

export class PromotionService {
  constructor(private readonly app: AppRuntime) {}

  async create(em: Em, input: CreatePromotionInput): Promise<Promotion> {
    if (input.automatic && input.code) throw badInput('An automatic promotion has no code: make it a coupon (automatic: false).', 'input.code');
    return em.transactional(async (tx) => {
      const p = tx.create(Promotion, { name: input.name.trim(), automatic: input.automatic, effect: input.effect });
      this.assign(p, input);
      await this.check(tx, p);
      tx.persist(p);
      await tx.flush();
      if (input.code) await this.addCode(tx, p, input.code, null, 'input.code');
      return p;
    }).finally(() => forgetAutomatic(em));
  }

  async update(em: Em, id: string, input: UpdatePromotionInput): Promise<Promotion> {
    return em.transactional(async (tx) => {
      const p = await tx.findOne(Promotion, { id });
      if (!p) throw notFound('The promotion');
      if (input.name !== undefined && input.name !== null) p.name = input.name.trim();
      this.assign(p, input);
      await this.check(tx, p);
      await tx.flush();
      return p;
    }).finally(() => forgetAutomatic(em));
  }

  /** Ends it for new orders (orders that have it keep their discounts; the counters stay). */
  async archive(em: Em, id: string): Promise<Promotion> {
    const p = await em.findOne(Promotion, { id });
    if (!p) throw notFound('The promotion');
    p.status = PromotionStatus.ARCHIVED;
    await em.flush();
    forgetAutomatic(em);
    return p;
  }

  list(em: Em, first?: number | null, after?: string | null): Promise<Page<Promotion>> {
    return pageOf(em, Promotion, {}, first, after);
  }

  async byId(em: Em, id: string): Promise<Promotion> {
    const p = await em.findOne(Promotion, { id });
    if (!p) throw notFound('The promotion');
    return p;
  }

  /**
   * `count` new unique codes `<PREFIX><10 random characters>` for a coupon promotion, each with its own
   * limit (default 1: single use). A code taken already (by chance, or another promotion's) is drawn again.
   */
  async generateCodes(em: Em, promotionId: string, count: number, prefix: string | null | undefined, usageLimit: number | null | undefined): Promise<PromotionCode[]> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_GENERATED_CODES) throw badInput(`count must be between 1 and ${MAX_GENERATED_CODES}.`, 'count');
    const pre = (prefix ?? '').trim().toUpperCase();
    if (pre && !/^[A-Z0-9_-]{1,40}$/.test(pre)) throw badInput('prefix has 1 to 40 letters, digits, - or _.', 'prefix');
    const limit = usageLimit === undefined ? 1 : usageLimit;
    if (limit !== null && (!Number.isInteger(limit) || limit < 1)) throw badInput('usageLimit must be at least 1 (or null: only the promotion\'s limits).', 'usageLimit');
    return em.transactional(async (tx) => {
      const p = await tx.findOne(Promotion, { id: promotionId });
      if (!p) throw notFound('The promotion');
      if (p.automatic) throw badInput('An automatic promotion has no codes.', 'promotionId');
      const now = dialectOf(tx).date(new Date());
      const ids: string[] = [];
      for (let tries = 0; ids.length < count; tries++) {
        if (tries > count * 2 + 10) throw new Error('could not draw enough unique coupon codes');
        const batch = Array.from({ length: Math.min(500, count - ids.length) }, () => {
          const code = pre + draw(10);
          return [newId('pcd'), p.id, code, normaliseCode(code), limit, 0, now];
        });
        // A taken code inserts nothing (the unique code_key); what did is counted from RETURNING.
        const rows = await tx.execute(
          `INSERT INTO promotion_code (id, promotion_id, code, code_key, usage_limit, uses, created_at) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
           ON CONFLICT (code_key) DO NOTHING RETURNING id`, batch.flat());
        ids.push(...(rows as { id: string }[]).map((r) => r.id));
      }
      return tx.find(PromotionCode, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
    });
  }

  private assign(p: Promotion, input: UpdatePromotionInput): void {
    for (const f of FIELDS) {
      const v = input[f];
      if (v !== undefined) (p as any)[f] = v;
    }
    if (p.currencyCode) p.currencyCode = p.currencyCode.toUpperCase();
    if (p.skus) p.skus = [...new Set(p.skus.map((s) => s.trim()).filter(Boolean))];
    if (p.customerTags) p.customerTags = normaliseTags(p.customerTags, 'input.customerTags');
    if (p.firstOrderOnly === null) p.firstOrderOnly = false;
    if (p.combinable === null) p.combinable = false;
    if (p.priority === null) p.priority = 0;
  }

  /** What each effect needs, and references that must exist (channels, SKUs). */
  private async check(em: Em, p: Promotion): Promise<void> {
    const need = (ok: unknown, field: string, message: string) => {
      if (!ok) throw badInput(`${p.effect}: ${message}`, `input.${field}`);
    };
    const e = PromotionEffect;
    if (p.effect === e.ORDER_PERCENT || p.effect === e.PRODUCTS_PERCENT) need(p.percent, 'percent', 'percent is needed (1–100).');
    if (p.effect === e.ORDER_AMOUNT || p.effect === e.PRODUCTS_AMOUNT) need(p.amount, 'amount', 'amount is needed (minor units).');
    if (p.effect === e.PRODUCTS_PERCENT || p.effect === e.PRODUCTS_AMOUNT || p.effect === e.BUY_X_GET_Y) need(p.skus?.length, 'skus', 'skus are needed.');
    if (p.effect === e.BUY_X_GET_Y) {
      need(p.buyQuantity && p.getQuantity, 'buyQuantity', 'buyQuantity and getQuantity are needed.');
      p.percent ??= 100;
    }
    if (p.amount || p.minSubtotal) need(p.currencyCode && /^[A-Z]{3}$/.test(p.currencyCode), 'currencyCode', 'an amount or a minimum subtotal needs its currencyCode.');
    if (p.startsAt && p.endsAt && p.endsAt <= p.startsAt) throw badInput('endsAt must be after startsAt.', 'input.endsAt');
    if (p.channelCodes?.length) {
      const found = await em.count(Channel, { code: { $in: p.channelCodes } });
      if (found !== new Set(p.channelCodes).size) throw badInput('channelCodes names a channel that does not exist.', 'input.channelCodes');
    }
    if (p.skus?.length) {
      const found = await em.count(ProductVariant, { sku: { $in: p.skus } });
      if (found !== p.skus.length) throw badInput('skus names a SKU that does not exist.', 'input.skus');
    }
  }

  private async addCode(em: Em, p: Promotion, code: string, usageLimit: number | null, field: string): Promise<void> {
    const c = code.trim();
    if (!CODE.test(c)) throw badInput('A code has 3 to 64 letters, digits, - or _.', field);
    const rows = await em.execute(
      `INSERT INTO promotion_code (id, promotion_id, code, code_key, usage_limit, uses, created_at) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (code_key) DO NOTHING RETURNING id`,
      [newId('pcd'), p.id, c, normaliseCode(c), usageLimit, dialectOf(em).date(new Date())]);
    if (!rows.length) throw new OrdoError('CONFLICT', `The code "${c}" is taken (codes are matched case-insensitively).`, { field });
  }
}

function draw(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}
