// Deterministic card provider for development and tests, in the style of card gateways' test tokens.
import { createHash } from 'node:crypto';
import { badInput } from '../../kernel/errors.js';
import type { PaymentProvider } from '../payment-provider.js';

const DECLINES: Record<string, string> = {
  tok_declined: 'The card was declined.',
  tok_insufficient_funds: 'The card has insufficient funds.',
};
const APPROVES = new Set(['tok_visa', 'tok_mastercard', 'tok_capture_fails']);

export const testCard: PaymentProvider = {
  code: 'test-card',
  validate({ token }) {
    if (!token) throw badInput('The test-card method needs a token, for example tok_visa.', 'payment.token');
    if (!APPROVES.has(token) && !DECLINES[token]) {
      throw badInput(`Unknown test card token "${token}": use tok_visa, tok_mastercard, tok_declined, tok_insufficient_funds or tok_capture_fails.`, 'payment.token');
    }
  },
  async authorize(req) {
    const decline = DECLINES[req.token ?? ''];
    if (decline) return { outcome: 'declined', reason: decline };
    const id = createHash('sha256').update(req.idempotencyKey).digest('hex').slice(0, 20);
    return { outcome: 'authorized', transactionId: `tc_auth_${id}` };
  },
  async void() {},
};
