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
export function planDiscounts(app: AppRuntime, asked: DiscountRequest[] | null | undefined, sink: ProblemSink, opts: { automatic?: boolean } = {}): PlannedStep[] {
  // Each request knows where it was asked (a refusal's path); automatic steps (promotions) run without one.
  const requests = (asked ?? []).map((r, index) => ({ ...r, index }));
  if (!requests.length && opts.automatic === false) return [];
  // Tender (gift cards, store credit) pays what the price reductions leave: after them, whatever the module order.
  const all = app.modules.flatMap((m) => m.pricing ?? []);
  const steps = [...all.filter((s) => !s.tender), ...all.filter((s) => s.tender)];
  const known = [...new Set(steps.flatMap((s) => s.kinds))];
  requests.forEach((r, i) => {
    if (steps.some((s) => s.kinds.includes(r.kind))) return;
    sink.add(`discounts[${i}].kind`, 'BAD_USER_INPUT', `No pricing step answers discounts of kind "${r.kind}"` +
      (known.length ? ` (known kinds: ${known.join(', ')}).` : ' (no discount kinds are enabled).'));
  });
  return steps
    .map((step) => ({ step, requests: requests.filter((r) => step.kinds.includes(r.kind)), firstIndex: requests.findIndex((r) => step.kinds.includes(r.kind)) }))
    .filter((p) => p.requests.length > 0 || (p.step.automatic && opts.automatic !== false));
}

/** What placeOrder knows when the steps run; each step gets it as its PricingInput. */
export type DiscountContext = Pick<PricingInput, 'tx' | 'orderId' | 'orderNumber' | 'channelId' | 'currencyCode' | 'customerId' | 'email' | 'principal' | 'lines' | 'quote'> & {
  totals: OrderTotals;
  /** placeOrder's sink throws a step's refusal; quoteOrder's records it and goes on with the next step. */
  sink: ProblemSink;
};

/**
 * Runs the planned steps in the placement transaction. Discounts come off the goods (lines with their
 * tax); off shipping too only for tender and for a discount that says how it falls on the lines (what
 * they do not account for falls on shipping: free shipping). A step giving more than what is left is a
 * bug in that step.
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
      // A step may name the request it refuses (`input.discounts[1].code`).
      const field = (e as { extensions?: { field?: unknown } }).extensions?.field;
      c.sink.addError(typeof field === 'string' && field.startsWith('input.discounts') ? field.slice(6) : firstIndex >= 0 ? `discounts[${firstIndex}]` : 'discounts', e);
      continue;
    }
    for (const d of given) {
      if (!Number.isSafeInteger(d.amount) || d.amount <= 0) throw new Error(`pricing step for ${d.kind} gave a discount of ${d.amount}: it must be a positive whole amount`);
      // Tender may pay shipping too (it is a means of payment), and so may a price reduction that says so
      // (free shipping: `lines` not covering its amount); never more than the whole total.
      const bound = (step.tender && d.tender) || d.lines ? c.totals.total : goods;
      if (discounted + d.amount > bound) throw new Error(`pricing step for ${d.kind} gave more discount than the ${bound === goods ? 'goods cost' : 'order costs'} (${discounted + d.amount} > ${bound})`);
      if (d.lines && !fallsOnLines(d.lines, d.amount, c.lines)) throw new Error(`pricing step for ${d.kind} gave lines that are not the order's or add up to more than ${d.amount}`);
      discounted += d.amount;
      out.push({
        kind: d.kind, label: d.label, amount: d.amount, reference: d.reference ?? null,
        ...(step.tender && d.tender ? { tender: true } : {}), ...(d.lines ? { lines: d.lines } : {}),
      });
    }
  }
  return { discountTotal: discounted, discounts: out.length ? out : null, events };
}

/** A discount's split over the lines: the order's SKUs, once each, positive parts at most their line's value, at most the amount in all. */
function fallsOnLines(split: { sku: string; amount: number }[], amount: number, lines: DiscountContext['lines']): boolean {
  const seen = new Set<string>();
  let sum = 0;
  for (const x of split) {
    const line = lines.find((l) => l.sku === x.sku);
    if (!line || seen.has(x.sku) || !Number.isSafeInteger(x.amount) || x.amount <= 0 || x.amount > line.total) return false;
    seen.add(x.sku);
    sum += x.amount;
  }
  return sum <= amount;
}
