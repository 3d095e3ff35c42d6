// How a received return is resolved, in the job `returns.resolve`: a refund through the payment provider
// (the credit note follows from invoicing), or a replacement order placed by the orders module, of the
// same SKU or another variant (the price difference refunded, or charged as the replacement's total).
// Running it again changes nothing: refunds are keyed on the return, a placed replacement is never
// placed twice.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { formatMoney } from '../kernel/money.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { unitPricesIn } from '../prices/channel-prices.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { Payment } from '../payments/payment.entity.js';
import { PaymentOperation, PaymentOperationKind } from '../payments/payment-operation.entity.js';
import { PaymentService } from '../payments/payment.service.js';
import { placeReplacementOrder, type ReplacementItem } from '../orders/replacement-order.js';
import { ReturnLine, ReturnRequest } from './return-request.entity.js';
import { RefundDestination, ReturnResolution, ReturnStatus, SHIPPING_REFUND_REASONS } from './return-status.js';
import { giveBackTender, tenderPart, tenderTotal } from '../gift-cards/give-back.js';
import { creditReturn } from '../gift-cards/store-credit.service.js';
import { returnRefund } from './return-refund.js';
import { exchangeDifference, type ExchangeDifference } from './exchange-difference.js';
import { moveReturn, withReturn } from './return-moves.js';

export class ReturnSettlement {
  constructor(private readonly app: AppRuntime) {}

  /** Job `returns.resolve`: a received return is refunded or exchanged. Running it again changes nothing. */
  async resolve(em: Em, id: string): Promise<ReturnStatus | null> {
    const ret = await em.fork().findOne(ReturnRequest, { id });
    if (!ret) return null;
    if (ret.status !== ReturnStatus.RECEIVED && ret.status !== ReturnStatus.REFUNDED) return ret.status;
    if (ret.resolution === ReturnResolution.REFUND) return this.refund(em, ret);
    return this.exchange(em, ret.id);
  }

  /**
   * What the received units are worth (return-refund.ts); shipping once per order when the shop was at
   * fault. Tender (gift cards, store credit) is a means of payment, not a price reduction: the worth is
   * priced as if it were paid, then split into the part tender paid (`tender`, back to its sources) and
   * the rest (`amount`, to the payments or store credit).
   */
  private async refundAmount(em: Em, ret: ReturnRequest): Promise<{ amount: number; tender: number; shipping: boolean }> {
    const f = em.fork();
    const order = await f.findOneOrFail(Order, { id: ret.order.id });
    const [lines, orderLines, shippingBefore] = await Promise.all([
      f.find(ReturnLine, { returnRequest: ret.id }),
      f.find(OrderLine, { order: order.id }),
      f.count(ReturnLine, {
        returnRequest: { order: order.id, id: { $ne: ret.id }, resolution: ReturnResolution.REFUND, status: { $in: [ReturnStatus.REFUNDED, ReturnStatus.COMPLETED] } },
        quantityReceived: { $gt: 0 }, reason: { $in: [...SHIPPING_REFUND_REASONS] },
      }),
    ]);
    const tender = tenderTotal(order);
    const worth = returnRefund(
      { total: order.total + tender, discountTotal: order.discountTotal - tender, lines: orderLines, discounts: order.discounts },
      lines.map((l) => ({ orderLineId: l.orderLine.id, quantityReceived: l.quantityReceived, reason: l.reason })),
      shippingBefore > 0,
    );
    const paidByTender = tenderPart(order, worth.amount);
    return { amount: worth.amount - paidByTender, tender: paidByTender, shipping: worth.shipping };
  }

  /**
   * Refunds `amount` to the order's payments, oldest first, with a key derived from the return: a rerun
   * (a retried job, a crash before the return was written) refunds nothing twice. What was refunded.
   */
  private async refundToPayments(em: Em, ret: ReturnRequest, amount: number): Promise<number> {
    const payments = await em.fork().find(Payment, { order: ret.order.id }, { orderBy: { id: 'asc' } });
    const service = this.app.service(PaymentService);
    const key = `rma-${ret.id}`;
    let refunded = 0;
    for (const p of payments) {
      if (refunded >= amount) break;
      // A run before this one refunded from this payment already: the same key, nothing again.
      const prior = await em.fork().findOne(PaymentOperation, { payment: p.id, kind: PaymentOperationKind.REFUND, idempotencyKey: key });
      if (prior) {
        refunded += prior.amount;
        continue;
      }
      if (p.status !== PaymentStatus.PAID && p.status !== PaymentStatus.PARTIALLY_REFUNDED) continue;
      const take = Math.min(amount - refunded, p.amountCaptured - p.amountRefunded);
      if (take <= 0) continue;
      await service.refund(em, 'system', p.id, take, `Return ${ret.number}`, key);
      refunded += take;
    }
    return refunded;
  }

