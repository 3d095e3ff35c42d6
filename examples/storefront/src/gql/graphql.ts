/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

export type OrderEventType =
  | 'INVOICE_ISSUED'
  /** Units of the order were cancelled before they shipped: its lines and totals changed. */
  | 'LINES_CANCELLED'
  /** The order was edited (commitOrderEdit): its lines, totals, address or shipping method changed. */
  | 'ORDER_EDITED'
  | 'PAYMENT_STATUS_CHANGED'
  | 'REFUND_ISSUED'
  | 'RETURN_UPDATED'
  | 'SHIPMENT_UPDATED'
  | 'STATUS_CHANGED';

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

export type ShipmentStatus =
  | 'CANCELLED'
  | 'DELIVERED'
  | 'EXCEPTION'
  | 'IN_TRANSIT'
  | 'LABELLED'
  | 'OUT_FOR_DELIVERY'
  | 'PACKED'
  | 'PENDING'
  | 'PICKED'
  /** Click & collect: waiting at its store for the buyer (markReadyForPickup); confirmPickup hands it over. */
  | 'READY_FOR_PICKUP'
  | 'SHIPPED';

export type SourcingGoal =
  /** Each line from the location that can ship it first (the order may arrive in several parcels). */
  | 'EARLIEST_DELIVERY'
  /** As few locations as can fill the order (one when one can), the earliest of those first. */
  | 'FEWEST_SHIPMENTS';

export type StorefrontProductsQueryVariables = Exact<{ [key: string]: never; }>;


export type StorefrontProductsQuery = { products: { nodes: Array<{ id: string, name: string, description: string | null, variants: Array<{ id: string, sku: string, name: string, price: number, currencyCode: string, available: number, allowBackorder: boolean, trackInventory: boolean }> }> } };

export type StorefrontStockSubscriptionVariables = Exact<{
  sku: string;
}>;


export type StorefrontStockSubscription = { stockLevelChanged: { sku: string, available: number } };

export type StorefrontQuoteQueryVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type StorefrontQuoteQuery = { quoteOrder: { currencyCode: string, subtotal: number, shippingTotal: number, taxTotal: number, discountTotal: number, total: number, estimatedDeliveryAt: string | null, placeable: boolean, lines: Array<{ sku: string, name: string, quantity: number, unitPrice: number, taxTotal: number, lineTotal: number, available: number | null, backordered: number }>, shippingMethods: Array<{ code: string, name: string, price: number, taxTotal: number, estimatedDeliveryAt: string, selected: boolean }>, discounts: Array<{ kind: string, label: string, amount: number }>, problems: Array<{ path: string, code: string, message: string }> } };

export type StorefrontPlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
  idempotencyKey?: string | null | undefined;
}>;


export type StorefrontPlaceOrderMutation = { placeOrder: { accessToken: string, order: { id: string, number: string, status: OrderStatus } } };

export type StorefrontOrderQueryVariables = Exact<{
  id: string | number;
}>;


export type StorefrontOrderQuery = { order: { id: string, number: string, status: OrderStatus, paymentStatus: PaymentStatus, placedAt: string, email: string, currencyCode: string, subtotal: number, shippingTotal: number, taxTotal: number, discountTotal: number, total: number, estimatedDeliveryAt: string | null, shippingAddress: { name: string, line1: string, line2: string | null, postalCode: string, city: string, countryCode: string }, shippingMethod: { name: string } | null, lines: Array<{ id: string, sku: string, name: string, quantity: number, unitPrice: number, taxTotal: number, lineTotal: number }>, shipments: Array<{ id: string, status: ShipmentStatus, carrierCode: string | null, trackingNumber: string | null, trackingUrl: string | null }>, history: Array<{ at: string, message: string }> } | null };

export type StorefrontOrderEventsSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type StorefrontOrderEventsSubscription = { orderEvents: { type: OrderEventType, message: string, at: string, order: { id: string, status: OrderStatus, paymentStatus: PaymentStatus }, shipment: { id: string, status: ShipmentStatus, trackingNumber: string | null } | null } };


export const StorefrontProductsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StorefrontProducts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"products"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"variants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"allowBackorder"}},{"kind":"Field","name":{"kind":"Name","value":"trackInventory"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontProductsQuery, StorefrontProductsQueryVariables>;
export const StorefrontStockDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"StorefrontStock"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sku"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stockLevelChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sku"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sku"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}}]} as unknown as DocumentNode<StorefrontStockSubscription, StorefrontStockSubscriptionVariables>;
export const StorefrontQuoteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StorefrontQuote"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quoteOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"taxTotal"}},{"kind":"Field","name":{"kind":"Name","value":"lineTotal"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"backordered"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shippingMethods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"taxTotal"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedDeliveryAt"}},{"kind":"Field","name":{"kind":"Name","value":"selected"}}]}},{"kind":"Field","name":{"kind":"Name","value":"discounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"shippingTotal"}},{"kind":"Field","name":{"kind":"Name","value":"taxTotal"}},{"kind":"Field","name":{"kind":"Name","value":"discountTotal"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedDeliveryAt"}},{"kind":"Field","name":{"kind":"Name","value":"problems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"placeable"}}]}}]}}]} as unknown as DocumentNode<StorefrontQuoteQuery, StorefrontQuoteQueryVariables>;
export const StorefrontPlaceOrderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StorefrontPlaceOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceOrderInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"placeOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontPlaceOrderMutation, StorefrontPlaceOrderMutationVariables>;
export const StorefrontOrderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StorefrontOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentStatus"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"shippingTotal"}},{"kind":"Field","name":{"kind":"Name","value":"taxTotal"}},{"kind":"Field","name":{"kind":"Name","value":"discountTotal"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedDeliveryAt"}},{"kind":"Field","name":{"kind":"Name","value":"shippingAddress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"line1"}},{"kind":"Field","name":{"kind":"Name","value":"line2"}},{"kind":"Field","name":{"kind":"Name","value":"postalCode"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"countryCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shippingMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"taxTotal"}},{"kind":"Field","name":{"kind":"Name","value":"lineTotal"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shipments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"carrierCode"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"trackingUrl"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontOrderQuery, StorefrontOrderQueryVariables>;
export const StorefrontOrderEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"StorefrontOrderEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"paymentStatus"}}]}},{"kind":"Field","name":{"kind":"Name","value":"shipment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}}]}}]}}]}}]} as unknown as DocumentNode<StorefrontOrderEventsSubscription, StorefrontOrderEventsSubscriptionVariables>;