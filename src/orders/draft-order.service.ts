// Draft orders: staff put an order together (phone, B2B, in store), see it priced by quoteOrder's code,
// and complete it through placeOrder, with their per-line price overrides. A draft reserves nothing and
// only staff (admin role `orders`) see it. Completing claims the draft in placeOrder's own transaction,
// so the order and the COMPLETED draft commit together or not at all (out of stock: the draft stays open).
import { createHash } from 'node:crypto';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { actorName, adminIn, channelScope, orderStaff, authorize, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, stableJson } from '../kernel/idempotency.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { ChannelService } from '../channels/channel.service.js';
import { Channel } from '../channels/channel.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { Order } from '../order-core/order.entity.js';
import { DraftOrder, DraftOrderStatus, type DraftOrderLine } from './draft-order.entity.js';
import type { CreateDraftOrderInput, DraftOrderLineInput, UpdateDraftOrderInput } from './draft-order.inputs.js';
import type { PaymentInput, PlaceOrderInput } from './order.inputs.js';
import type { OrderQuote } from './order-quote.types.js';
import { PlaceOrder } from './place-order.js';
import { QuoteOrder } from './quote-order.js';

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

/** The draft claims itself for its order, first thing in placeOrder's transaction; a draft no longer OPEN matches nothing. */
const CLAIM = `UPDATE draft_order SET status = 'COMPLETED', order_id = ?, completion_hash = ?, completed_at = ?, updated_at = ?, version = version + 1
WHERE id = ? AND status = 'OPEN' RETURNING id`;

export class DraftOrderService {
  constructor(private readonly app: AppRuntime) {}

  async get(em: Em, principal: Principal, id: string): Promise<DraftOrder | null> {
    authorize(principal, adminIn('orders'));
    const draft = await em.findOne(DraftOrder, { id });
    if (draft) await this.inScope(em, principal, draft.channelCode);
    return draft;
  }

  /** Staff kept to channels work on drafts for those channels only (FORBIDDEN otherwise). */
  private async inScope(em: Em, principal: Principal, channelCode: string): Promise<void> {
    if (!channelScope(principal)) return;
    const channel = await em.findOne(Channel, { code: channelCode });
    authorize(principal, orderStaff({ channel }));
  }

  async list(em: Em, principal: Principal, first?: number | null, after?: string | null): Promise<Page<DraftOrder>> {
    authorize(principal, adminIn('orders'));
    const scope = channelScope(principal);
    if (!scope) return pageOf(em, DraftOrder, {}, first, after);
    const codes = (await em.find(Channel, { id: { $in: scope } })).map((c) => c.code);
    return pageOf(em, DraftOrder, { channelCode: { $in: codes } }, first, after);
  }

  async create(em: Em, principal: Principal, input: CreateDraftOrderInput): Promise<DraftOrder> {
    authorize(principal, adminIn('orders'));
    const lines = draftLines(input.lines);
    const channel = await this.app.service(ChannelService).byCode(em, input.channelCode);
    await this.inScope(em, principal, channel.code);
    const { customerId, email } = await this.buyer(em, input.customerId ?? null, input.email ?? null);
    const draft = em.create(DraftOrder, {
      channelCode: channel.code, customerId, email, lines,
      shippingAddress: input.shippingAddress, billingAddress: input.billingAddress ?? null,
      shippingMethodCode: input.shippingMethodCode, note: input.note ?? null, createdBy: actorName(principal),
    });
    await em.persistAndFlush(draft);
    return draft;
  }

