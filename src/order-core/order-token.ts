// Order access tokens are derived from the order id with the engine's secret: a retried placement
// (same idempotency key) hands back the very token the first one did. Only the hash is stored on the order.
import { createHmac } from 'node:crypto';

export const ORDER_TOKEN_PREFIX = 'ot_';

export function orderAccessToken(secret: string, orderId: string): string {
  return ORDER_TOKEN_PREFIX + createHmac('sha256', secret).update(`order-access:${orderId}`).digest('base64url');
}
