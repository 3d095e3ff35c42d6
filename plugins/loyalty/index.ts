// loyalty: customers earn points when an order is delivered, lose them again when it is refunded, and
// spend them as a discount when they place an order (through placeOrder's pricing step). Written only
// against the public API (src/index.ts).
import {
  badInput, currencyExponent, definePlugin, Order, Payment,
  type DomainEvent, type Em, type EventHandler, type JobContext, type OrderDiscountRecord, type PricingInput, type PricingStep,
} from '../../src/index.js';
import { LoyaltyAccount, LoyaltyEntryKind, LoyaltyLedgerEntry } from './entities.js';
import { balanceOf, changeEvent, lockAccount, orderPoints, post, postAndRecord, POINTS_CHANGED } from './ledger.js';
import { migrations } from './migrations/index.js';
import { CustomerLoyaltyFields, LoyaltyResolver, OrderLoyaltyFields } from './resolvers.js';

export { LoyaltyAccount, LoyaltyEntryKind, LoyaltyLedgerEntry } from './entities.js';

/** The discount kind of PlaceOrderInput.discounts: `{ kind: "loyalty-points", amount: <points> }`. */
export const LOYALTY_DISCOUNT = 'loyalty-points';

export interface LoyaltyOptions {
  /** Points earned per whole currency unit paid (100 minor units of EUR, 1 of JPY, 1000 of KWD); default 1. Fractions round down per order. */
  pointsPerCurrencyUnit?: number;
  /** What one point is worth when spent, in minor units; default 1 (100 points take 1.00 off). */
  pointValue?: number;
  /** The share of the goods' value (tax included, shipping not) points may pay, in percent; default 100. */
  maxRedeemPercent?: number;
}

/** Points for an amount in minor units: `pointsPerCurrencyUnit` per whole unit of its currency, rounded down. */
export function pointsForAmount(amount: number, currencyCode: string, pointsPerCurrencyUnit: number): number {
  return Math.max(0, Math.floor((amount * pointsPerCurrencyUnit) / 10 ** currencyExponent(currencyCode)));
}