  /** Replaces what `input` gives; a draft that is no longer OPEN cannot change. */
  async update(em: Em, principal: Principal, id: string, input: UpdateDraftOrderInput): Promise<DraftOrder> {
    authorize(principal, adminIn('orders'));
    const draft = await this.open(em, id, 'updated');
    await this.inScope(em, principal, draft.channelCode);
    // Everything is checked before anything is set: a bad field changes nothing.
    const lines = input.lines ? draftLines(input.lines) : null;
    const channel = input.channelCode ? await this.app.service(ChannelService).byCode(em, input.channelCode) : null;
    if (channel) await this.inScope(em, principal, channel.code);
    const buyer = input.customerId || input.email
      ? await this.buyer(em, input.customerId ?? draft.customerId ?? null, input.email ?? (input.customerId ? null : draft.email))
      : null;
    if (lines) draft.lines = lines;
    if (channel) draft.channelCode = channel.code;
    if (buyer) Object.assign(draft, buyer);
    if (input.shippingAddress) draft.shippingAddress = input.shippingAddress as DraftOrder['shippingAddress'];
    if (input.billingAddress) draft.billingAddress = input.billingAddress as DraftOrder['billingAddress'];
    if (input.shippingMethodCode) draft.shippingMethodCode = input.shippingMethodCode;
    if (input.note !== undefined && input.note !== null) draft.note = input.note;
    await em.flush();
    return draft;
  }

  async delete(em: Em, principal: Principal, id: string): Promise<boolean> {
    authorize(principal, adminIn('orders'));
    const mine = await em.findOne(DraftOrder, { id });
    if (mine) await this.inScope(em, principal, mine.channelCode);
    const deleted = await em.nativeDelete(DraftOrder, { id, status: DraftOrderStatus.OPEN });
    if (!deleted) await this.open(em, id, 'deleted'); // says why: NOT_FOUND or INVALID_STATE_TRANSITION
    return true;
  }

  /** The order as placeOrder would price it now, with the draft's price overrides; writes and reserves nothing. */
  quote(em: Em, principal: Principal, draft: DraftOrder): Promise<OrderQuote> {
    authorize(principal, adminIn('orders'));
    // The payment is chosen at completion; the preview prices without it (manual authorizes nothing).
    return this.app.service(QuoteOrder).run(em, principal, placeInput(draft, { method: 'manual' }), unitPrices(draft));
  }

  order(em: Em, draft: DraftOrder): Promise<Order | null> {
    return draft.orderId ? em.findOne(Order, { id: draft.orderId }) : Promise.resolve(null);
  }

  customer(em: Em, draft: DraftOrder): Promise<Customer | null> {
    return draft.customerId ? em.findOne(Customer, { id: draft.customerId }) : Promise.resolve(null);
  }

  /**
   * Places the draft through placeOrder (its checks, stock reservation, payment, one transaction) with the
   * staff's price overrides; the draft becomes COMPLETED in that transaction. A retry with the same
   * idempotency key (and payment) answers the completed draft and its order; anything else on a completed
   * draft is INVALID_STATE_TRANSITION.
   */
  async complete(em: Em, principal: Principal, id: string, payment: PaymentInput, idempotencyKey?: string | null): Promise<DraftOrder> {
    authorize(principal, adminIn('orders'));
    checkIdempotencyKey(idempotencyKey);
    const completion = idempotencyKey ? sha(stableJson({ key: idempotencyKey, payment })) : null;
    const draft = await em.findOne(DraftOrder, { id });
    if (!draft) throw notFound(`Draft order ${id}`);
    await this.inScope(em, principal, draft.channelCode);
    if (draft.status !== DraftOrderStatus.OPEN) return this.repeat(draft, completion);
    const priceOverrides = new Map(draft.lines.filter((l) => isOverride(l)).map((l) => [l.sku, { unitPrice: l.unitPrice!, reason: l.priceOverrideReason! }]));
    try {
      await this.app.service(PlaceOrder).run(em, principal, placeInput(draft, payment), null, {
        priceOverrides,
        customerId: draft.customerId ?? null,
        source: `Placed from draft order ${draft.id} (created by ${draft.createdBy}).`,
        claim: async (tx: SqlRunner, orderId: string) => {
          const now = dialectOf(tx).date(new Date());
          const claimed = await tx.execute(CLAIM, [orderId, completion, now, now, draft.id]);
          if (!claimed.length) throw new OrdoError('INVALID_STATE_TRANSITION', `Draft order ${draft.id} is no longer open.`);
        },
      });
    } catch (e) {
      // A completion that committed meanwhile (a retry racing the first): answer as a repeat would.
      const now = await em.fork().findOne(DraftOrder, { id });
      if (now && now.status !== DraftOrderStatus.OPEN) return this.repeat(now, completion);
      throw e;
    }
    return em.fork().findOneOrFail(DraftOrder, { id });
  }

