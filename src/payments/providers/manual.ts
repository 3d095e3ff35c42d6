// Bank transfer or pay-on-invoice: nothing to authorize; the order waits in PENDING until the money is recorded.
import type { PaymentProvider } from '../payment-provider.js';

export const manual: PaymentProvider = {
  code: 'manual',
  async authorize() {
    return { outcome: 'pending' };
  },
  async void() {},
};
