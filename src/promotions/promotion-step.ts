// The promotions' pricing step (kernel/pricing.ts): automatic, so it runs on every order and quote, and
// answers PlaceOrderInput.discounts of kind `coupon` ({ kind: "coupon", code }). It reads the candidate
// promotions in the placement transaction, keeps those whose conditions hold, chooses what the order
// gets (promotion-math.ts) and, when placing, takes their uses (promotion-claims.ts). A typed coupon that
// cannot be used refuses the order (BAD_USER_INPUT, extensions.reason, path discounts[i].code); a quote
// runs the same code without taking uses, so it shows what the order then gets.
import { OrdoError } from '../kernel/errors.js';
import type { OrderDiscountRecord, PricingInput, PricingStep } from '../kernel/pricing.js';
import { choosePromotions, aloneAmount, type Given, type MathLine } from './promotion-math.js';
import {
  automaticPromotions, knownAutomaticPromotions, Buyer, couponsByKey, customerKeyOf, unmet, type CouponReason, type CouponRow, type PromotionRow,
} from './promotion-conditions.js';
import { claimUses, giveBack, recordRedemption, type Counted } from './promotion-claims.js';

export const COUPON_KIND = 'coupon';
/** The kind of an automatic promotion's discount on the order. */
export const PROMOTION_KIND = 'promotion';

/** The longest code a buyer may type (codes are at most 64 characters). */
const MAX_CODE = 64;

interface Candidate {
  p: PromotionRow;
  coupon?: CouponRow;
  /** Where the code is in PlaceOrderInput.discounts. */
  index?: number;
}

export function refuse(index: number, reason: CouponReason, message: string): OrdoError {
  const path = `input.discounts[${index}].code`;
  return new OrdoError('BAD_USER_INPUT', message, { field: path, fields: [{ path, message }], reason });
}

export const normaliseCode = (code: string) => code.trim().toLowerCase();

/** The typed coupons, each with its promotion, checked; the first that cannot be used refuses the order. */
async function typedCoupons(input: PricingInput, buyer: Buyer, lines: MathLine[], shipping: number): Promise<Candidate[]> {
  const typed = input.requests.map((r, i) => ({ index: r.index ?? i, code: (r.code ?? '').trim() }));
  const found = await couponsByKey(input.tx, input.dialect, [...new Set(typed.map((t) => normaliseCode(t.code)).filter((k) => k && k.length <= MAX_CODE))]);
  const out: Candidate[] = [];
  for (const t of typed) {
    if (!t.code) throw refuse(t.index, 'COUPON_UNKNOWN', 'A coupon discount needs its code.');
    const coupon = found.get(normaliseCode(t.code));
    if (!coupon || coupon.promotion.automatic) throw refuse(t.index, 'COUPON_UNKNOWN', `There is no coupon "${t.code}".`);
    if (out.some((c) => c.p.id === coupon.promotion.id)) throw refuse(t.index, 'COUPON_DUPLICATE', `Coupon "${t.code}" is of a promotion this order uses already.`);
    const why = await unmet(coupon.promotion, input, buyer, coupon);
    if (why) throw refuse(t.index, why.reason, `Coupon "${coupon.code}" ${why.message}.`);
    if (aloneAmount(coupon.promotion, lines, shipping) <= 0) throw refuse(t.index, 'COUPON_NOT_APPLICABLE', `Coupon "${coupon.code}" takes nothing off this order.`);
    out.push({ p: coupon.promotion, coupon, index: t.index });
  }
  return out;
}

async function apply(input: PricingInput): Promise<OrderDiscountRecord[]> {
  if (!input.lines.length) return [];
  const buyer = new Buyer(input, new Date());
  const lines: MathLine[] = input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, total: l.total }));
  const goods = lines.reduce((s, l) => s + l.total, 0);
  // Shipping with its tax: what the order costs beyond its goods. Promotions run first of the steps
  // (module order), so nothing was taken off before them.
  const shipping = Math.max(0, input.total - goods);
  // Most orders type no coupon and meet no automatic promotion: no promise for the lookup, nor for the
  // claim of nothing below.
  const candidates = input.requests.length ? await typedCoupons(input, buyer, lines, shipping) : [];
  for (const p of knownAutomaticPromotions(input.tx) ?? (await automaticPromotions(input.tx, input.dialect))) {
    if (!(await unmet(p, input, buyer))) candidates.push({ p });
  }
  if (!candidates.length) return [];
  const customerKey = customerKeyOf(input);
  // An automatic promotion used up between the read and the claim is left out and the choice made again.
  for (;;) {
    const given = choosePromotions(candidates.map((c) => c.p), lines, shipping);
    const chosen = new Map(given.map((g) => [g.promotionId, g]));
    const lost = candidates.find((c) => c.coupon && !chosen.has(c.p.id));
    if (lost) {
      throw refuse(lost.index!, 'COUPON_NOT_COMBINABLE',
        `Coupon "${lost.coupon!.code}" cannot be combined with the better promotion this order gets; remove it to place the order.`);
    }
    const byId = new Map(candidates.map((c) => [c.p.id, c]));
    if (input.quote) return given.map((g) => record(byId.get(g.promotionId)!, g));
    const counted = await claimAll(input, given.map((g) => byId.get(g.promotionId)!), customerKey);
    if (typeof counted === 'string') {
      candidates.splice(candidates.findIndex((c) => c.p.id === counted), 1);
      continue;
    }
    for (const g of given) {
      const c = byId.get(g.promotionId)!;
      await recordRedemption(input.tx, input.dialect, {
        promotionId: c.p.id, codeId: c.coupon?.codeId ?? null, orderId: input.orderId, customerKey, amount: g.amount, counted: counted.get(c.p.id)!,
      });
      input.recordEvent('promotion.redeemed', { orderId: input.orderId, promotionId: c.p.id, code: c.coupon?.code ?? null, amount: g.amount });
    }
    return given.map((g) => record(byId.get(g.promotionId)!, g));
  }
}

/**
 * Takes the uses of the chosen promotions in id order (two orders lock the same counters in the same
 * order). A coupon refused throws (the order rolls back); an automatic promotion refused gives back what
 * this round took and is answered by its id.
 */
async function claimAll(input: PricingInput, chosen: Candidate[], customerKey: string): Promise<Map<string, Counted> | string> {
  const out = new Map<string, Counted>();
  for (const c of [...chosen].sort((a, b) => (a.p.id < b.p.id ? -1 : 1))) {
    const r = await claimUses(input.tx, c.p, c.coupon, customerKey);
    if (typeof r === 'string') {
      if (c.coupon) throw refuse(c.index!, r, `Coupon "${c.coupon.code}" ${r === 'COUPON_CUSTOMER_LIMIT' ? 'has been used as often as one customer may' : 'has been used up'}.`);
      for (const [id, counted] of out) await giveBack(input.tx, id, chosen.find((x) => x.p.id === id)!.coupon?.codeId ?? null, customerKey, counted);
      return c.p.id;
    }
    out.set(c.p.id, r);
  }
  return out;
}

function record(c: Candidate, g: Given): OrderDiscountRecord {
  return {
    kind: c.coupon ? COUPON_KIND : PROMOTION_KIND,
    label: c.coupon ? `${c.p.name} (${c.coupon.code})` : c.p.name,
    amount: g.amount,
    reference: c.coupon ? `${c.p.id}:${c.coupon.codeId}` : c.p.id,
    ...(g.lines ? { lines: g.lines } : {}),
  };
}

export const promotionStep: PricingStep = { kinds: [COUPON_KIND], automatic: true, apply };
