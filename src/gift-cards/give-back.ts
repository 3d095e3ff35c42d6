// Tender goes back to where it came from: a cancelled order gives its gift cards and store credit back
// (the handler of `order.cancelled`, once whatever the retries: each entry is unique by order + reason +
// source); cancelled units and returned units give back their tender share (fulfillment's cancel-units.ts
// and returns' return-settlement.ts call these in their own transactions). What an order still holds of
// a source is read from the ledger (what it took less what came back), so nothing goes back twice or
// more than was taken.
import type { Em } from '../kernel/db/orm.js';
import type { EventHandler } from '../kernel/module.js';
import type { OrderDiscountRecord } from '../kernel/pricing.js';
import { formatMoney } from '../kernel/money.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { Order } from '../order-core/order.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { withOrder } from '../order-core/order-lock.js';
import { addHistory } from '../order-core/order-history.js';
import { TenderEntryKind } from './gift-card.entity.js';
import { give, orderNet, type TenderAccount } from './tender-ledger.js';
import { GIFT_CARD } from './tender-step.js';

type WithTender = Pick<Order, 'id' | 'number' | 'currencyCode' | 'total' | 'discounts' | 'customer'>;

/** The order's tender (gift cards, store credit), as placement recorded it and partial cancels left it. */
export const tenderOf = (order: Pick<Order, 'discounts'>): OrderDiscountRecord[] => (order.discounts ?? []).filter((d) => d.tender && d.reference);
export const tenderTotal = (order: Pick<Order, 'discounts'>): number => tenderOf(order).reduce((s, d) => s + d.amount, 0);

/** Share of `total` for `part` of `whole`, rounded half-up (as returns share discounts). */
const share = (total: number, part: number, whole: number) => (whole > 0 ? Math.round((total * part) / whole) : 0);

/**
 * Of `value` that goes back to the buyer (returned units after price reductions, plus shipping when it is
 * refunded), the part tender paid: tender paid the same share of everything the buyer owed after price
 * reductions (`order.total` is what the payment owes, the tender the rest).
 */
export function tenderPart(order: Pick<Order, 'discounts' | 'total'>, value: number): number {
  const tender = tenderTotal(order);
  return tender > 0 ? Math.min(tender, share(tender, value, order.total + tender)) : 0;
}

function accountOf(order: WithTender, d: OrderDiscountRecord): TenderAccount {
  if (d.kind === GIFT_CARD) return { kind: 'gift-card', id: d.reference! };
  return { kind: 'store-credit', id: d.reference!, customerId: order.customer!.id, currencyCode: order.currencyCode };
}

/**
 * Gives back up to `amount` of what the order still holds of its tender sources, spread over them in
 * proportion to what each holds; each entry keyed `<reason>:<source>` (a repeat posts nothing). In the
 * caller's transaction. Returns what was given back.
 */
export async function giveBackTender(tx: Em, order: WithTender, amount: number, reason: string, note: string): Promise<number> {
  if (!(amount > 0)) return 0;
  const sources = await Promise.all(tenderOf(order).map(async (d) => {
    const account = accountOf(order, d);
    return { d, account, held: Math.max(0, -(await orderNet(tx, account, order.id))) };
  }));
  const held = sources.reduce((s, x) => s + x.held, 0);
  const want = Math.min(amount, held);
  let left = want;
  let given = 0;
  for (const [i, s] of sources.entries()) {
    const part = Math.min(s.held, left, i === sources.length - 1 ? left : share(want, s.held, held));
    if (part <= 0) continue;
    left -= part;
    const balance = await give(tx, s.account, { kind: TenderEntryKind.GIVEN_BACK, amount: part, orderId: order.id, sourceKey: `${reason}:${s.account.id}`, note });
    if (balance === null) continue; // posted by an earlier run
    given += part;
    if (s.account.kind === 'gift-card') {
      recordEvent(tx, 'gift_card.given_back', { giftCardId: s.account.id, orderId: order.id, amount: part, balance, reason }, order.id);
    } else {
      recordEvent(tx, 'store_credit.changed', { customerId: s.account.customerId, currencyCode: s.account.currencyCode, orderId: order.id, amount: part, balance }, order.id);
    }
    addHistory(tx, order, { type: 'TENDER_GIVEN_BACK', actor: 'system', message: `${formatMoney(part, order.currencyCode)} given back to the ${s.d.label.toLowerCase()}: ${note}` });
  }
  return given;
}

