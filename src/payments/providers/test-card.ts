// Deterministic card provider for development and tests, in the style of card gateways' test tokens:
// tok_visa / tok_mastercard approve, tok_declined / tok_insufficient_funds decline at authorization,
// tok_capture_fails authorizes but every capture of it fails (the failure path of capture jobs).
import { createHash } from 'node:crypto';
import { badInput } from '../../kernel/errors.js';
import type { PaymentProvider } from '../payment-provider.js';

const DECLINES: Record<string, string> = {
  tok_declined: 'The card was declined.',
  tok_insufficient_funds: 'The card has insufficient funds.',
};
const APPROVES = new Set(['tok_visa', 'tok_mastercard', 'tok_capture_fails']);
/** Authorizations of tok_capture_fails carry this prefix, so that capture knows without state. */
const CAPTURE_FAILS = 'tc_authcf_';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 20);

export const testCard: PaymentProvider = {
  code: 'test-card',
  local: true,
  validate({ token }) {
    if (!token) throw badInput('The test-card method needs a token, for example tok_visa.', 'payment.token');
    if (!APPROVES.has(token) && !DECLINES[token]) {
      throw badInput(`Unknown test card token "${token}": use tok_visa, tok_mastercard, tok_declined, tok_insufficient_funds or tok_capture_fails.`, 'payment.token');
    }
  },
  async authorize(req) {
    const decline = DECLINES[req.token ?? ''];
    if (decline) return { outcome: 'declined', reason: decline };
    const id = hash(req.idempotencyKey);
    return { outcome: 'authorized', transactionId: req.token === 'tok_capture_fails' ? `${CAPTURE_FAILS}${id}` : `tc_auth_${id}` };
  },
  async capture(req) {
    if (req.transactionId?.startsWith(CAPTURE_FAILS)) return { outcome: 'failed', reason: 'The issuer refused the capture (test card tok_capture_fails).' };
    return { outcome: 'captured', transactionId: `tc_cap_${hash(req.idempotencyKey)}` };
  },
  async void() {},
  async refund(req) {
    return { outcome: 'succeeded', transactionId: `tc_ref_${hash(req.idempotencyKey)}` };
  },
};
