// A card gateway that answers after a network round trip (GATEWAY_MS), as a real one does: while a
// placement waits for it, the engine serves other requests, so retries really arrive "at the same
// moment". Enabled through an ordo.config file (`pluginImport('test/helpers/gateway-card.ts')`); the test
// and the config import this one module, so the test sees every authorization the engine asked for.
import type { PaymentProvider } from '../../src/index.js';

export const GATEWAY_MS = 150;
export const authorizations: { idempotencyKey: string; amount: number }[] = [];

export const gatewayCard: PaymentProvider = {
  code: 'gateway-card',
  async authorize(req) {
    authorizations.push({ idempotencyKey: req.idempotencyKey, amount: req.amount });
    await new Promise((r) => setTimeout(r, GATEWAY_MS));
    return { outcome: 'authorized', transactionId: `gw_auth_${authorizations.length}` };
  },
  async capture() {
    return { outcome: 'captured', transactionId: 'gw_cap' };
  },
  async void() {},
  async refund() {
    return { outcome: 'succeeded', transactionId: 'gw_ref' };
  },
};