/**
 * Cancelled units' tender share, in the cancel's transaction (fulfillment/cancel-units.ts), once the
 * order's lines and totals are priced again for what is left: `totalBefore` and `grossBefore` (goods and
 * shipping with tax, before any discount) are the order's before the cancel. Tender paid the same share of
 * the cancelled value as of everything the buyer owed after price reductions; that share goes back, the
 * tender records shrink by it and the order's total (what the payments owe) is what is left after them.
 * Returns what was given back.
 */
export async function giveBackForCancelledUnits(tx: Em, order: Order, totalBefore: number, grossBefore: number, key: string): Promise<number> {
  const tender = tenderTotal(order);
  const grossAfter = order.subtotal + order.shippingTotal + order.taxTotal;
  const cancelled = grossBefore - grossAfter;
  if (tender <= 0 || cancelled <= 0) return 0;
  const part = Math.min(tender, share(tender, cancelled, totalBefore + tender));
  const given = await giveBackTender(tx, order, part, `cancel-units:${order.id}:${key}`, `Units of order ${order.number} cancelled.`);
  if (given <= 0) return 0;
  // Each record loses what its source got back now (read back from the ledger), in record order.
  let rest = given;
  const records: OrderDiscountRecord[] = [];
  for (const d of order.discounts ?? []) {
    if (!d.tender || !d.reference || rest <= 0) { records.push(d); continue; }
    const heldNow = Math.max(0, -(await orderNet(tx, accountOf(order, d), order.id)));
    const less = Math.min(rest, Math.max(0, d.amount - heldNow));
    rest -= less;
    if (d.amount - less > 0) records.push({ ...d, amount: d.amount - less });
  }
  order.discounts = records.length ? records : null;
  order.discountTotal -= given;
  order.total = Math.max(0, grossAfter - order.discountTotal);
  return given;
}

/** `order.cancelled`: every source gets back what the order still holds of it. Idempotent. */
export const giveBackOnCancel: EventHandler = async (event, ctx) => {
  const orderId = String(event.payload.orderId ?? '');
  if (!orderId) return;
  const f = (ctx.em as Em).fork();
  const order = await f.findOne(Order, { id: orderId });
  if (!order || order.status !== OrderStatus.CANCELLED || !tenderOf(order).length) return;
  await withOrder(ctx.em as Em, orderId, (tx, locked) => giveBackTender(tx, locked, Infinity, `cancel:${orderId}`, `Order ${locked.number} cancelled.`));
};

/** What a return gave: store credit as its resolution, and tender given back to gift cards and store credit. */
export async function returnCredits(em: Em, returnId: string): Promise<{ storeCredit: number; tenderGivenBack: number }> {
  const [sc] = await em.execute(
    `SELECT COALESCE(SUM(CASE WHEN source_key = ? THEN amount ELSE 0 END), 0) AS credit, COALESCE(SUM(CASE WHEN source_key LIKE ? THEN amount ELSE 0 END), 0) AS back
     FROM store_credit_entry WHERE source_key = ? OR source_key LIKE ?`, [`return:${returnId}`, `return:${returnId}:%`, `return:${returnId}`, `return:${returnId}:%`]);
  const [gc] = await em.execute('SELECT COALESCE(SUM(amount), 0) AS back FROM gift_card_entry WHERE source_key LIKE ?', [`return:${returnId}:%`]);
  return { storeCredit: Number(sc?.credit ?? 0), tenderGivenBack: Number(sc?.back ?? 0) + Number(gc?.back ?? 0) };
}
