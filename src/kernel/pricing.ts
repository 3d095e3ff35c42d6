// The pricing step's extension point. After stock is reserved and before the payment is authorized,
// placeOrder hands the priced order to the pricing steps of modules and plugins; each answers the
// discount requests of its kinds (PlaceOrderInput.discounts) with discounts. A step runs inside the
// placement transaction, so what it writes through `tx` (points spent, a coupon used) commits with the
// order or not at all; it throws an OrdoError (BAD_USER_INPUT) to refuse the order.
import type { SqlRunner } from './db/sql-runner.js';
import type { Dialect } from './db/dialect.js';
import type { Principal } from './auth.js';

/** What the buyer asked for, as sent in PlaceOrderInput.discounts. */
export interface DiscountRequest {
  /** The pricing step that answers it, for example "loyalty-points". */
  kind: string;
  /** A code the buyer typed (a coupon), when the kind uses one. */
  code?: string | null;
  /** How much the buyer asks for, in the kind's unit (points for loyalty-points). */
  amount?: number | null;
  /** Where it is in PlaceOrderInput.discounts (set by placeOrder): a refusal's path, `discounts[index].code`. */
  index?: number;
}

export interface PricedOrderLine {
  sku: string;
  variantId: string;
  quantity: number;
  unitPrice: number;
  /** unitPrice × quantity, before tax. */
  net: number;
  tax: number;
  total: number;
}

export interface PricingInput {
  /** The placement transaction: statements here commit or roll back with the order. */
  tx: SqlRunner;
  /**
   * The database's dialect, the same object as `dialectOf(input.tx)`: what differs between PostgreSQL
   * and SQLite (`dialect.name`, datetimes as parameters, row locks, ...).
   */
  dialect: Dialect;
  orderId: string;
  orderNumber: string;
  channelId: string;
  currencyCode: string;
  /** The signed-in customer placing the order; null for guests and staff. */
  customerId: string | null;
  email: string;
  principal: Principal;
  lines: PricedOrderLine[];
  subtotal: number;
  shippingTotal: number;
  taxTotal: number;
  /** The total before any discount. */
  total: number;
  /** Discounts already given by earlier steps (steps run in module order). */
  discounted: number;
  /** The requests of this step's kinds, in the order the buyer sent them. */
  requests: DiscountRequest[];
  /**
   * True when quoteOrder asks: the step runs the same way, in a transaction that is rolled back
   * afterwards (so what it writes through `tx` is undone), but it must not call the outside world
   * (charge a gift card at a remote service, send a mail) and its events are dropped.
   */
  quote: boolean;
  /** Records a domain event that commits with the order (its aggregate is the order). */
  recordEvent(type: string, payload: Record<string, unknown>): void;
}

/** A discount as the order keeps it: taken off the total after tax, like store credit. */
export interface OrderDiscountRecord {
  kind: string;
  /** What the buyer sees, for example "Loyalty points (500)". */
  label: string;
  /** Minor units off the order's total; positive. */
  amount: number;
  /** The step's own reference (a ledger entry, a coupon id), for its later handling. */
  reference?: string | null;
  /**
   * How the amount falls on the lines, by SKU (a promotion on chosen products): a return refunds each
   * unit's share of its own line's part. Absent: the amount falls on all goods in proportion to their value.
   * What the lines do not account for falls on shipping (free shipping: `lines: []`).
   */
  lines?: { sku: string; amount: number }[] | null;
  /**
   * Tender rather than a price reduction (a gift card, store credit): what the buyer paid with it is
   * given back to where it came from when units are returned or cancelled, not kept by the shop.
   */
  tender?: boolean;
}

export interface PricingStep {
  /** The discount kinds this step answers; a request of a kind no step answers is refused. */
  kinds: string[];
  /**
   * Runs on every order and quote, whether or not the buyer asked for one of its kinds (automatic
   * promotions); `requests` is then empty when none was sent.
   */
  automatic?: boolean;
  /**
   * A means of payment (gift cards, store credit): it pays what is left, so it runs after every price
   * reduction, plugins' included, and may pay shipping too (a price reduction comes off the goods only).
   */
  tender?: boolean;
  apply(input: PricingInput): Promise<OrderDiscountRecord[]>;
}