export function loyalty(options: LoyaltyOptions = {}) {
  const rate = options.pointsPerCurrencyUnit ?? 1;
  const pointValue = options.pointValue ?? 1;
  const maxPercent = options.maxRedeemPercent ?? 100;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error('loyalty: pointsPerCurrencyUnit must be a positive number');
  if (!Number.isInteger(pointValue) || pointValue < 1) throw new Error('loyalty: pointValue must be a whole number of minor units, at least 1');
  if (!(maxPercent > 0 && maxPercent <= 100)) throw new Error('loyalty: maxRedeemPercent must be above 0 and at most 100');

  /** Points for an amount paid, in minor units of the currency. */
  const pointsFor = (amount: number, currencyCode: string) => pointsForAmount(amount, currencyCode, rate);

  /** What the customer paid and kept: the order's total less its refunds. */
  const paidAndKept = async (em: Em, order: Order) => {
    const payments = await em.find(Payment, { order: order.id });
    return order.total - payments.reduce((s, p) => s + p.amountRefunded, 0);
  };

  /** order.delivered: points for what was paid and not refunded, once per order. */
  const earn: EventHandler = async (event: DomainEvent, ctx: JobContext) => {
    const orderId = String(event.payload.orderId);
    await (ctx.em as Em).fork().transactional(async (tx) => {
      const order = await tx.findOne(Order, orderId);
      const customerId = order?.customer?.id;
      if (!order || !customerId) return; // guests have no account
      await lockAccount(tx, customerId);
      const points = pointsFor(await paidAndKept(tx, order), order.currencyCode);
      if (points <= 0) return;
      await postAndRecord(tx, { customerId, orderId, kind: LoyaltyEntryKind.EARNED, points, sourceKey: `earn:${orderId}`, note: `Order ${order.number} delivered.` });
    });
  };

  /**
   * payment.refunded: takes back what the order earned beyond what it would earn on what is kept now.
   * Under the account's lock, so refunds handled in any order end at the same balance.
   */
  const reverse: EventHandler = async (event: DomainEvent, ctx: JobContext) => {
    const orderId = String(event.payload.orderId);
    await (ctx.em as Em).fork().transactional(async (tx) => {
      const order = await tx.findOne(Order, orderId);
      const customerId = order?.customer?.id;
      if (!order || !customerId) return;
      await lockAccount(tx, customerId);
      const earned = await orderPoints(tx, orderId, [LoyaltyEntryKind.EARNED, LoyaltyEntryKind.REVERSED]);
      const back = earned - Math.min(earned, pointsFor(await paidAndKept(tx, order), order.currencyCode));
      if (back <= 0) return;
      await postAndRecord(tx, {
        customerId, orderId, kind: LoyaltyEntryKind.REVERSED, points: -back,
        sourceKey: `refund:${String(event.payload.operationId ?? event.id)}`, note: `Refund on order ${order.number}.`,
      });
    });
  };

  /** order.cancelled: the points spent on it come back. */
  const restore: EventHandler = async (event: DomainEvent, ctx: JobContext) => {
    const orderId = String(event.payload.orderId);
    await (ctx.em as Em).fork().transactional(async (tx) => {
      const spent = await tx.findOne(LoyaltyLedgerEntry, { orderId, kind: LoyaltyEntryKind.REDEEMED });
      if (!spent) return;
      await lockAccount(tx, spent.customerId);
      await postAndRecord(tx, {
        customerId: spent.customerId, orderId, kind: LoyaltyEntryKind.RESTORED, points: -spent.points,
        sourceKey: `restore:${orderId}`, note: 'Order cancelled: points given back.',
      });
    });
  };

  /** Spends points inside placeOrder's transaction: they are gone with the order, or not at all. */
  const redeem: PricingStep = {
    kinds: [LOYALTY_DISCOUNT],
    async apply(input: PricingInput): Promise<OrderDiscountRecord[]> {
      if (input.requests.length > 1) throw badInput('Ask for loyalty points once per order.', 'discounts');
      const points = input.requests[0].amount;
      if (!points || !Number.isInteger(points) || points < 1) throw badInput('loyalty-points needs amount: the number of points to spend.', 'discounts');
      if (!input.customerId) throw badInput('Sign in to spend loyalty points.', 'discounts');
      const goods = input.lines.reduce((s, l) => s + l.total, 0);
      const room = Math.floor((goods * maxPercent) / 100) - input.discounted;
      const most = Math.max(0, Math.floor(room / pointValue));
      if (points > most) throw badInput(`At most ${most} loyalty points can be spent on this order; ${points} were asked for.`, 'discounts');
      const spend = {
        customerId: input.customerId, orderId: input.orderId, kind: LoyaltyEntryKind.REDEEMED, points: -points,
        sourceKey: `redeem:${input.orderId}`, note: `Spent on order ${input.orderNumber}.`,
      };
      const balance = await post(input.tx, spend, { mustCover: true });
      if (balance === 'insufficient' || balance === null) {
        const have = await balanceOf(input.tx, input.customerId);
        throw badInput(`You have ${have} loyalty points; ${points} were asked for.`, 'discounts');
      }
      input.recordEvent(POINTS_CHANGED, changeEvent(spend, balance));
      return [{ kind: LOYALTY_DISCOUNT, label: `Loyalty points (${points})`, amount: points * pointValue, reference: `redeem:${input.orderId}` }];
    },
  };

  return definePlugin({
    name: 'loyalty',
    entities: [LoyaltyAccount, LoyaltyLedgerEntry],
    resolvers: [LoyaltyResolver, CustomerLoyaltyFields, OrderLoyaltyFields],
    migrations,
    pricing: [redeem],
    on: { 'order.delivered': earn, 'payment.refunded': reverse, 'order.cancelled': restore },
  });
}
