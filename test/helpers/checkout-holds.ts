// The checkout-hold operations as a storefront sends them (checkout-holds tests).
export const HOLD = `mutation($input: CheckoutHoldInput!, $ttl: Int, $key: String) {
  holdCheckoutStock(input: $input, ttlSeconds: $ttl, idempotencyKey: $key) { id status expiresAt orderId lines { sku quantity } }
}`;
export const RELEASE = `mutation($id: ID!) { releaseCheckoutHold(holdId: $id) { id status endedAt } }`;
export const READ = `query($id: ID!) { checkoutHold(id: $id) { id status orderId expiresAt lines { sku quantity } } }`;
