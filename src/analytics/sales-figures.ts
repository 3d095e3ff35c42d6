// What one order adds to the sales rollups, from its rows as they are now (docs/analytics.md, "Metrics").
// Pure arithmetic in minor units: the event jobs (`sales-rollup.ts`) and the rebuild (`sales-rebuild.ts`)
// both count an order with it, which is why the two always agree.
import type { OrderDiscountRecord } from '../kernel/pricing.js';
import { discountSplit, share } from '../returns/return-refund.js';
import { localDay } from './local-day.js';

export const FIGURES = ['orders', 'units', 'gross', 'discounts', 'returns', 'tax', 'shipping', 'refunds'] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, number>;

/** Per SKU: [units sold, units returned, net sales]. */
export type SkuFigures = Record<string, [number, number, number]>;

export interface OrderContribution extends Figures {
  channelId: string;
  currency: string;
  day: string;
  skus: SkuFigures;
}

export interface FigureOrder {
  channelId: string;
  currency: string;
  status: string;
  placedAt: Date;
  timeZone: string;
  taxTotal: number;
  shippingTotal: number;
  discounts: OrderDiscountRecord[] | null;
}

export interface FigureLine {
  sku: string;
  quantity: number;
  lineTotal: number;
  taxTotal: number;
  quantityReturned: number;
}

export const zeroFigures = (): Figures => ({ orders: 0, units: 0, gross: 0, discounts: 0, returns: 0, tax: 0, shipping: 0, refunds: 0 });

/**
 * The order's figures on its placement day (local to its channel). A cancelled order adds no sales, only
 * the money refunded to its buyer; `refunded` is the sum of its SUCCEEDED refund operations.
 */
export function orderContribution(order: FigureOrder, lines: FigureLine[], refunded: number): OrderContribution {
  const base = { channelId: order.channelId, currency: order.currency, day: localDay(order.placedAt, order.timeZone), skus: {} as SkuFigures };
  const out: OrderContribution = { ...base, ...zeroFigures(), refunds: refunded };
  if (order.status === 'CANCELLED') return out;
  // Gift cards and store credit are tender (a way to pay), not a price reduction.
  const reductions = (order.discounts ?? []).filter((d) => !d.tender);
  const discountTotal = reductions.reduce((s, d) => s + d.amount, 0);
  const split = discountSplit({ discountTotal, discounts: reductions, lines: lines.map((l) => ({ id: l.sku, sku: l.sku, quantity: l.quantity, lineTotal: l.lineTotal })) });
  out.orders = 1;
  out.discounts = discountTotal;
  out.tax = order.taxTotal;
  out.shipping = order.shippingTotal;
  for (const l of lines) {
    if (l.quantity <= 0) continue;
    const net = l.lineTotal - l.taxTotal;
    const returned = share(net, l.quantityReturned, l.quantity);
    // The line's part of the discounts: what a discount put on its SKU, and its share of the rest by value.
    const own = split.bySku.get(l.sku) ?? 0;
    const discount = own + share(split.general, l.lineTotal - own, split.base);
    out.units += l.quantity;
    out.gross += net;
    out.returns += returned;
    const s = (out.skus[l.sku] ??= [0, 0, 0]);
    s[0] += l.quantity;
    s[1] += l.quantityReturned;
    s[2] += net - discount - returned;
  }
  return out;
}

/** Net sales, total sales and average order value of summed figures (docs/analytics.md). */
export function derived(f: Figures): { netSales: number; totalSales: number; averageOrderValue: number } {
  const netSales = f.gross - f.discounts - f.returns;
  return { netSales, totalSales: netSales + f.tax + f.shipping, averageOrderValue: f.orders > 0 ? Math.round((f.gross - f.discounts) / f.orders) : 0 };
}
