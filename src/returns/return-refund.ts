// What a return is worth in money: each received unit's share of its line (tax included), less its share
// of the order's discounts (points paid part of the goods), plus the order's shipping when the shop was at
// fault (damaged, wrong item) and no earlier return took it. Pure arithmetic in minor units.
import { SHIPPING_REFUND_REASONS, type ReturnReason } from './return-status.js';

export interface RefundOrder {
  /** What was paid: goods and shipping with tax, less discounts. */
  total: number;
  discountTotal: number;
  lines: { id: string; sku?: string; quantity: number; lineTotal: number }[];
  /** Order.discounts: those with `lines` (a promotion on chosen products, free shipping) fall where they say. */
  discounts?: DiscountOnLines[] | null;
}

export interface DiscountOnLines {
  amount: number;
  lines?: { sku: string; amount: number }[] | null;
}

/**
 * Where an order's discounts fall: `bySku`, the parts discounts put on chosen lines; `shipping`, what such
 * discounts did not put on lines (free shipping); `general`, the rest, on all goods in proportion to their
 * value after the chosen-line parts (`base`: the goods less those parts). Without `lines` anywhere this is
 * the whole discount in proportion to the goods, as before.
 */
export function discountSplit(order: Pick<RefundOrder, 'discountTotal' | 'lines' | 'discounts'>) {
  const bySku = new Map<string, number>();
  let placed = 0;
  let shipping = 0;
  for (const d of order.discounts ?? []) {
    if (!d.lines) continue;
    const onLines = d.lines.reduce((s, x) => s + x.amount, 0);
    for (const x of d.lines) bySku.set(x.sku, (bySku.get(x.sku) ?? 0) + x.amount);
    placed += d.amount;
    shipping += d.amount - onLines;
  }
  const goods = order.lines.reduce((s, l) => s + l.lineTotal, 0);
  const onLines = placed - shipping;
  return { bySku, shipping, general: Math.max(0, order.discountTotal - placed), base: goods - onLines };
}

/** The chosen-line discount on `units` of a line (its share of what discounts put on its SKU). */
export const ownDiscount = (split: ReturnType<typeof discountSplit>, line: { sku?: string; quantity: number }, units: number) =>
  share(line.sku ? split.bySku.get(line.sku) ?? 0 : 0, units, line.quantity);

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
  const split = discountSplit(order);
  let amount = 0;
  let shopAtFault = false;
  for (const r of received) {
    if (r.quantityReceived <= 0) continue;
    const line = order.lines.find((l) => l.id === r.orderLineId);
    if (!line) throw new Error(`return line of order line ${r.orderLineId}, which is not on the order`);
    // Each unit's share of its line, less its share of what a discount put on that line.
    amount += share(line.lineTotal, r.quantityReceived, line.quantity) - ownDiscount(split, line, r.quantityReceived);
    if (SHIPPING_REFUND_REASONS.has(r.reason)) shopAtFault = true;
  }
  const goods = order.lines.reduce((s, l) => s + l.lineTotal, 0);
  if (split.general > 0) amount -= share(split.general, amount, split.base);
  const shipping = shopAtFault && !shippingRefundedBefore;
  // The shipping paid: its charge less what free shipping took off it.
  if (shipping) amount += order.total + order.discountTotal - goods - split.shipping;
  return { amount, shipping };
}
