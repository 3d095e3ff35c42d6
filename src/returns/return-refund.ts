// What a return is worth in money: each received unit's share of its line (tax included), less its share
// of the order's discounts (points paid part of the goods), plus the order's shipping when the shop was at
// fault (damaged, wrong item) and no earlier return took it. Pure arithmetic in minor units.
import { SHIPPING_REFUND_REASONS, type ReturnReason } from './return-status.js';

export interface RefundOrder {
  /** What was paid: goods and shipping with tax, less discounts. */
  total: number;
  discountTotal: number;
  lines: { id: string; quantity: number; lineTotal: number }[];
}

export interface ReceivedLine {
  orderLineId: string;
  quantityReceived: number;
  reason: ReturnReason;
}

/** Share of a (tax-inclusive) total for some of its units, rounded half-up. */
export function share(total: number, part: number, whole: number): number {
  return whole > 0 ? Math.round((total * part) / whole) : 0;
}

/** `shippingRefundedBefore`: an earlier refunded return of this order already gave the shipping back. */
export function returnRefund(order: RefundOrder, received: ReceivedLine[], shippingRefundedBefore: boolean): { amount: number; shipping: boolean } {
  let amount = 0;
  let shopAtFault = false;
  for (const r of received) {
    if (r.quantityReceived <= 0) continue;
    const line = order.lines.find((l) => l.id === r.orderLineId);
    if (!line) throw new Error(`return line of order line ${r.orderLineId}, which is not on the order`);
    amount += share(line.lineTotal, r.quantityReceived, line.quantity);
    if (SHIPPING_REFUND_REASONS.has(r.reason)) shopAtFault = true;
  }
  const goods = order.lines.reduce((s, l) => s + l.lineTotal, 0);
  if (order.discountTotal > 0) amount -= share(order.discountTotal, amount, goods);
  const shipping = shopAtFault && !shippingRefundedBefore;
  if (shipping) amount += order.total + order.discountTotal - goods;
  return { amount, shipping };
}
