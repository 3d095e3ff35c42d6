/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query StorefrontProducts {\n    products(first: 50) {\n      nodes {\n        id\n        name\n        description\n        variants { id sku name price currencyCode available allowBackorder trackInventory }\n      }\n    }\n  }\n": typeof types.StorefrontProductsDocument,
    "\n  subscription StorefrontStock($sku: String!) {\n    stockLevelChanged(sku: $sku) { sku available }\n  }\n": typeof types.StorefrontStockDocument,
    "\n  query StorefrontQuote($input: PlaceOrderInput!) {\n    quoteOrder(input: $input) {\n      currencyCode\n      lines { sku name quantity unitPrice taxTotal lineTotal available backordered }\n      shippingMethods { code name price taxTotal estimatedDeliveryAt selected }\n      discounts { kind label amount }\n      subtotal shippingTotal taxTotal discountTotal total\n      estimatedDeliveryAt\n      problems { path code message }\n      placeable\n    }\n  }\n": typeof types.StorefrontQuoteDocument,
    "\n  mutation StorefrontPlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String) {\n    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n      accessToken\n      order { id number status }\n    }\n  }\n": typeof types.StorefrontPlaceOrderDocument,
    "\n  query StorefrontOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus placedAt email currencyCode\n      subtotal shippingTotal taxTotal discountTotal total estimatedDeliveryAt\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      shippingMethod { name }\n      lines { id sku name quantity unitPrice taxTotal lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl }\n      history { at message }\n    }\n  }\n": typeof types.StorefrontOrderDocument,
    "\n  subscription StorefrontOrderEvents($id: ID!) {\n    orderEvents(orderId: $id) {\n      type message at\n      order { id status paymentStatus }\n      shipment { id status trackingNumber }\n    }\n  }\n": typeof types.StorefrontOrderEventsDocument,
};
const documents: Documents = {
    "\n  query StorefrontProducts {\n    products(first: 50) {\n      nodes {\n        id\n        name\n        description\n        variants { id sku name price currencyCode available allowBackorder trackInventory }\n      }\n    }\n  }\n": types.StorefrontProductsDocument,
    "\n  subscription StorefrontStock($sku: String!) {\n    stockLevelChanged(sku: $sku) { sku available }\n  }\n": types.StorefrontStockDocument,
    "\n  query StorefrontQuote($input: PlaceOrderInput!) {\n    quoteOrder(input: $input) {\n      currencyCode\n      lines { sku name quantity unitPrice taxTotal lineTotal available backordered }\n      shippingMethods { code name price taxTotal estimatedDeliveryAt selected }\n      discounts { kind label amount }\n      subtotal shippingTotal taxTotal discountTotal total\n      estimatedDeliveryAt\n      problems { path code message }\n      placeable\n    }\n  }\n": types.StorefrontQuoteDocument,
    "\n  mutation StorefrontPlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String) {\n    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n      accessToken\n      order { id number status }\n    }\n  }\n": types.StorefrontPlaceOrderDocument,
    "\n  query StorefrontOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus placedAt email currencyCode\n      subtotal shippingTotal taxTotal discountTotal total estimatedDeliveryAt\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      shippingMethod { name }\n      lines { id sku name quantity unitPrice taxTotal lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl }\n      history { at message }\n    }\n  }\n": types.StorefrontOrderDocument,
    "\n  subscription StorefrontOrderEvents($id: ID!) {\n    orderEvents(orderId: $id) {\n      type message at\n      order { id status paymentStatus }\n      shipment { id status trackingNumber }\n    }\n  }\n": types.StorefrontOrderEventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StorefrontProducts {\n    products(first: 50) {\n      nodes {\n        id\n        name\n        description\n        variants { id sku name price currencyCode available allowBackorder trackInventory }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StorefrontProducts {\n    products(first: 50) {\n      nodes {\n        id\n        name\n        description\n        variants { id sku name price currencyCode available allowBackorder trackInventory }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StorefrontStock($sku: String!) {\n    stockLevelChanged(sku: $sku) { sku available }\n  }\n"): (typeof documents)["\n  subscription StorefrontStock($sku: String!) {\n    stockLevelChanged(sku: $sku) { sku available }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StorefrontQuote($input: PlaceOrderInput!) {\n    quoteOrder(input: $input) {\n      currencyCode\n      lines { sku name quantity unitPrice taxTotal lineTotal available backordered }\n      shippingMethods { code name price taxTotal estimatedDeliveryAt selected }\n      discounts { kind label amount }\n      subtotal shippingTotal taxTotal discountTotal total\n      estimatedDeliveryAt\n      problems { path code message }\n      placeable\n    }\n  }\n"): (typeof documents)["\n  query StorefrontQuote($input: PlaceOrderInput!) {\n    quoteOrder(input: $input) {\n      currencyCode\n      lines { sku name quantity unitPrice taxTotal lineTotal available backordered }\n      shippingMethods { code name price taxTotal estimatedDeliveryAt selected }\n      discounts { kind label amount }\n      subtotal shippingTotal taxTotal discountTotal total\n      estimatedDeliveryAt\n      problems { path code message }\n      placeable\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StorefrontPlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String) {\n    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n      accessToken\n      order { id number status }\n    }\n  }\n"): (typeof documents)["\n  mutation StorefrontPlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String) {\n    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n      accessToken\n      order { id number status }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StorefrontOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus placedAt email currencyCode\n      subtotal shippingTotal taxTotal discountTotal total estimatedDeliveryAt\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      shippingMethod { name }\n      lines { id sku name quantity unitPrice taxTotal lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl }\n      history { at message }\n    }\n  }\n"): (typeof documents)["\n  query StorefrontOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus placedAt email currencyCode\n      subtotal shippingTotal taxTotal discountTotal total estimatedDeliveryAt\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      shippingMethod { name }\n      lines { id sku name quantity unitPrice taxTotal lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl }\n      history { at message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StorefrontOrderEvents($id: ID!) {\n    orderEvents(orderId: $id) {\n      type message at\n      order { id status paymentStatus }\n      shipment { id status trackingNumber }\n    }\n  }\n"): (typeof documents)["\n  subscription StorefrontOrderEvents($id: ID!) {\n    orderEvents(orderId: $id) {\n      type message at\n      order { id status paymentStatus }\n      shipment { id status trackingNumber }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;