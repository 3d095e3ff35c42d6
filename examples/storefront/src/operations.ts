// Every GraphQL operation the storefront sends. `npm run codegen` reads this file and writes typed
// documents to src/gql/, so each result and variable below is checked against the engine's schema.
import { graphql } from './gql';

export const ProductsQuery = graphql(`
  query StorefrontProducts {
    products(first: 50) {
      nodes {
        id
        name
        description
        variants { id sku name price currencyCode available allowBackorder trackInventory }
      }
    }
  }
`);

/** Public: sellable units of one SKU, pushed whenever they change (an order, a restock, a cancellation). */
export const StockSubscription = graphql(`
  subscription StorefrontStock($sku: String!) {
    stockLevelChanged(sku: $sku) { sku available }
  }
`);

/** What placeOrder would do with the checkout as it stands; writes nothing. */
export const QuoteQuery = graphql(`
  query StorefrontQuote($input: PlaceOrderInput!) {
    quoteOrder(input: $input) {
      currencyCode
      lines { sku name quantity unitPrice taxTotal lineTotal available backordered }
      shippingMethods { code name price taxTotal estimatedDeliveryAt selected }
      discounts { kind label amount }
      subtotal shippingTotal taxTotal discountTotal total
      estimatedDeliveryAt
      problems { path code message }
      placeable
    }
  }
`);

export const PlaceOrderMutation = graphql(`
  mutation StorefrontPlaceOrder($input: PlaceOrderInput!, $idempotencyKey: String) {
    placeOrder(input: $input, idempotencyKey: $idempotencyKey) {
      accessToken
      order { id number status }
    }
  }
`);

export const OrderQuery = graphql(`
  query StorefrontOrder($id: ID!) {
    order(id: $id) {
      id number status paymentStatus placedAt email currencyCode
      subtotal shippingTotal taxTotal discountTotal total estimatedDeliveryAt
      shippingAddress { name line1 line2 postalCode city countryCode }
      shippingMethod { name }
      lines { id sku name quantity unitPrice taxTotal lineTotal }
      shipments { id status carrierCode trackingNumber trackingUrl }
      history { at message }
    }
  }
`);

/** The order's events, for whoever holds its access token (sent in the connection's params). */
export const OrderEventsSubscription = graphql(`
  subscription StorefrontOrderEvents($id: ID!) {
    orderEvents(orderId: $id) {
      type message at
      order { id status paymentStatus }
      shipment { id status trackingNumber }
    }
  }
`);
