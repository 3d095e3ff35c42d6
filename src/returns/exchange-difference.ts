// What an exchange for other variants costs or gives back, per unit and tax included: the new variant at
// the order's channel price, taxed at the order's rate, against what a returned unit was paid (its share
// of its line, less its share of the order's discounts, as return-refund.ts counts it). The new unit gets
// the same share of the discounts, so an exchange between variants of one price costs nothing. Pure
// arithmetic in minor units.
import { taxIncluded, taxOf } from '../kernel/money.js';
import { discountSplit, ownDiscount, share, type DiscountOnLines } from './return-refund.js';

export interface ExchangeOrder {
  discountTotal: number;
  /** The order's tax rate in basis points. */
  taxBasisPoints: number;
  /** Gross prices (Order.pricesIncludeTax): the new variant's price then includes its tax. */
  pricesIncludeTax?: boolean;
  lines: { id: string; sku?: string; quantity: number; unitPrice: number; lineTotal: number }[];
  /** Order.discounts: a discount on chosen lines stays with the exchanged unit (discountSplit). */
  discounts?: DiscountOnLines[] | null;
}

export interface ExchangedLine {
  orderLineId: string;
  /** Units received, which the replacement ships in the new variant. */
  quantity: number;
  /** The new variant's unit price (the channel's price): net, or gross when the order's prices include tax. */
  newUnitPrice: number;
}

export interface ExchangeDifference {
  /** Per exchanged line: what one unit of the new variant costs more (positive) or less (negative), tax included. */
  units: { orderLineId: string; unitDifference: number; unitCharge: { net: number; tax: number } | null }[];
  /** Positive = the customer pays it, negative = refunded. */
  difference: number;
  /** The pricier lines' charge (the replacement's lines). */
  charge: number;
  /** The cheaper lines' difference taken off the charge (a discount on the replacement). */
  credit: number;
  /** The cheaper lines' difference left over: refunded. */
  refund: number;
}

export function exchangeDifference(order: ExchangeOrder, exchanged: ExchangedLine[]): ExchangeDifference {
  const split = discountSplit(order);
  // What a unit of `gross` costs after its line's own discount (`own`, the returned unit's, which the new
  // unit keeps) and its share of the order-wide ones.
  const paid = (gross: number, own = 0) => {
    const rest = Math.max(0, gross - own);
    return rest - (split.general > 0 ? share(split.general, rest, split.base) : 0);
  };
  const units: ExchangeDifference['units'] = [];
  let charge = 0;
  let back = 0;
  for (const e of exchanged) {
    const line = order.lines.find((l) => l.id === e.orderLineId);
    if (!line) throw new Error(`exchange of order line ${e.orderLineId}, which is not on the order`);
    // One net price is one price: no cent of rounding between a line's share and a single unit's tax.
    // The new unit with its tax: added to a net price, or already in a gross one (docs/prices.md).
    const newGross = order.pricesIncludeTax ? e.newUnitPrice : e.newUnitPrice + taxOf(e.newUnitPrice, order.taxBasisPoints);
    const unitDifference = e.newUnitPrice === line.unitPrice ? 0
      : paid(newGross, ownDiscount(split, line, 1)) - paid(share(line.lineTotal, 1, line.quantity), ownDiscount(split, line, 1));
    let unitCharge: { net: number; tax: number } | null = null;
    if (unitDifference > 0) {
      // The charge is gross: its tax is taken out of it, half-up, as a tax-inclusive line's is.
      const tax = taxIncluded(unitDifference, order.taxBasisPoints);
      unitCharge = { net: unitDifference - tax, tax };
      charge += unitDifference * e.quantity;
    } else back -= unitDifference * e.quantity;
    units.push({ orderLineId: e.orderLineId, unitDifference, unitCharge });
  }
  const credit = Math.min(charge, back);
  return { units, difference: charge - back, charge, credit, refund: back - credit };
}
