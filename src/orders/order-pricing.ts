// placeOrder's pricing extension point (kernel/pricing.ts): finds the step for each requested discount
// kind before the transaction (an unknown kind changes nothing), and runs the steps inside it.
import type { AppRuntime } from '../kernel/runtime.js';
import { isPostgres } from '../kernel/db.js';
import { badInput } from '../kernel/errors.js';
import type { DiscountRequest, OrderDiscountRecord, PricingInput, PricingStep } from '../kernel/pricing.js';
import type { OrderTotals } from '../kernel/money.js';

export interface PlannedStep {
  step: PricingStep;
  requests: DiscountRequest[];
}

/** The steps that answer the requests, in module order; refuses kinds no module answers. */
export function planDiscounts(app: AppRuntime, requests: DiscountRequest[] | null | undefined): PlannedStep[] {
  if (!requests?.length) return [];
  const steps = app.modules.flatMap((m) => m.pricing ?? []);
  const unknown = requests.filter((r) => !steps.some((s) => s.kinds.includes(r.kind)));
  if (unknown.length) {
    const known = [...new Set(steps.flatMap((s) => s.kinds))];
    throw badInput(`No pricing step answers discounts of kind ${unknown.map((r) => `"${r.kind}"`).join(', ')}` +
      (known.length ? ` (known kinds: ${known.join(', ')}).` : ' (no discount kinds are enabled).'), 'discounts');
  }
  return steps
    .map((step) => ({ step, requests: requests.filter((r) => step.kinds.includes(r.kind)) }))
    .filter((p) => p.requests.length > 0);
}

/** What placeOrder knows when the steps run; each step gets it as its PricingInput. */
export type DiscountContext = Pick<PricingInput, 'tx' | 'orderId' | 'orderNumber' | 'channelId' | 'currencyCode' | 'customerId' | 'email' | 'principal' | 'lines'> & {
  totals: OrderTotals;
};

/**
 * Runs the planned steps in the placement transaction. Discounts come off the goods (lines with their
 * tax), never off shipping, and a step giving more than what is left is a bug in that step.
 */
export interface AppliedDiscounts {
  discountTotal: number;
  discounts: OrderDiscountRecord[] | null;
  /** Domain events the steps recorded; they are inserted with the order. */
  events: { type: string; payload: Record<string, unknown> }[];
}

export async function applyDiscounts(plan: PlannedStep[], c: DiscountContext): Promise<AppliedDiscounts> {
  if (!plan.length) return { discountTotal: 0, discounts: null, events: [] };
  const events: AppliedDiscounts['events'] = [];
  const goods = c.lines.reduce((s, l) => s + l.total, 0);
  const out: OrderDiscountRecord[] = [];
  let discounted = 0;
  for (const { step, requests } of plan) {
    const given = await step.apply({
      tx: c.tx, dialect: isPostgres(c.tx) ? 'postgresql' : 'sqlite', orderId: c.orderId, orderNumber: c.orderNumber,
      channelId: c.channelId, currencyCode: c.currencyCode, customerId: c.customerId, email: c.email, principal: c.principal,
      lines: c.lines, ...c.totals, discounted, requests,
      recordEvent: (type, payload) => void events.push({ type, payload }),
    });
    for (const d of given) {
      if (!Number.isSafeInteger(d.amount) || d.amount <= 0) throw new Error(`pricing step for ${d.kind} gave a discount of ${d.amount}: it must be a positive whole amount`);
      if (discounted + d.amount > goods) throw new Error(`pricing step for ${d.kind} gave more discount than the goods cost (${discounted + d.amount} > ${goods})`);
      discounted += d.amount;
      out.push({ kind: d.kind, label: d.label, amount: d.amount, reference: d.reference ?? null });
    }
  }
  return { discountTotal: discounted, discounts: out.length ? out : null, events };
}
