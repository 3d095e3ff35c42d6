/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type AddressInput = {
  city: string;
  countryCode: string;
  line1: string;
  line2?: string | null | undefined;
  name: string;
  phone?: string | null | undefined;
  postalCode: string;
  region?: string | null | undefined;
};

/** A discount the buyer asks for at placement; a pricing step of its kind answers it. */
export type DiscountInput = {
  /** How much is asked for, in the kind's unit (points for loyalty-points). */
  amount?: number | null | undefined;
  /** A code the buyer typed, when the kind uses codes. */
  code?: string | null | undefined;
  /** Which pricing step answers it, for example loyalty-points. */
  kind: string;
};

export type OrderLineInput = {
  quantity: number;
  sku: string;
};

export type OrderStatus =
  /** Confirmed, and some lines wait for stock to arrive. */
  | 'BACKORDERED'
  | 'CANCELLED'
  /** Validated: stock reserved, payment authorized, customer notified. */
  | 'CONFIRMED'
  | 'DELIVERED'
  /** Shipments are being picked and packed. */
  | 'IN_FULFILLMENT'
  /** Stopped for a person to review (a fraud or validation rule, or an admin). */
  | 'ON_HOLD'
  | 'PARTIALLY_SHIPPED'
  /** Placed; waiting for payment (manual methods) or for review of a validation rule. */
  | 'PENDING'
  | 'SHIPPED';

export type PaymentInput = {
  /** A payment provider's code, for example test-card or manual. */
  method: string;
  /** What the storefront got from the provider (a card token, for example). */
  token?: string | null | undefined;
};

export type PaymentStatus =
  | 'AUTHORIZED'
  | 'DECLINED'
  | 'PAID'
  | 'PARTIALLY_REFUNDED'
  | 'PENDING'
  | 'REFUNDED'
  | 'VOIDED';

export type PlaceOrderInput = {
  billingAddress?: AddressInput | null | undefined;
  /** The sales channel the order comes from; the default channel when left out. */
  channelCode?: string | null | undefined;
  /** Discounts asked for (loyalty points, for example), each answered by the pricing step of its kind. */
  discounts?: Array<DiscountInput> | null | undefined;
  email: string;
  /** The order id in the system it came from (marketplace, POS). */
  externalId?: string | null | undefined;
  /** A checkout hold of this channel (holdCheckoutStock): its units become the order's reservation, even if the rest of the stock sold meanwhile. An expired hold's units are gone: the order reserves as without it. */
  holdId?: string | null | undefined;
  lines: Array<OrderLineInput>;
  note?: string | null | undefined;
  payment: PaymentInput;
  /** Click & collect: the STORE location to collect the order at. Required with a PICKUP shipping method (quoteOrder.pickupLocations lists them), refused with a delivery method. */
  pickupLocationCode?: string | null | undefined;
  shippingAddress: AddressInput;
  shippingMethodCode: string;
  /** What the buyer chose at checkout (quoteOrder's sourcingOptions): the order is reserved where that option ships from, and keeps its promised date. Left out: the channel's sourcing strategy. */
  sourcingGoal?: SourcingGoal | null | undefined;
};

export type SourcingGoal =
  /** Each line from the location that can ship it first (the order may arrive in several parcels). */
  | 'EARLIEST_DELIVERY'
  /** As few locations as can fill the order (one when one can), the earliest of those first. */
  | 'FEWEST_SHIPMENTS';

export type PlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
  key?: string | null | undefined;
}>;


export type PlaceOrderMutation = { placeOrder: { accessToken: string, order: { id: string, number: string, status: OrderStatus, paymentStatus: PaymentStatus, total: number, currencyCode: string, lines: Array<{ sku: string, quantity: number, unitPrice: number, taxTotal: number, lineTotal: number }> } } };

export type OrderByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type OrderByIdQuery = { order: { id: string, number: string, status: OrderStatus, total: number, history: Array<{ type: string, fromStatus: OrderStatus | null, toStatus: OrderStatus | null, message: string, actor: string, at: string }> } | null };

export type CatalogQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  search?: string | null | undefined;
}>;


export type CatalogQuery = { products: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, name: string, variants: Array<{ sku: string, name: string, price: number, currencyCode: string, available: number }> }> } };
