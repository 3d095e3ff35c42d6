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
    "\n  query ConsoleCountsTransfers {\n    stockLocations { code name }\n    stockCounts { id status location { code } lines { sku counted onHandAtCount variance applied } }\n    stockTransfers { id status note inTransit fromLocation { code } toLocation { code } lines { sku quantity shipped received } }\n  }\n": typeof types.ConsoleCountsTransfersDocument,
    "mutation ConsoleStartCount($l: String!, $skus: [String!]!) { startStockCount(locationCode: $l, skus: $skus) { id } }": typeof types.ConsoleStartCountDocument,
    "mutation ConsoleRecordCount($id: ID!, $sku: String!, $n: Int!) { recordStockCount(countId: $id, sku: $sku, counted: $n) { sku counted variance } }": typeof types.ConsoleRecordCountDocument,
    "mutation ConsoleApplyCount($id: ID!, $key: String) { applyStockCount(countId: $id, idempotencyKey: $key) { id status } }": typeof types.ConsoleApplyCountDocument,
    "mutation ConsoleCreateTransfer($i: CreateStockTransferInput!) { createStockTransfer(input: $i) { id } }": typeof types.ConsoleCreateTransferDocument,
    "mutation ConsoleShipTransfer($id: ID!, $key: String) { shipStockTransfer(id: $id, idempotencyKey: $key) { id status } }": typeof types.ConsoleShipTransferDocument,
    "mutation ConsoleReceiveTransfer($id: ID!, $key: String) { receiveStockTransfer(id: $id, idempotencyKey: $key) { id status } }": typeof types.ConsoleReceiveTransferDocument,
    "\n  query ConsoleKpis($from: DateTime!, $to: DateTime!) {\n    salesReport(from: $from, to: $to, groupBy: DAY) {\n      currencies { currencyCode totals { orders units netSales refunds averageOrderValue } buckets { start orders netSales } }\n    }\n    fulfillmentReport(from: $from, to: $to) {\n      ordersPlaced backorderRate splitShipmentRate\n      locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours onTimeRate }\n    }\n    returnsReport(from: $from, to: $to) { rows { sku reason returnedUnits returnRate restockRate } }\n    customerReport(from: $from, to: $to, first: 5) {\n      customers newCustomers returningCustomers repeatPurchaseRate\n      topCustomers { email orders netSales currencyCode }\n    }\n  }\n": typeof types.ConsoleKpisDocument,
    "query ConsoleFailedJobs { failedJobs { id queue name attempts error failedAt } }": typeof types.ConsoleFailedJobsDocument,
    "mutation ConsoleRetryJob($id: String!, $queue: String!) { retryJob(id: $id, queue: $queue) }": typeof types.ConsoleRetryJobDocument,
    "mutation ConsoleNote($id: ID!, $text: String!) { addOrderNote(orderId: $id, text: $text) { id } }": typeof types.ConsoleNoteDocument,
    "mutation ConsoleTag($id: ID!, $tags: [String!]!) { tagOrder(orderId: $id, tags: $tags) { id tags } }": typeof types.ConsoleTagDocument,
    "mutation ConsoleUntag($id: ID!, $tags: [String!]!) { untagOrder(orderId: $id, tags: $tags) { id tags } }": typeof types.ConsoleUntagDocument,
    "mutation ConsoleBeginEdit($id: ID!) { beginOrderEdit(orderId: $id) { id } }": typeof types.ConsoleBeginEditDocument,
    "\n  query ConsoleEditPreview($id: ID!) {\n    orderEditPreview(editId: $id) {\n      currencyCode previousTotal total amountDue amountToRefund\n      lines { orderLineId sku name previousQuantity quantity lineTotal }\n    }\n  }\n": typeof types.ConsoleEditPreviewDocument,
    "mutation ConsoleEditQty($id: ID!, $line: ID!, $q: Int!) { orderEditSetQuantity(editId: $id, orderLineId: $line, quantity: $q) { id } }": typeof types.ConsoleEditQtyDocument,
    "mutation ConsoleEditAdd($id: ID!, $sku: String!, $q: Int!) { orderEditAddLine(editId: $id, sku: $sku, quantity: $q) { id } }": typeof types.ConsoleEditAddDocument,
    "mutation ConsoleEditCommit($id: ID!, $key: String) { commitOrderEdit(editId: $id, idempotencyKey: $key) { id total } }": typeof types.ConsoleEditCommitDocument,
    "mutation ConsoleEditDiscard($id: ID!) { discardOrderEdit(editId: $id) { id } }": typeof types.ConsoleEditDiscardDocument,
    "mutation ConsoleCancelLine($id: ID!, $lines: [CancelOrderLineInput!]!, $key: String) { cancelOrderLines(orderId: $id, lines: $lines, idempotencyKey: $key, reason: \"cancelled in the console\") { id } }": typeof types.ConsoleCancelLineDocument,
    "mutation ConsoleRefund($id: ID!, $amount: Money!, $reason: String, $key: String) { refundPayment(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id status amountRefunded } }": typeof types.ConsoleRefundDocument,
    "\n  query ConsoleOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus email placedAt currencyCode subtotal discountTotal shippingTotal taxTotal total externalId note tags\n      channel { code name }\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      lines { id sku name quantity quantityShipped quantityCancelled unitPrice lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl labelUrl packingSlipUrl location { code name } lines { quantity orderLine { sku } } }\n      payments { id method status amount amountCaptured amountRefunded currencyCode }\n      invoices { id number kind total currencyCode issuedAt pdfUrl }\n      returns { id number status resolution }\n      history { at type message actor }\n      staffNotes { at message actor }\n    }\n  }\n": typeof types.ConsoleOrderDocument,
    "subscription ConsoleOrderEvents($id: ID!) { orderEvents(orderId: $id) { type at } }": typeof types.ConsoleOrderEventsDocument,
    "mutation ConsoleHold($id: ID!, $reason: String!) { holdOrder(id: $id, reason: $reason) { id status } }": typeof types.ConsoleHoldDocument,
    "mutation ConsoleRelease($id: ID!) { releaseOrderHold(id: $id) { id status } }": typeof types.ConsoleReleaseDocument,
    "mutation ConsoleCancel($id: ID!, $reason: String, $key: String) { cancelOrder(id: $id, reason: $reason, idempotencyKey: $key) { id status } }": typeof types.ConsoleCancelDocument,
    "\n  query ConsoleOrders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { ...ConsoleOrderRow }\n    }\n    channels { code name }\n  }\n": typeof types.ConsoleOrdersDocument,
    "\n  query ConsoleOrderByNumber($number: String!) { orderByNumber(number: $number) { ...ConsoleOrderRow } }\n": typeof types.ConsoleOrderByNumberDocument,
    "\n  fragment ConsoleOrderRow on Order {\n    id number status paymentStatus email total currencyCode placedAt tags externalId channel { code }\n  }\n": typeof types.ConsoleOrderRowFragmentDoc,
    "mutation ConsoleExportOrders($filter: OrderFilter) { exportOrders(filter: $filter) { url fileName expiresAt } }": typeof types.ConsoleExportOrdersDocument,
    "\n  subscription ConsoleOrderFeed { orderFeed { type order { ...ConsoleOrderRow } } }\n": typeof types.ConsoleOrderFeedDocument,
    "mutation ConsoleCapture($id: ID!, $key: String) { capturePayment(id: $id, idempotencyKey: $key) { id status amountCaptured } }": typeof types.ConsoleCaptureDocument,
    "\n  query ConsolePurchasing($locationCode: String!, $status: PurchaseOrderStatus, $skipSuggestions: Boolean!) {\n    stockLocations { code name }\n    replenishmentSuggestions(locationCode: $locationCode) @skip(if: $skipSuggestions) { sku available incoming reorderPoint target quantity supplier { name } }\n    purchaseOrders(first: 50, filter: { status: $status }) {\n      nodes {\n        id number status currencyCode totalCost expectedAt sentAt documentUrl\n        supplier { name } location { code }\n        lines { sku quantityOrdered quantityReceived }\n      }\n    }\n  }\n": typeof types.ConsolePurchasingDocument,
    "mutation ConsoleDraftPOs($locationCode: String!) { createPurchaseOrdersFromSuggestions(locationCode: $locationCode) { id number } }": typeof types.ConsoleDraftPOsDocument,
    "mutation ConsoleSendPO($id: ID!) { sendPurchaseOrder(id: $id) { id status } }": typeof types.ConsoleSendPoDocument,
    "mutation ConsoleReceivePO($id: ID!, $lines: [ReceiveLineInput!]!, $key: String) { receivePurchaseOrder(id: $id, lines: $lines, idempotencyKey: $key) { id status } }": typeof types.ConsoleReceivePoDocument,
    "\n  query ConsoleReturns($status: [ReturnStatus!], $first: Int!, $after: String) {\n    returnRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id number status resolution refundTotal createdAt customerNote\n        order { id number currencyCode email }\n        lines { id quantity quantityReceived reason disposition exchangeSku orderLine { sku name } }\n      }\n    }\n  }\n": typeof types.ConsoleReturnsDocument,
    "mutation ConsoleApproveReturn($id: ID!) { approveReturn(id: $id) { id status } }": typeof types.ConsoleApproveReturnDocument,
    "mutation ConsoleRejectReturn($id: ID!, $reason: String!) { rejectReturn(id: $id, reason: $reason) { id status } }": typeof types.ConsoleRejectReturnDocument,
    "mutation ConsoleReceiveReturn($id: ID!, $lines: [ReceiveReturnLineInput!]!, $key: String) { receiveReturn(id: $id, lines: $lines, idempotencyKey: $key) { id status } }": typeof types.ConsoleReceiveReturnDocument,
    "mutation ConsolePick($id: ID!) { markShipmentPicked(id: $id) { id status } }": typeof types.ConsolePickDocument,
    "mutation ConsolePack($id: ID!) { markShipmentPacked(id: $id) { id status } }": typeof types.ConsolePackDocument,
    "mutation ConsoleShip($id: ID!) { markShipmentShipped(id: $id) { id status } }": typeof types.ConsoleShipDocument,
    "\n  mutation ConsoleStaffLogin($email: String!, $password: String!) {\n    staffLogin(email: $email, password: $password) { token staffMember { name email roles channelCodes } }\n  }\n": typeof types.ConsoleStaffLoginDocument,
    "\n  query ConsoleKeyCheck { orders(first: 0) { totalCount } }\n": typeof types.ConsoleKeyCheckDocument,
    "\n  query ConsoleStock($locationCode: String) {\n    stockLocations { code name }\n    stockLevels(locationCode: $locationCode) { sku onHand reserved available incoming inTransitIn nextExpectedAt location { code } }\n    reorderRules(locationCode: $locationCode) { sku reorderPoint target low location { code } }\n  }\n": typeof types.ConsoleStockDocument,
    "query ConsolePickList($locationCode: String!) { pickList(locationCode: $locationCode) }": typeof types.ConsolePickListDocument,
    "mutation ConsoleAdjust($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand available } }": typeof types.ConsoleAdjustDocument,
    "mutation PlaceOrder($input: PlaceOrderInput!, $key: String) {\n  placeOrder(input: $input, idempotencyKey: $key) {\n    accessToken\n    order {\n      id\n      number\n      status\n      paymentStatus\n      total\n      currencyCode\n      lines {\n        sku\n        quantity\n        unitPrice\n        taxTotal\n        lineTotal\n      }\n    }\n  }\n}\n\nquery OrderById($id: ID!) {\n  order(id: $id) {\n    id\n    number\n    status\n    total\n    history {\n      type\n      fromStatus\n      toStatus\n      message\n      actor\n      at\n    }\n  }\n}\n\nquery Catalog($first: Int, $after: String, $search: String) {\n  products(first: $first, after: $after, search: $search) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      variants {\n        sku\n        name\n        price\n        currencyCode\n        available\n      }\n    }\n  }\n}": typeof types.PlaceOrderDocument,
};
const documents: Documents = {
    "\n  query ConsoleCountsTransfers {\n    stockLocations { code name }\n    stockCounts { id status location { code } lines { sku counted onHandAtCount variance applied } }\n    stockTransfers { id status note inTransit fromLocation { code } toLocation { code } lines { sku quantity shipped received } }\n  }\n": types.ConsoleCountsTransfersDocument,
    "mutation ConsoleStartCount($l: String!, $skus: [String!]!) { startStockCount(locationCode: $l, skus: $skus) { id } }": types.ConsoleStartCountDocument,
    "mutation ConsoleRecordCount($id: ID!, $sku: String!, $n: Int!) { recordStockCount(countId: $id, sku: $sku, counted: $n) { sku counted variance } }": types.ConsoleRecordCountDocument,
    "mutation ConsoleApplyCount($id: ID!, $key: String) { applyStockCount(countId: $id, idempotencyKey: $key) { id status } }": types.ConsoleApplyCountDocument,
    "mutation ConsoleCreateTransfer($i: CreateStockTransferInput!) { createStockTransfer(input: $i) { id } }": types.ConsoleCreateTransferDocument,
    "mutation ConsoleShipTransfer($id: ID!, $key: String) { shipStockTransfer(id: $id, idempotencyKey: $key) { id status } }": types.ConsoleShipTransferDocument,
    "mutation ConsoleReceiveTransfer($id: ID!, $key: String) { receiveStockTransfer(id: $id, idempotencyKey: $key) { id status } }": types.ConsoleReceiveTransferDocument,
    "\n  query ConsoleKpis($from: DateTime!, $to: DateTime!) {\n    salesReport(from: $from, to: $to, groupBy: DAY) {\n      currencies { currencyCode totals { orders units netSales refunds averageOrderValue } buckets { start orders netSales } }\n    }\n    fulfillmentReport(from: $from, to: $to) {\n      ordersPlaced backorderRate splitShipmentRate\n      locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours onTimeRate }\n    }\n    returnsReport(from: $from, to: $to) { rows { sku reason returnedUnits returnRate restockRate } }\n    customerReport(from: $from, to: $to, first: 5) {\n      customers newCustomers returningCustomers repeatPurchaseRate\n      topCustomers { email orders netSales currencyCode }\n    }\n  }\n": types.ConsoleKpisDocument,
    "query ConsoleFailedJobs { failedJobs { id queue name attempts error failedAt } }": types.ConsoleFailedJobsDocument,
    "mutation ConsoleRetryJob($id: String!, $queue: String!) { retryJob(id: $id, queue: $queue) }": types.ConsoleRetryJobDocument,
    "mutation ConsoleNote($id: ID!, $text: String!) { addOrderNote(orderId: $id, text: $text) { id } }": types.ConsoleNoteDocument,
    "mutation ConsoleTag($id: ID!, $tags: [String!]!) { tagOrder(orderId: $id, tags: $tags) { id tags } }": types.ConsoleTagDocument,
    "mutation ConsoleUntag($id: ID!, $tags: [String!]!) { untagOrder(orderId: $id, tags: $tags) { id tags } }": types.ConsoleUntagDocument,
    "mutation ConsoleBeginEdit($id: ID!) { beginOrderEdit(orderId: $id) { id } }": types.ConsoleBeginEditDocument,
    "\n  query ConsoleEditPreview($id: ID!) {\n    orderEditPreview(editId: $id) {\n      currencyCode previousTotal total amountDue amountToRefund\n      lines { orderLineId sku name previousQuantity quantity lineTotal }\n    }\n  }\n": types.ConsoleEditPreviewDocument,
    "mutation ConsoleEditQty($id: ID!, $line: ID!, $q: Int!) { orderEditSetQuantity(editId: $id, orderLineId: $line, quantity: $q) { id } }": types.ConsoleEditQtyDocument,
    "mutation ConsoleEditAdd($id: ID!, $sku: String!, $q: Int!) { orderEditAddLine(editId: $id, sku: $sku, quantity: $q) { id } }": types.ConsoleEditAddDocument,
    "mutation ConsoleEditCommit($id: ID!, $key: String) { commitOrderEdit(editId: $id, idempotencyKey: $key) { id total } }": types.ConsoleEditCommitDocument,
    "mutation ConsoleEditDiscard($id: ID!) { discardOrderEdit(editId: $id) { id } }": types.ConsoleEditDiscardDocument,
    "mutation ConsoleCancelLine($id: ID!, $lines: [CancelOrderLineInput!]!, $key: String) { cancelOrderLines(orderId: $id, lines: $lines, idempotencyKey: $key, reason: \"cancelled in the console\") { id } }": types.ConsoleCancelLineDocument,
    "mutation ConsoleRefund($id: ID!, $amount: Money!, $reason: String, $key: String) { refundPayment(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id status amountRefunded } }": types.ConsoleRefundDocument,
    "\n  query ConsoleOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus email placedAt currencyCode subtotal discountTotal shippingTotal taxTotal total externalId note tags\n      channel { code name }\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      lines { id sku name quantity quantityShipped quantityCancelled unitPrice lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl labelUrl packingSlipUrl location { code name } lines { quantity orderLine { sku } } }\n      payments { id method status amount amountCaptured amountRefunded currencyCode }\n      invoices { id number kind total currencyCode issuedAt pdfUrl }\n      returns { id number status resolution }\n      history { at type message actor }\n      staffNotes { at message actor }\n    }\n  }\n": types.ConsoleOrderDocument,
    "subscription ConsoleOrderEvents($id: ID!) { orderEvents(orderId: $id) { type at } }": types.ConsoleOrderEventsDocument,
    "mutation ConsoleHold($id: ID!, $reason: String!) { holdOrder(id: $id, reason: $reason) { id status } }": types.ConsoleHoldDocument,
    "mutation ConsoleRelease($id: ID!) { releaseOrderHold(id: $id) { id status } }": types.ConsoleReleaseDocument,
    "mutation ConsoleCancel($id: ID!, $reason: String, $key: String) { cancelOrder(id: $id, reason: $reason, idempotencyKey: $key) { id status } }": types.ConsoleCancelDocument,
    "\n  query ConsoleOrders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { ...ConsoleOrderRow }\n    }\n    channels { code name }\n  }\n": types.ConsoleOrdersDocument,
    "\n  query ConsoleOrderByNumber($number: String!) { orderByNumber(number: $number) { ...ConsoleOrderRow } }\n": types.ConsoleOrderByNumberDocument,
    "\n  fragment ConsoleOrderRow on Order {\n    id number status paymentStatus email total currencyCode placedAt tags externalId channel { code }\n  }\n": types.ConsoleOrderRowFragmentDoc,
    "mutation ConsoleExportOrders($filter: OrderFilter) { exportOrders(filter: $filter) { url fileName expiresAt } }": types.ConsoleExportOrdersDocument,
    "\n  subscription ConsoleOrderFeed { orderFeed { type order { ...ConsoleOrderRow } } }\n": types.ConsoleOrderFeedDocument,
    "mutation ConsoleCapture($id: ID!, $key: String) { capturePayment(id: $id, idempotencyKey: $key) { id status amountCaptured } }": types.ConsoleCaptureDocument,
    "\n  query ConsolePurchasing($locationCode: String!, $status: PurchaseOrderStatus, $skipSuggestions: Boolean!) {\n    stockLocations { code name }\n    replenishmentSuggestions(locationCode: $locationCode) @skip(if: $skipSuggestions) { sku available incoming reorderPoint target quantity supplier { name } }\n    purchaseOrders(first: 50, filter: { status: $status }) {\n      nodes {\n        id number status currencyCode totalCost expectedAt sentAt documentUrl\n        supplier { name } location { code }\n        lines { sku quantityOrdered quantityReceived }\n      }\n    }\n  }\n": types.ConsolePurchasingDocument,
    "mutation ConsoleDraftPOs($locationCode: String!) { createPurchaseOrdersFromSuggestions(locationCode: $locationCode) { id number } }": types.ConsoleDraftPOsDocument,
    "mutation ConsoleSendPO($id: ID!) { sendPurchaseOrder(id: $id) { id status } }": types.ConsoleSendPoDocument,
    "mutation ConsoleReceivePO($id: ID!, $lines: [ReceiveLineInput!]!, $key: String) { receivePurchaseOrder(id: $id, lines: $lines, idempotencyKey: $key) { id status } }": types.ConsoleReceivePoDocument,
    "\n  query ConsoleReturns($status: [ReturnStatus!], $first: Int!, $after: String) {\n    returnRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id number status resolution refundTotal createdAt customerNote\n        order { id number currencyCode email }\n        lines { id quantity quantityReceived reason disposition exchangeSku orderLine { sku name } }\n      }\n    }\n  }\n": types.ConsoleReturnsDocument,
    "mutation ConsoleApproveReturn($id: ID!) { approveReturn(id: $id) { id status } }": types.ConsoleApproveReturnDocument,
    "mutation ConsoleRejectReturn($id: ID!, $reason: String!) { rejectReturn(id: $id, reason: $reason) { id status } }": types.ConsoleRejectReturnDocument,
    "mutation ConsoleReceiveReturn($id: ID!, $lines: [ReceiveReturnLineInput!]!, $key: String) { receiveReturn(id: $id, lines: $lines, idempotencyKey: $key) { id status } }": types.ConsoleReceiveReturnDocument,
    "mutation ConsolePick($id: ID!) { markShipmentPicked(id: $id) { id status } }": types.ConsolePickDocument,
    "mutation ConsolePack($id: ID!) { markShipmentPacked(id: $id) { id status } }": types.ConsolePackDocument,
    "mutation ConsoleShip($id: ID!) { markShipmentShipped(id: $id) { id status } }": types.ConsoleShipDocument,
    "\n  mutation ConsoleStaffLogin($email: String!, $password: String!) {\n    staffLogin(email: $email, password: $password) { token staffMember { name email roles channelCodes } }\n  }\n": types.ConsoleStaffLoginDocument,
    "\n  query ConsoleKeyCheck { orders(first: 0) { totalCount } }\n": types.ConsoleKeyCheckDocument,
    "\n  query ConsoleStock($locationCode: String) {\n    stockLocations { code name }\n    stockLevels(locationCode: $locationCode) { sku onHand reserved available incoming inTransitIn nextExpectedAt location { code } }\n    reorderRules(locationCode: $locationCode) { sku reorderPoint target low location { code } }\n  }\n": types.ConsoleStockDocument,
    "query ConsolePickList($locationCode: String!) { pickList(locationCode: $locationCode) }": types.ConsolePickListDocument,
    "mutation ConsoleAdjust($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand available } }": types.ConsoleAdjustDocument,
    "mutation PlaceOrder($input: PlaceOrderInput!, $key: String) {\n  placeOrder(input: $input, idempotencyKey: $key) {\n    accessToken\n    order {\n      id\n      number\n      status\n      paymentStatus\n      total\n      currencyCode\n      lines {\n        sku\n        quantity\n        unitPrice\n        taxTotal\n        lineTotal\n      }\n    }\n  }\n}\n\nquery OrderById($id: ID!) {\n  order(id: $id) {\n    id\n    number\n    status\n    total\n    history {\n      type\n      fromStatus\n      toStatus\n      message\n      actor\n      at\n    }\n  }\n}\n\nquery Catalog($first: Int, $after: String, $search: String) {\n  products(first: $first, after: $after, search: $search) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      variants {\n        sku\n        name\n        price\n        currencyCode\n        available\n      }\n    }\n  }\n}": types.PlaceOrderDocument,
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
export function graphql(source: "\n  query ConsoleCountsTransfers {\n    stockLocations { code name }\n    stockCounts { id status location { code } lines { sku counted onHandAtCount variance applied } }\n    stockTransfers { id status note inTransit fromLocation { code } toLocation { code } lines { sku quantity shipped received } }\n  }\n"): (typeof documents)["\n  query ConsoleCountsTransfers {\n    stockLocations { code name }\n    stockCounts { id status location { code } lines { sku counted onHandAtCount variance applied } }\n    stockTransfers { id status note inTransit fromLocation { code } toLocation { code } lines { sku quantity shipped received } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleStartCount($l: String!, $skus: [String!]!) { startStockCount(locationCode: $l, skus: $skus) { id } }"): (typeof documents)["mutation ConsoleStartCount($l: String!, $skus: [String!]!) { startStockCount(locationCode: $l, skus: $skus) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleRecordCount($id: ID!, $sku: String!, $n: Int!) { recordStockCount(countId: $id, sku: $sku, counted: $n) { sku counted variance } }"): (typeof documents)["mutation ConsoleRecordCount($id: ID!, $sku: String!, $n: Int!) { recordStockCount(countId: $id, sku: $sku, counted: $n) { sku counted variance } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleApplyCount($id: ID!, $key: String) { applyStockCount(countId: $id, idempotencyKey: $key) { id status } }"): (typeof documents)["mutation ConsoleApplyCount($id: ID!, $key: String) { applyStockCount(countId: $id, idempotencyKey: $key) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleCreateTransfer($i: CreateStockTransferInput!) { createStockTransfer(input: $i) { id } }"): (typeof documents)["mutation ConsoleCreateTransfer($i: CreateStockTransferInput!) { createStockTransfer(input: $i) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleShipTransfer($id: ID!, $key: String) { shipStockTransfer(id: $id, idempotencyKey: $key) { id status } }"): (typeof documents)["mutation ConsoleShipTransfer($id: ID!, $key: String) { shipStockTransfer(id: $id, idempotencyKey: $key) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleReceiveTransfer($id: ID!, $key: String) { receiveStockTransfer(id: $id, idempotencyKey: $key) { id status } }"): (typeof documents)["mutation ConsoleReceiveTransfer($id: ID!, $key: String) { receiveStockTransfer(id: $id, idempotencyKey: $key) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKpis($from: DateTime!, $to: DateTime!) {\n    salesReport(from: $from, to: $to, groupBy: DAY) {\n      currencies { currencyCode totals { orders units netSales refunds averageOrderValue } buckets { start orders netSales } }\n    }\n    fulfillmentReport(from: $from, to: $to) {\n      ordersPlaced backorderRate splitShipmentRate\n      locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours onTimeRate }\n    }\n    returnsReport(from: $from, to: $to) { rows { sku reason returnedUnits returnRate restockRate } }\n    customerReport(from: $from, to: $to, first: 5) {\n      customers newCustomers returningCustomers repeatPurchaseRate\n      topCustomers { email orders netSales currencyCode }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleKpis($from: DateTime!, $to: DateTime!) {\n    salesReport(from: $from, to: $to, groupBy: DAY) {\n      currencies { currencyCode totals { orders units netSales refunds averageOrderValue } buckets { start orders netSales } }\n    }\n    fulfillmentReport(from: $from, to: $to) {\n      ordersPlaced backorderRate splitShipmentRate\n      locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours onTimeRate }\n    }\n    returnsReport(from: $from, to: $to) { rows { sku reason returnedUnits returnRate restockRate } }\n    customerReport(from: $from, to: $to, first: 5) {\n      customers newCustomers returningCustomers repeatPurchaseRate\n      topCustomers { email orders netSales currencyCode }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleFailedJobs { failedJobs { id queue name attempts error failedAt } }"): (typeof documents)["query ConsoleFailedJobs { failedJobs { id queue name attempts error failedAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleRetryJob($id: String!, $queue: String!) { retryJob(id: $id, queue: $queue) }"): (typeof documents)["mutation ConsoleRetryJob($id: String!, $queue: String!) { retryJob(id: $id, queue: $queue) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleNote($id: ID!, $text: String!) { addOrderNote(orderId: $id, text: $text) { id } }"): (typeof documents)["mutation ConsoleNote($id: ID!, $text: String!) { addOrderNote(orderId: $id, text: $text) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleTag($id: ID!, $tags: [String!]!) { tagOrder(orderId: $id, tags: $tags) { id tags } }"): (typeof documents)["mutation ConsoleTag($id: ID!, $tags: [String!]!) { tagOrder(orderId: $id, tags: $tags) { id tags } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleUntag($id: ID!, $tags: [String!]!) { untagOrder(orderId: $id, tags: $tags) { id tags } }"): (typeof documents)["mutation ConsoleUntag($id: ID!, $tags: [String!]!) { untagOrder(orderId: $id, tags: $tags) { id tags } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleBeginEdit($id: ID!) { beginOrderEdit(orderId: $id) { id } }"): (typeof documents)["mutation ConsoleBeginEdit($id: ID!) { beginOrderEdit(orderId: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleEditPreview($id: ID!) {\n    orderEditPreview(editId: $id) {\n      currencyCode previousTotal total amountDue amountToRefund\n      lines { orderLineId sku name previousQuantity quantity lineTotal }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleEditPreview($id: ID!) {\n    orderEditPreview(editId: $id) {\n      currencyCode previousTotal total amountDue amountToRefund\n      lines { orderLineId sku name previousQuantity quantity lineTotal }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleEditQty($id: ID!, $line: ID!, $q: Int!) { orderEditSetQuantity(editId: $id, orderLineId: $line, quantity: $q) { id } }"): (typeof documents)["mutation ConsoleEditQty($id: ID!, $line: ID!, $q: Int!) { orderEditSetQuantity(editId: $id, orderLineId: $line, quantity: $q) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleEditAdd($id: ID!, $sku: String!, $q: Int!) { orderEditAddLine(editId: $id, sku: $sku, quantity: $q) { id } }"): (typeof documents)["mutation ConsoleEditAdd($id: ID!, $sku: String!, $q: Int!) { orderEditAddLine(editId: $id, sku: $sku, quantity: $q) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleEditCommit($id: ID!, $key: String) { commitOrderEdit(editId: $id, idempotencyKey: $key) { id total } }"): (typeof documents)["mutation ConsoleEditCommit($id: ID!, $key: String) { commitOrderEdit(editId: $id, idempotencyKey: $key) { id total } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleEditDiscard($id: ID!) { discardOrderEdit(editId: $id) { id } }"): (typeof documents)["mutation ConsoleEditDiscard($id: ID!) { discardOrderEdit(editId: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleCancelLine($id: ID!, $lines: [CancelOrderLineInput!]!, $key: String) { cancelOrderLines(orderId: $id, lines: $lines, idempotencyKey: $key, reason: \"cancelled in the console\") { id } }"): (typeof documents)["mutation ConsoleCancelLine($id: ID!, $lines: [CancelOrderLineInput!]!, $key: String) { cancelOrderLines(orderId: $id, lines: $lines, idempotencyKey: $key, reason: \"cancelled in the console\") { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleRefund($id: ID!, $amount: Money!, $reason: String, $key: String) { refundPayment(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id status amountRefunded } }"): (typeof documents)["mutation ConsoleRefund($id: ID!, $amount: Money!, $reason: String, $key: String) { refundPayment(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id status amountRefunded } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus email placedAt currencyCode subtotal discountTotal shippingTotal taxTotal total externalId note tags\n      channel { code name }\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      lines { id sku name quantity quantityShipped quantityCancelled unitPrice lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl labelUrl packingSlipUrl location { code name } lines { quantity orderLine { sku } } }\n      payments { id method status amount amountCaptured amountRefunded currencyCode }\n      invoices { id number kind total currencyCode issuedAt pdfUrl }\n      returns { id number status resolution }\n      history { at type message actor }\n      staffNotes { at message actor }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleOrder($id: ID!) {\n    order(id: $id) {\n      id number status paymentStatus email placedAt currencyCode subtotal discountTotal shippingTotal taxTotal total externalId note tags\n      channel { code name }\n      shippingAddress { name line1 line2 postalCode city countryCode }\n      lines { id sku name quantity quantityShipped quantityCancelled unitPrice lineTotal }\n      shipments { id status carrierCode trackingNumber trackingUrl labelUrl packingSlipUrl location { code name } lines { quantity orderLine { sku } } }\n      payments { id method status amount amountCaptured amountRefunded currencyCode }\n      invoices { id number kind total currencyCode issuedAt pdfUrl }\n      returns { id number status resolution }\n      history { at type message actor }\n      staffNotes { at message actor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ConsoleOrderEvents($id: ID!) { orderEvents(orderId: $id) { type at } }"): (typeof documents)["subscription ConsoleOrderEvents($id: ID!) { orderEvents(orderId: $id) { type at } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleHold($id: ID!, $reason: String!) { holdOrder(id: $id, reason: $reason) { id status } }"): (typeof documents)["mutation ConsoleHold($id: ID!, $reason: String!) { holdOrder(id: $id, reason: $reason) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleRelease($id: ID!) { releaseOrderHold(id: $id) { id status } }"): (typeof documents)["mutation ConsoleRelease($id: ID!) { releaseOrderHold(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleCancel($id: ID!, $reason: String, $key: String) { cancelOrder(id: $id, reason: $reason, idempotencyKey: $key) { id status } }"): (typeof documents)["mutation ConsoleCancel($id: ID!, $reason: String, $key: String) { cancelOrder(id: $id, reason: $reason, idempotencyKey: $key) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleOrders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { ...ConsoleOrderRow }\n    }\n    channels { code name }\n  }\n"): (typeof documents)["\n  query ConsoleOrders($first: Int!, $after: String, $filter: OrderFilter) {\n    orders(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { ...ConsoleOrderRow }\n    }\n    channels { code name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleOrderByNumber($number: String!) { orderByNumber(number: $number) { ...ConsoleOrderRow } }\n"): (typeof documents)["\n  query ConsoleOrderByNumber($number: String!) { orderByNumber(number: $number) { ...ConsoleOrderRow } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleOrderRow on Order {\n    id number status paymentStatus email total currencyCode placedAt tags externalId channel { code }\n  }\n"): (typeof documents)["\n  fragment ConsoleOrderRow on Order {\n    id number status paymentStatus email total currencyCode placedAt tags externalId channel { code }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleExportOrders($filter: OrderFilter) { exportOrders(filter: $filter) { url fileName expiresAt } }"): (typeof documents)["mutation ConsoleExportOrders($filter: OrderFilter) { exportOrders(filter: $filter) { url fileName expiresAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleOrderFeed { orderFeed { type order { ...ConsoleOrderRow } } }\n"): (typeof documents)["\n  subscription ConsoleOrderFeed { orderFeed { type order { ...ConsoleOrderRow } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleCapture($id: ID!, $key: String) { capturePayment(id: $id, idempotencyKey: $key) { id status amountCaptured } }"): (typeof documents)["mutation ConsoleCapture($id: ID!, $key: String) { capturePayment(id: $id, idempotencyKey: $key) { id status amountCaptured } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePurchasing($locationCode: String!, $status: PurchaseOrderStatus, $skipSuggestions: Boolean!) {\n    stockLocations { code name }\n    replenishmentSuggestions(locationCode: $locationCode) @skip(if: $skipSuggestions) { sku available incoming reorderPoint target quantity supplier { name } }\n    purchaseOrders(first: 50, filter: { status: $status }) {\n      nodes {\n        id number status currencyCode totalCost expectedAt sentAt documentUrl\n        supplier { name } location { code }\n        lines { sku quantityOrdered quantityReceived }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsolePurchasing($locationCode: String!, $status: PurchaseOrderStatus, $skipSuggestions: Boolean!) {\n    stockLocations { code name }\n    replenishmentSuggestions(locationCode: $locationCode) @skip(if: $skipSuggestions) { sku available incoming reorderPoint target quantity supplier { name } }\n    purchaseOrders(first: 50, filter: { status: $status }) {\n      nodes {\n        id number status currencyCode totalCost expectedAt sentAt documentUrl\n        supplier { name } location { code }\n        lines { sku quantityOrdered quantityReceived }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleDraftPOs($locationCode: String!) { createPurchaseOrdersFromSuggestions(locationCode: $locationCode) { id number } }"): (typeof documents)["mutation ConsoleDraftPOs($locationCode: String!) { createPurchaseOrdersFromSuggestions(locationCode: $locationCode) { id number } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleSendPO($id: ID!) { sendPurchaseOrder(id: $id) { id status } }"): (typeof documents)["mutation ConsoleSendPO($id: ID!) { sendPurchaseOrder(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleReceivePO($id: ID!, $lines: [ReceiveLineInput!]!, $key: String) { receivePurchaseOrder(id: $id, lines: $lines, idempotencyKey: $key) { id status } }"): (typeof documents)["mutation ConsoleReceivePO($id: ID!, $lines: [ReceiveLineInput!]!, $key: String) { receivePurchaseOrder(id: $id, lines: $lines, idempotencyKey: $key) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleReturns($status: [ReturnStatus!], $first: Int!, $after: String) {\n    returnRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id number status resolution refundTotal createdAt customerNote\n        order { id number currencyCode email }\n        lines { id quantity quantityReceived reason disposition exchangeSku orderLine { sku name } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleReturns($status: [ReturnStatus!], $first: Int!, $after: String) {\n    returnRequests(status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id number status resolution refundTotal createdAt customerNote\n        order { id number currencyCode email }\n        lines { id quantity quantityReceived reason disposition exchangeSku orderLine { sku name } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleApproveReturn($id: ID!) { approveReturn(id: $id) { id status } }"): (typeof documents)["mutation ConsoleApproveReturn($id: ID!) { approveReturn(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleRejectReturn($id: ID!, $reason: String!) { rejectReturn(id: $id, reason: $reason) { id status } }"): (typeof documents)["mutation ConsoleRejectReturn($id: ID!, $reason: String!) { rejectReturn(id: $id, reason: $reason) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleReceiveReturn($id: ID!, $lines: [ReceiveReturnLineInput!]!, $key: String) { receiveReturn(id: $id, lines: $lines, idempotencyKey: $key) { id status } }"): (typeof documents)["mutation ConsoleReceiveReturn($id: ID!, $lines: [ReceiveReturnLineInput!]!, $key: String) { receiveReturn(id: $id, lines: $lines, idempotencyKey: $key) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsolePick($id: ID!) { markShipmentPicked(id: $id) { id status } }"): (typeof documents)["mutation ConsolePick($id: ID!) { markShipmentPicked(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsolePack($id: ID!) { markShipmentPacked(id: $id) { id status } }"): (typeof documents)["mutation ConsolePack($id: ID!) { markShipmentPacked(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleShip($id: ID!) { markShipmentShipped(id: $id) { id status } }"): (typeof documents)["mutation ConsoleShip($id: ID!) { markShipmentShipped(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleStaffLogin($email: String!, $password: String!) {\n    staffLogin(email: $email, password: $password) { token staffMember { name email roles channelCodes } }\n  }\n"): (typeof documents)["\n  mutation ConsoleStaffLogin($email: String!, $password: String!) {\n    staffLogin(email: $email, password: $password) { token staffMember { name email roles channelCodes } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKeyCheck { orders(first: 0) { totalCount } }\n"): (typeof documents)["\n  query ConsoleKeyCheck { orders(first: 0) { totalCount } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleStock($locationCode: String) {\n    stockLocations { code name }\n    stockLevels(locationCode: $locationCode) { sku onHand reserved available incoming inTransitIn nextExpectedAt location { code } }\n    reorderRules(locationCode: $locationCode) { sku reorderPoint target low location { code } }\n  }\n"): (typeof documents)["\n  query ConsoleStock($locationCode: String) {\n    stockLocations { code name }\n    stockLevels(locationCode: $locationCode) { sku onHand reserved available incoming inTransitIn nextExpectedAt location { code } }\n    reorderRules(locationCode: $locationCode) { sku reorderPoint target low location { code } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsolePickList($locationCode: String!) { pickList(locationCode: $locationCode) }"): (typeof documents)["query ConsolePickList($locationCode: String!) { pickList(locationCode: $locationCode) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleAdjust($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand available } }"): (typeof documents)["mutation ConsoleAdjust($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand available } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PlaceOrder($input: PlaceOrderInput!, $key: String) {\n  placeOrder(input: $input, idempotencyKey: $key) {\n    accessToken\n    order {\n      id\n      number\n      status\n      paymentStatus\n      total\n      currencyCode\n      lines {\n        sku\n        quantity\n        unitPrice\n        taxTotal\n        lineTotal\n      }\n    }\n  }\n}\n\nquery OrderById($id: ID!) {\n  order(id: $id) {\n    id\n    number\n    status\n    total\n    history {\n      type\n      fromStatus\n      toStatus\n      message\n      actor\n      at\n    }\n  }\n}\n\nquery Catalog($first: Int, $after: String, $search: String) {\n  products(first: $first, after: $after, search: $search) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      variants {\n        sku\n        name\n        price\n        currencyCode\n        available\n      }\n    }\n  }\n}"): (typeof documents)["mutation PlaceOrder($input: PlaceOrderInput!, $key: String) {\n  placeOrder(input: $input, idempotencyKey: $key) {\n    accessToken\n    order {\n      id\n      number\n      status\n      paymentStatus\n      total\n      currencyCode\n      lines {\n        sku\n        quantity\n        unitPrice\n        taxTotal\n        lineTotal\n      }\n    }\n  }\n}\n\nquery OrderById($id: ID!) {\n  order(id: $id) {\n    id\n    number\n    status\n    total\n    history {\n      type\n      fromStatus\n      toStatus\n      message\n      actor\n      at\n    }\n  }\n}\n\nquery Catalog($first: Int, $after: String, $search: String) {\n  products(first: $first, after: $after, search: $search) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      variants {\n        sku\n        name\n        price\n        currencyCode\n        available\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;