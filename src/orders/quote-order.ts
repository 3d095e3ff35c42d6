// quoteOrder: placeOrder's checks and pricing (order-draft.ts, the same code), with stock read instead
// of reserved and every problem answered as data. Nothing is written: pricing steps (loyalty points, a
// coupon) run as they would at placement, inside a transaction that is always rolled back.
import { validate } from 'class-validator';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { newId } from '../kernel/ids.js';
import { priceShipping } from '../kernel/money.js';
import { validationProblems } from '../kernel/field-errors.js';
import { surelyValid } from '../kernel/argument-validation.js';
import { availableBy } from '../inventory/availability.js';
import { ShippingService } from '../shipping/shipping.service.js';
import type { PlaceOrderInput } from './order.inputs.js';
import { checkRequest, priceRequest, type OrderRequest, type PriceOverrides, type PricedDraft } from './order-draft.js';
import { applyDiscounts, type AppliedDiscounts } from './order-pricing.js';
import { notEnoughStockMessage, ProblemSink } from './order-problems.js';
import type { OrderQuote, QuoteLine, ShippingOption } from './order-quote.types.js';
import { lazyRequest, methodPrice } from './shipping-price.js';
import { pickupOptions } from './pickup.js';
import { sourcingOptions } from './quote-sourcing.js';
import { CheckoutHoldService } from '../checkout-holds/checkout-hold.service.js';
import { isPreorder } from '../catalog/preorder.js';
import { latestRelease, preorderDelivery, quotePreorder } from './preorder-placement.js';
import { promiseLocations } from './order-sourcing.js';

const DAY = 86_400_000;

export class QuoteOrder {
  constructor(private readonly app: AppRuntime) {}

  /** `overrides`: staff's unit prices by SKU (a draft order's preview); never from a storefront's input. */
  async run(em: Em, principal: Principal, input: PlaceOrderInput, overrides?: PriceOverrides): Promise<OrderQuote> {
    const sink = ProblemSink.collecting();
    // The argument is not validated by the schema for quotes: its field errors are problems like the rest.
    // class-validator only when the plain check of the same rules is not sure (argument-validation.ts).
    const errors = surelyValid(input) ? [] : await validate(input, { forbidUnknownValues: false, skipMissingProperties: true });
    for (const p of validationProblems(errors) ?? []) sink.add(p.path, 'BAD_USER_INPUT', p.message);
    const req = await checkRequest(this.app, em, input, sink);
    const draft = await priceRequest(em, req, sink, overrides);
    const lines = await this.stock(em, input, req, draft, sink);
    const discounts = await this.discounts(em, principal, req, draft, sink);
    const now = Date.now();
    const shippingMethods = await this.shippingOptions(em, input, req, now);
    const total = draft.totals.total - discounts.discountTotal;
    return {
      currencyCode: req.channel.currencyCode,
      pricesIncludeTax: req.channel.pricesIncludeTax,
      lines,
      shippingMethods,
      pickupLocations: await pickupOptions(this.app, em, input, req.channel.currencyCode, draft.lines),
      sourcingOptions: await sourcingOptions(this.app, em, input, req, draft, now),
      discounts: discounts.discounts ?? [],
      ...draft.totals,
      discountTotal: discounts.discountTotal,
      total,
      estimatedDeliveryAt: req.shipping ? await this.preorderEta(em, draft, now, req.shipping.maxTransitDays) ?? new Date(now + req.shipping.maxTransitDays * DAY) : null,
      problems: sink.problems,
      placeable: sink.problems.length === 0,
    };
  }

