// A replacement order at no charge (a return's exchange): the orders module places it, as it places every
// order; the caller says what it replaces. Stock is reserved through the stock ledger in the caller's
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
}

export interface ReplacementReason {
  /** The first history entry: why the order exists. */
  placedMessage: (number: string) => string;
  note: string;
  /** Extra fields of the order.placed event (`exchangeOf: <return id>`). */
  event: Record<string, unknown>;
}

/** Places the replacement of `from` for `items` at no charge (a zero `manual` payment, paid); its id and number. */
export async function placeReplacementOrder(app: AppRuntime, tx: Em, from: Order, items: ReplacementItem[], why: ReplacementReason): Promise<{ id: string; number: string }> {
  const rows: LineRow[] = [];
  let backordered = 0;
  for (const item of [...items].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
    const r = item.trackInventory ? await reserve(tx, item.variantId, item.quantity) : { allocations: [], missing: 0 };
    backordered += r.missing;
    rows.push({
      id: newId('oln'), variantId: item.variantId, sku: item.sku, name: item.name, quantity: item.quantity, unitPrice: 0, taxTotal: 0, lineTotal: 0,
      quantityBackordered: r.missing, allocations: r.allocations,
    });
  }
  const id = newId('ord');
  const number = await app.service(SequenceService).nextOrderNumber(tx, from.channel.id);
  const target = backordered > 0 ? OrderStatus.BACKORDERED : OrderStatus.CONFIRMED;
  const shell = { id, number, status: OrderStatus.PENDING } as unknown as Order;
  const move = await app.machines.get(orderMachine).transition(tx, shell, target, 'system');
  const history: HistoryRecord[] = [{ type: 'ORDER_PLACED', to: OrderStatus.PENDING, actor: 'system', message: why.placedMessage(number) }];
  const events: EventRecord[] = [{ type: 'order.placed', payload: { orderId: id, number, channelId: from.channel.id, skus: rows.map((r) => r.sku), ...why.event } }];
  const t = transitionRecords(shell, move, 'system', backordered > 0 ? `Replacement order; ${backordered} unit(s) wait for stock.` : 'Replacement order: stock reserved.');
  history.push(t.history);
  events.push(t.event);
  const a = from.shippingAddress;
  const b = from.billingAddress;
  await insertPlacedOrder(tx, {
    id, number, status: move.to, heldFrom: move.to === OrderStatus.ON_HOLD ? target : null, paymentStatus: PaymentStatus.PAID,
    channelId: from.channel.id, customerId: from.customer?.id ?? null, email: from.email, externalId: null, currencyCode: from.currencyCode,
    subtotal: 0, shippingTotal: 0, taxTotal: 0, total: 0, discountTotal: 0, discounts: null, taxBasisPoints: from.taxBasisPoints,
    shippingAddress: { name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, countryCode: a.countryCode, phone: a.phone },
    billingAddress: b ? { name: b.name, line1: b.line1, line2: b.line2, city: b.city, region: b.region, postalCode: b.postalCode, countryCode: b.countryCode, phone: b.phone } : null,
    shippingMethodId: from.shippingMethod?.id ?? null, note: why.note, placedAt: new Date(),
    estimatedDeliveryAt: null, accessTokenHash: hashToken(orderAccessToken(app.secret, id)), idempotencyKey: null, requestHash: null,
  }, rows, { id: newId('pay'), method: 'manual', status: PaymentStatus.PAID, amount: 0, currencyCode: from.currencyCode, transactionId: null }, history, events);
  return { id, number };
}
