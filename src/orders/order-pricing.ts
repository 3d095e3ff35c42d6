// placeOrder's pricing extension point (kernel/pricing.ts): finds the step for each requested discount
// kind before the transaction (an unknown kind changes nothing), and runs the steps inside it.
import type { AppRuntime } from '../kernel/runtime.js';
import { dialectOf } from '../kernel/db/dialect.js';
import type { ProblemSink } from './order-problems.js';
import type { DiscountRequest, OrderDiscountRecord, PricingInput, PricingStep } from '../kernel/pricing.js';
import type { OrderTotals } from '../kernel/money.js';

export interface PlannedStep {
  step: PricingStep;
  requests: DiscountRequest[];
  /** Where the first of them is in PlaceOrderInput.discounts (a refusal's problem path). */
  firstIndex: number;
}

/** The steps that answer the requests, in module order; a kind no module answers is a problem. */
export function planDiscounts(app: AppRuntime, requests: DiscountRequest[] | null | undefined, sink: ProblemSink): PlannedStep[] {
  if (!requests?.length) return [];
  const steps = app.modules.flatMap((m) => m.pricing ?? []);
  const known = [...new Set(steps.flatMap((s) => s.kinds))];
  requests.forEach((r, i) => {
    if (steps.some((s) => s.kinds.includes(r.kind))) return;
    sink.add(`discounts[${i}].kind`, 'BAD_USER_INPUT', `No pricing step answers discounts of kind "${r.kind}"` +
      (known.length ? ` (known kinds: ${known.join(', ')}).` : ' (no discount kinds are enabled).'));
  });
  return steps
    .map((step) => ({ step, requests: requests.filter((r) => step.kinds.includes(r.kind)), firstIndex: requests.findIndex((r) => step.kinds.includes(r.kind)) }))
    .filter((p) => p.requests.length > 0);
}

/** What placeOrder knows when the steps run; each step gets it as its PricingInput. */
export type DiscountContext = Pick<PricingInput, 'tx' | 'orderId' | 'orderNumber' | 'channelId' | 'currencyCode' | 'customerId' | 'email' | 'principal' | 'lines' | 'quote'> & {
  totals: OrderTotals;
  /** placeOrder's sink throws a step's refusal; quoteOrder's records it and goes on with the next step. */
  sink: ProblemSink;
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
  for (const { step, requests, firstIndex } of plan) {
    let given: OrderDiscountRecord[];
    try {
      given = await step.apply({
        tx: c.tx, dialect: dialectOf(c.tx), orderId: c.orderId, orderNumber: c.orderNumber,
        channelId: c.channelId, currencyCode: c.currencyCode, customerId: c.customerId, email: c.email, principal: c.principal,
        lines: c.lines, ...c.totals, discounted, requests, quote: c.quote,
        recordEvent: (type, payload) => void events.push({ type, payload }),
      });
    } catch (e) {
      c.sink.addError(`discounts[${firstIndex}]`, e);
      continue;
    }
    for (const d of given) {
      if (!Number.isSafeInteger(d.amount) || d.amount <= 0) throw new Error(`pricing step for ${d.kind} gave a discount of ${d.amount}: it must be a positive whole amount`);
      if (discounted + d.amount > goods) throw new Error(`pricing step for ${d.kind} gave more discount than the goods cost (${discounted + d.amount} > ${goods})`);
      discounted += d.amount;
      out.push({ kind: d.kind, label: d.label, amount: d.amount, reference: d.reference ?? null });
    }
  }
  return { discountTotal: discounted, discounts: out.length ? out : null, events };
}
