// Paid elsewhere: a marketplace or social shop took the buyer's money and pays the merchant out itself.
// Orders imported from such a channel (importOrders) carry one `external` payment, captured at import
// with the channel's payment reference. Nothing is charged here: a refund is recorded as paid (the
// channel refunds its buyer; a connector forwards it), a void or capture changes nothing outside.
// A storefront cannot choose it: a buyer saying "I paid on the marketplace" is not a payment.
import { createHash } from 'node:crypto';
import { badInput } from '../../kernel/errors.js';
import type { PaymentProvider } from '../payment-provider.js';

export const EXTERNAL_METHOD = 'external';

const ref = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;

export const external: PaymentProvider = {
  code: EXTERNAL_METHOD,
  validate() {
    throw badInput('Payment method "external" is recorded by importOrders only: a storefront order pays with a provider of its own.', 'payment.method');
  },
  async authorize() {
    return { outcome: 'declined', reason: 'external payments are recorded by importOrders only' };
  },
  async capture(req) {
    return { outcome: 'captured', transactionId: req.transactionId ?? ref('ext_cap', req.idempotencyKey) };
  },
  async void() {},
  async refund(req) {
    return { outcome: 'succeeded', transactionId: ref('ext_ref', req.idempotencyKey) };
  },
};
