// A replacement order (a return's exchange): the orders module places it, as it places every order; the
// caller says what it replaces. At no charge, or, for an exchange to a pricier variant, charging the
// difference by the `manual` method: the order waits in PENDING for the money like any bank-transfer order
// (its order.placed mail names the amount). Stock is reserved through the stock ledger in the caller's
// transaction, lines in variant order as placeOrder does, so that two orders lock stock rows alike.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { hashToken } from '../kernel/auth.js';
import { newId } from '../kernel/ids.js';
import { SequenceService } from '../channels/sequence.service.js';
import { reserve } from '../inventory/stock-ledger.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { transitionRecords, type EventRecord, type HistoryRecord } from '../order-core/order-history.js';
import { insertPlacedOrder, type LineRow } from '../order-core/order-rows.js';
import { orderAccessToken } from '../order-core/order-token.js';
import { PaymentStatus } from '../order-core/payment-status.js';

export interface ReplacementItem {
  variantId: string;
  sku: string;
  name: string;
  quantity: number;
  trackInventory: boolean;
  /** What one unit costs the customer, net and its tax (an exchange's price difference); none = no charge. */
  unitCharge?: { net: number; tax: number };
}

export interface ReplacementReason {
  /** The first history entry: why the order exists. */
  placedMessage: (number: string) => string;
  note: string;
  /** Extra fields of the order.placed event (`exchangeOf: <return id>`). */
  event: Record<string, unknown>;
  /** Taken off the lines' charge as a discount (an exchange's cheaper lines pay for its pricier ones). */
  credit?: { amount: number; label: string; reference: string };
}

/**
 * Places the replacement of `from` for `items`: at no charge (a zero `manual` payment, paid, the order
 * confirmed), or, when items carry a unit charge, for that charge less `why.credit` by a PENDING `manual`
 * payment (the order stays PENDING until the money is received). Its id, number and total.
 */
export async function placeReplacementOrder(app: AppRuntime, tx: Em, from: Order, items: ReplacementItem[], why: ReplacementReason): Promise<{ id: string; number: string; total: number }> {
  const rows: LineRow[] = [];
  let backordered = 0;
  for (const item of [...items].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
    const r = item.trackInventory ? await reserve(tx, item.variantId, item.quantity) : { allocations: [], missing: 0 };
    backordered += r.missing;
    const c = item.unitCharge ?? { net: 0, tax: 0 };
    rows.push({
      id: newId('oln'), variantId: item.variantId, sku: item.sku, name: item.name, quantity: item.quantity,
      unitPrice: c.net, taxTotal: c.tax * item.quantity, lineTotal: (c.net + c.tax) * item.quantity,
      quantityBackordered: r.missing, allocations: r.allocations,
    });
  }
  const subtotal = rows.reduce((s, r) => s + r.unitPrice * r.quantity, 0);
  const taxTotal = rows.reduce((s, r) => s + r.taxTotal, 0);
  const discountTotal = why.credit?.amount ?? 0;
  if (discountTotal < 0 || discountTotal > subtotal + taxTotal) throw new Error(`a replacement's credit of ${discountTotal} is more than its charge of ${subtotal + taxTotal}`);
  const total = subtotal + taxTotal - discountTotal;
  const id = newId('ord');
  const number = await app.service(SequenceService).nextOrderNumber(tx, from.channel.id);
  const shell = { id, number, status: OrderStatus.PENDING } as unknown as Order;
  const history: HistoryRecord[] = [{ type: 'ORDER_PLACED', to: OrderStatus.PENDING, actor: 'system', message: why.placedMessage(number) }];
  const events: EventRecord[] = [{
    type: 'order.placed',
    // A charged replacement is paid like a bank-transfer order: the `manual` method tells the notifications to mail the amount.
    payload: { orderId: id, number, channelId: from.channel.id, skus: rows.map((r) => r.sku), ...(total > 0 ? { paymentMethod: 'manual' } : {}), ...why.event },
  }];
  let status = OrderStatus.PENDING;
  let heldFrom: OrderStatus | null = null;
  if (total === 0) {
    const target = backordered > 0 ? OrderStatus.BACKORDERED : OrderStatus.CONFIRMED;
    const move = await app.machines.get(orderMachine).transition(tx, shell, target, 'system');
    const t = transitionRecords(shell, move, 'system', backordered > 0 ? `Replacement order; ${backordered} unit(s) wait for stock.` : 'Replacement order: stock reserved.');
    history.push(t.history);
    events.push(t.event);
    status = move.to;
    heldFrom = move.to === OrderStatus.ON_HOLD ? target : null;
  }
  const paymentStatus = total === 0 ? PaymentStatus.PAID : PaymentStatus.PENDING;
  const discounts = why.credit && discountTotal > 0 ? [{ kind: 'exchange_credit', label: why.credit.label, amount: discountTotal, reference: why.credit.reference }] : null;
  const a = from.shippingAddress;
  const b = from.billingAddress;
  await insertPlacedOrder(tx, {
    id, number, status, heldFrom, paymentStatus,
    channelId: from.channel.id, customerId: from.customer?.id ?? null, email: from.email, externalId: null, currencyCode: from.currencyCode,
    subtotal, shippingTotal: 0, taxTotal, total, discountTotal, discounts, taxBasisPoints: from.taxBasisPoints,
    shippingAddress: { name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, countryCode: a.countryCode, phone: a.phone },
    billingAddress: b ? { name: b.name, line1: b.line1, line2: b.line2, city: b.city, region: b.region, postalCode: b.postalCode, countryCode: b.countryCode, phone: b.phone } : null,
    shippingMethodId: from.shippingMethod?.id ?? null, note: why.note, placedAt: new Date(),
    estimatedDeliveryAt: null, accessTokenHash: hashToken(orderAccessToken(app.secret, id)), idempotencyKey: null, requestHash: null,
  }, rows, { id: newId('pay'), method: 'manual', status: paymentStatus, amount: total, currencyCode: from.currencyCode, transactionId: null }, history, events);
  return { id, number, total };
}