  private repeat(draft: DraftOrder, completion: string | null): DraftOrder {
    if (completion && draft.completionHash === completion) return draft;
    throw new OrdoError('INVALID_STATE_TRANSITION', `Draft order ${draft.id} is ${draft.status}: it was placed as an order already.`);
  }

  /** An OPEN draft; NOT_FOUND or INVALID_STATE_TRANSITION otherwise. */
  private async open(em: Em, id: string, what: string): Promise<DraftOrder> {
    const draft = await em.findOne(DraftOrder, { id });
    if (!draft) throw notFound(`Draft order ${id}`);
    if (draft.status !== DraftOrderStatus.OPEN) throw new OrdoError('INVALID_STATE_TRANSITION', `Draft order ${id} is ${draft.status}: it cannot be ${what}.`);
    return draft;
  }

  /** The customer (by id) and the email the order mails go to: the given one, else the customer's. */
  private async buyer(em: Em, customerId: string | null, email: string | null): Promise<{ customerId: string | null; email: string }> {
    let customer: Customer | null = null;
    if (customerId) {
      customer = await em.findOne(Customer, { id: customerId });
      if (!customer) throw badInput(`There is no customer with id ${customerId}.`, 'input.customerId');
    }
    const to = (email ?? customer?.email ?? '').trim().toLowerCase();
    if (!to) throw badInput('A draft order needs a customerId or an email.', 'input.email');
    return { customerId: customer?.id ?? null, email: to };
  }
}

/** The lines as stored; BAD_USER_INPUT (naming the field) for an override without a reason or a SKU twice. */
function draftLines(lines: DraftOrderLineInput[]): DraftOrderLine[] {
  const seen = new Set<string>();
  return lines.map((l, i) => {
    const sku = l.sku.trim();
    const reason = l.priceOverrideReason?.trim() || null;
    const overridden = l.unitPrice !== undefined && l.unitPrice !== null;
    if (overridden && !reason) throw badInput(`Line ${i + 1} overrides the price of ${sku}: say why in priceOverrideReason.`, `input.lines[${i}].priceOverrideReason`);
    if (!overridden && reason) throw badInput(`Line ${i + 1} gives a priceOverrideReason without a unitPrice.`, `input.lines[${i}].unitPrice`);
    // One line per SKU: a price override belongs to the SKU (placeOrder merges lines of one SKU).
    if (seen.has(sku)) throw badInput(`${sku} is on two lines: put its whole quantity on one.`, `input.lines[${i}].sku`);
    seen.add(sku);
    return { sku, quantity: l.quantity, unitPrice: overridden ? l.unitPrice! : null, priceOverrideReason: reason };
  });
}

const isOverride = (l: DraftOrderLine) => l.unitPrice !== undefined && l.unitPrice !== null;

function unitPrices(draft: DraftOrder): Map<string, number> {
  return new Map(draft.lines.filter(isOverride).map((l) => [l.sku, l.unitPrice!]));
}

/** The draft as placeOrder's input (no prices in it: those go by the staff-only path). */
function placeInput(draft: DraftOrder, payment: PaymentInput): PlaceOrderInput {
  const address = (a: DraftOrder['shippingAddress']) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== null && v !== undefined)) as PlaceOrderInput['shippingAddress'];
  return {
    channelCode: draft.channelCode, email: draft.email, lines: draft.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    shippingAddress: address(draft.shippingAddress), billingAddress: draft.billingAddress ? address(draft.billingAddress) : undefined,
    shippingMethodCode: draft.shippingMethodCode, payment, note: draft.note ?? undefined,
  };
}