  /** Units that can be sold now, read (one statement) rather than reserved. */
  private async stock(em: Em, input: PlaceOrderInput, req: OrderRequest, draft: PricedDraft, sink: ProblemSink): Promise<QuoteLine[]> {
    const tracked = draft.lines.filter((l) => l.v.trackInventory).map((l) => l.v.id);
    const available = await availableBy(em, 'variant_id', tracked);
    // The buyer's own checkout hold: its units are theirs to order.
    const held = input.holdId ? await this.app.service(CheckoutHoldService).heldUnits(em, input.holdId, req.channel.id) : null;
    return draft.lines.map(({ v, p }) => {
      const have = v.trackInventory ? (available.get(v.id) ?? 0) + (held?.get(v.id) ?? 0) : null;
      // Before its release a preorder SKU's units are all preordered, whatever the stock (preorder-placement.ts).
      const preordered = isPreorder(v, Date.now()) ? quotePreorder(v, p.quantity, `lines[${req.lineOf.get(v.sku)}].quantity`, sink) : 0;
      const missing = have === null || preordered ? 0 : Math.max(0, p.quantity - have);
      if (missing > 0 && !v.allowBackorder) {
        sink.add(`lines[${req.lineOf.get(v.sku)}].quantity`, 'INSUFFICIENT_STOCK', notEnoughStockMessage(v.sku, have!, p.quantity));
      }
      return {
        sku: v.sku, name: v.name, quantity: p.quantity, unitPrice: p.unitPrice, taxTotal: p.tax, lineTotal: p.total,
        available: have, backordered: v.allowBackorder ? missing : 0, preordered,
      };
    });
  }

  /** A preordered order's delivery from its release date, as placeOrder sets it; null when nothing is preordered. */
  private async preorderEta(em: Em, draft: PricedDraft, now: number, transitDays: number): Promise<Date | null> {
    return latestRelease(draft.lines, now) === null ? null : preorderDelivery(await promiseLocations(this.app, em), draft.lines, now, transitDays);
  }

  /** The pricing steps, in a transaction that is rolled back whatever they did. */
  private async discounts(em: Em, principal: Principal, req: OrderRequest, draft: PricedDraft, sink: ProblemSink): Promise<AppliedDiscounts> {
    if (!req.discounts.length || !draft.lines.length) return { discountTotal: 0, discounts: null, events: [] };
    const tx = em.fork();
    await tx.begin();
    try {
      return await applyDiscounts(req.discounts, {
        tx, orderId: newId('ord'), orderNumber: '(quote)', channelId: req.channel.id, currencyCode: req.channel.currencyCode,
        customerId: principal.kind === 'customer' ? principal.customerId : null, email: req.email, principal,
        totals: draft.totals, quote: true, sink,
        lines: draft.lines.map(({ v, p }) => ({ sku: v.sku, variantId: v.id, quantity: p.quantity, unitPrice: p.unitPrice, net: p.net, tax: p.tax, total: p.total })),
      });
    } finally {
      await tx.rollback();
    }
  }

  /**
   * Methods that deliver to the address in the channel's currency, taxed like placeOrder taxes shipping;
   * carrier-rated ones at the carrier's rate for this parcel (left out when the carrier has none), cheapest first.
   */
  private async shippingOptions(em: Em, input: PlaceOrderInput, req: OrderRequest, now: number): Promise<ShippingOption[]> {
    const methods = (await this.app.service(ShippingService).methodsList(em, input.shippingAddress.countryCode)).filter((m) => m.currencyCode === req.channel.currencyCode);
    const request = lazyRequest(em, req.quantities, input.shippingAddress);
    const options: ShippingOption[] = [];
    // One after another: a carrier's rates for the parcel are asked once and then come from the cache.
    for (const m of methods) {
      const priced = m.code === input.shippingMethodCode ? req.shipping : await methodPrice(this.app, m, request, ProblemSink.collecting());
      if (!priced) continue;
      options.push({
        code: m.code, name: m.name, carrierCode: m.carrierCode, price: priced.price, taxTotal: priceShipping(priced.price, req.bp, req.channel.pricesIncludeTax).tax, currencyCode: m.currencyCode,
        minTransitDays: priced.minTransitDays, maxTransitDays: priced.maxTransitDays, estimatedDeliveryAt: new Date(now + priced.maxTransitDays * DAY),
        selected: m.code === input.shippingMethodCode,
      });
    }
    return options.sort((a, b) => a.price - b.price || a.code.localeCompare(b.code));
  }
}
