// Bank transfer or pay-on-invoice: nothing to authorize; the order waits in PENDING until staff record
// the money received (capturePayment), which confirms it. A refund is paid out by hand and recorded.
import { createHash } from 'node:crypto';
import type { PaymentProvider } from '../payment-provider.js';

const ref = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;

export const manual: PaymentProvider = {
  code: 'manual',
  local: true,
  async authorize() {
    return { outcome: 'pending' };
  },
  async capture(req) {
    return { outcome: 'captured', transactionId: ref('man_rcv', req.idempotencyKey) };
  },
  async void() {},
  async refund(req) {
    return { outcome: 'succeeded', transactionId: ref('man_ref', req.idempotencyKey) };
  },
};