  private async refund(em: Em, ret: ReturnRequest): Promise<ReturnStatus> {
    const { amount, tender, shipping } = await this.refundAmount(em, ret);
    // Store credit instead of the payment: nothing goes to the provider; credited below, with the move.
    const toCredit = ret.refundTo === RefundDestination.STORE_CREDIT;
    const refunded = toCredit ? 0 : await this.refundToPayments(em, ret, amount);
    return withReturn(em, ret.id, async (tx, order, r) => {
      if (r.status === ReturnStatus.RECEIVED) {
        const money = (n: number) => formatMoney(n, order.currencyCode);
        // Keyed on the return (gift-cards' ledgers): a rerun gives and credits nothing twice.
        const back = await giveBackTender(tx, order, tender, `return:${r.id}`, `Return ${r.number}.`);
        if (toCredit) await creditReturn(tx, order, r.id, r.number, amount);
        r.refundedAmount = refunded;
        const short = !toCredit && refunded < amount ? ` (${money(amount - refunded)} could not be refunded: not captured)` : '';
        const where = toCredit ? `${money(amount)} credited to store credit` : `${money(refunded)} refunded`;
        await moveReturn(this.app, tx, order, r, ReturnStatus.REFUNDED, 'system',
          `Return ${r.number}: ${where}${back ? `, ${money(back)} given back to the gift card or store credit it was paid with` : ''}${shipping ? ', shipping included' : ''}${short}.`,
          { amount: refunded, ...(toCredit ? { storeCredit: amount } : {}), ...(back ? { tenderGivenBack: back } : {}) });
      }
      if (r.status === ReturnStatus.REFUNDED) await moveReturn(this.app, tx, order, r, ReturnStatus.COMPLETED, 'system', `Return ${r.number} completed.`);
      return r.status;
    });
  }

  /**
   * A replacement order for the received units, placed by the orders module: the same SKU, or the line's
   * `exchangeSku`. The price difference (exchange-difference.ts) is refunded to the original payment first
   * (new variant cheaper; keyed on the return, so a rerun refunds once), charged as the replacement's total
   * by the `manual` method (pricier: the order waits for the money), or nothing (same price).
   */
  private async exchange(em: Em, id: string): Promise<ReturnStatus> {
    const plan = await this.exchangePlan(em.fork(), id);
    const refunded = plan && plan.difference.refund > 0 ? await this.refundToPayments(em, plan.ret, plan.difference.refund) : 0;
    return withReturn(em, id, async (tx, order, ret) => {
      if (ret.status !== ReturnStatus.RECEIVED) return ret.status;
      const money = (n: number) => formatMoney(n, order.currencyCode);
      // Already placed (the return set back to RECEIVED by hand, a replay): never a second replacement.
      if (ret.exchangeOrder) {
        const placed = await tx.findOneOrFail(Order, { id: ret.exchangeOrder.id });
        await moveReturn(this.app, tx, order, ret, ReturnStatus.COMPLETED, 'system', `Return ${ret.number} completed: replacement order ${placed.number}.`, { exchangeOrderId: placed.id });
        return ret.status;
      }
      const lines = (await tx.find(ReturnLine, { returnRequest: ret.id }, { orderBy: { id: 'asc' } })).filter((l) => l.quantityReceived > 0);
      const orderLines = await tx.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } });
      const variantIds = orderLines.map((l) => l.variant?.id).filter((v): v is string => !!v);
      const variants = variantIds.length ? await tx.find(ProductVariant, { id: { $in: variantIds } }) : [];
      const items: ReplacementItem[] = [];
      for (const rl of lines) {
        const ol = orderLines.find((o) => o.id === rl.orderLine.id)!;
        const v = ol.variant && variants.find((x) => x.id === ol.variant!.id);
        if (!v) continue;
        const other = rl.exchangeSku ? plan?.variants.get(rl.exchangeSku) : null;
        const unit = plan?.difference.units.find((u) => u.orderLineId === ol.id);
        if (other) items.push({ variantId: other.id, sku: other.sku, name: other.name, quantity: rl.quantityReceived, trackInventory: other.trackInventory, unitCharge: unit?.unitCharge ?? undefined });
        else items.push({ variantId: v.id, sku: ol.sku, name: ol.name, quantity: rl.quantityReceived, trackInventory: v.trackInventory });
      }
      if (!items.length) {
        await moveReturn(this.app, tx, order, ret, ReturnStatus.COMPLETED, 'system', `Return ${ret.number} completed: nothing to replace.`);
        return ret.status;
      }
      const d = plan?.difference ?? { difference: 0, charge: 0, credit: 0, refund: 0 };
      const charged = d.charge - d.credit;
      const how = charged > 0 ? `for the price difference of ${money(charged)}, to be paid by bank transfer` : 'at no charge';
      const placed = await placeReplacementOrder(this.app, tx, order, items, {
        placedMessage: (number) => `Order ${number} placed as the exchange of return ${ret.number} (order ${order.number}), ${how}.`,
        note: `Exchange for return ${ret.number} of order ${order.number}.`,
        event: { exchangeOf: ret.id },
        credit: d.credit > 0 ? { amount: d.credit, label: `Exchange credit (return ${ret.number})`, reference: ret.id } : undefined,
      });
      ret.exchangeOrder = tx.getReference(Order, placed.id);
      ret.exchangeDifference = d.difference;
      if (refunded > 0) ret.refundedAmount = refunded;
      const short = refunded < d.refund ? ` (${money(d.refund - refunded)} could not be refunded: not captured)` : '';
      const diff = d.difference > 0 ? `, price difference ${money(d.difference)} to be paid by the customer`
        : d.difference < 0 ? `, price difference ${money(-d.difference)} in the customer's favour${d.credit > 0 ? ` (${money(d.credit)} taken off the replacement)` : ''}${refunded > 0 ? `, ${money(refunded)} refunded` : ''}${short}`
        : '';
      await moveReturn(this.app, tx, order, ret, ReturnStatus.COMPLETED, 'system', `Return ${ret.number} completed: replacement order ${placed.number} placed ${charged > 0 ? `for ${money(placed.total)}` : 'at no charge'}${diff}.`,
        { exchangeOrderId: placed.id, exchangeDifference: d.difference });
      return ret.status;
    });
  }

  /** The new variants the return's lines ask for and the price difference (null: nothing is exchanged for another variant). */
  private async exchangePlan(f: Em, id: string): Promise<{ ret: ReturnRequest; variants: Map<string, ProductVariant>; difference: ExchangeDifference } | null> {
    const ret = await f.findOne(ReturnRequest, { id });
    if (!ret || ret.status !== ReturnStatus.RECEIVED) return null;
    const lines = (await f.find(ReturnLine, { returnRequest: ret.id })).filter((l) => l.quantityReceived > 0 && l.exchangeSku);
    if (!lines.length) return null;
    const order = await f.findOneOrFail(Order, { id: ret.order.id });
    const [orderLines, found] = await Promise.all([
      f.find(OrderLine, { order: order.id }),
      f.find(ProductVariant, { sku: { $in: lines.map((l) => l.exchangeSku!) } }),
    ]);
    // Checked when the return was requested; a variant since deactivated is still the one promised.
    const variants = new Map(found.map((v) => [v.sku, v]));
    // The new variant at the order's channel price now (its own price there, else the catalog's).
    const unitPrices = await unitPricesIn(f, { id: order.channel.id, currencyCode: order.currencyCode }, found);
    const exchanged = lines.flatMap((l) => {
      const v = variants.get(l.exchangeSku!);
      return v ? [{ orderLineId: l.orderLine.id, quantity: l.quantityReceived, newUnitPrice: unitPrices.get(v.id) ?? v.price }] : [];
    });
    const difference = exchangeDifference({ discountTotal: order.discountTotal, taxBasisPoints: order.taxBasisPoints, pricesIncludeTax: order.pricesIncludeTax, lines: orderLines, discounts: order.discounts }, exchanged);
    return { ret, variants, difference };
  }
}
