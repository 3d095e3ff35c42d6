// A local fake of the part of Stripe's HTTP API the stripe plugin uses (PaymentIntents with manual
// capture, refunds), on 127.0.0.1, spoken to by the official `stripe` SDK exactly as api.stripe.com would
// be: form-encoded POSTs under /v1, a Bearer secret key, Idempotency-Key replays (the same key with other
// parameters is an idempotency_error, as Stripe answers), card errors as HTTP 402 with Stripe's error
// shape. Stripe's test PaymentMethods decide the outcome: pm_card_visa (and pm_card_mastercard) approve,
// pm_card_chargeDeclined declines, pm_card_chargeDeclinedInsufficientFunds declines for funds,
// pm_card_authenticationRequired asks for 3-D Secure (requires_action with use_stripe_sdk) until the test
// finishes the buyer's step (`authenticate`). Every intent and refund is kept for the test to read.
// Multicapture (https://docs.stripe.com/payments/multicapture): an intent created with
// payment_method_options[card][request_multicapture]=if_available gets it (its charge says
// payment_method_details.card.multicapture.status = available) unless the card is
// pm_card_visa_nomulticapture, a Visa whose issuer does not support it (unavailable). With it, a capture
// with final_capture=false takes its amount and leaves the intent requires_capture with the rest capturable;
// any other capture is final (succeeded, the rest released). final_capture=false without it is refused, and
// a capture of a closed intent is answered payment_intent_unexpected_state. Cancelling an intent that holds
// captures releases what is left (Stripe: succeeded).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: string;
  status: 'requires_action' | 'requires_payment_method' | 'requires_capture' | 'succeeded' | 'canceled';
  next_action: { type: string; use_stripe_sdk?: Record<string, unknown> } | null;
  last_payment_error: { type: string; code: string; message: string } | null;
  cancellation_reason: string | null;
  payment_method: string;
  receipt_email: string | null;
  statement_descriptor_suffix: string | null;
  latest_charge: string | null;
  /** As Stripe answers it; `card.request_multicapture` when it was asked for at creation. */
  payment_method_options: { card: { request_three_d_secure: string; request_multicapture?: string } };
  metadata: Record<string, string>;
  client_secret: string;
  created: number;
  livemode: false;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  charge: string | null;
  reason: string | null;
  status: 'succeeded';
  metadata: Record<string, string>;
  created: number;
}

export interface FakeStripe {
  url: string;
  host: string;
  port: number;
  secretKey: string;
  intents: Map<string, FakeIntent>;
  refunds: FakeRefund[];
  /** The buyer's 3-D Secure step of a requires_action intent: passed (requires_capture) or failed. The intent as Stripe would send it in its event. */
  authenticate(intentId: string, passed: boolean): FakeIntent;
  /**
   * The next request to a path fails as the network or Stripe can: `drop` applies it and then cuts the
   * connection before the answer (a timeout: the SDK retries with the same key and gets the first answer
   * replayed), `server-error` answers 500 without applying it.
   */
  failNext(path: string, mode: 'drop' | 'server-error'): void;
  /** Every request: method, path, the Idempotency-Key header and the form (or query) parameters. */
  requests: { method: string; path: string; idempotencyKey: string | null; params: Record<string, string> }[];
  /** The intent's latest charge as Stripe answers it (`expand[]=latest_charge`), or null before one. */
  charge(intentId: string): Record<string, unknown> | null;
  close(): Promise<void>;
}

const DECLINES: Record<string, { code: string; decline_code: string; message: string }> = {
  pm_card_chargeDeclined: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclinedInsufficientFunds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
};
const APPROVES = new Set(['pm_card_visa', 'pm_card_mastercard', 'pm_card_visa_nomulticapture']);
/** Approves, but its issuer does not support multicapture: asked for, it is unavailable. */
const NO_MULTICAPTURE = 'pm_card_visa_nomulticapture';
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

export async function startFakeStripe(secretKey = 'sk_test_ordo_fake_0123456789'): Promise<FakeStripe> {
  const intents = new Map<string, FakeIntent>();
  const refunds: FakeRefund[] = [];
  const requests: FakeStripe['requests'] = [];
  /** Per intent that asked for it: whether Stripe granted multicapture (known once the card is authorized). */
  const multicapture = new Map<string, 'available' | 'unavailable'>();
  const replays = new Map<string, { params: string; status: number; body: unknown }>();
  const failures: { path: string; mode: 'drop' | 'server-error' }[] = [];

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const [path, query = ''] = (req.url ?? '').split('?');
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? query : body));
    requests.push({ method: req.method ?? '', path, idempotencyKey: key, params });
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    }
    const failure = failures.findIndex((f) => f.path === path);
    const mode = failure >= 0 ? failures.splice(failure, 1)[0].mode : null;
    if (mode === 'server-error') return send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred.' } });
    if (key && req.method === 'POST') {
      const seen = replays.get(`${path}|${key}`);
      if (seen) {
        if (seen.params !== body) {
          return send(res, 400, { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with.` } });
        }
        res.setHeader('Idempotent-Replayed', 'true');
        return send(res, seen.status, seen.body);
      }
    }
    const [status, answer] = route(req.method ?? 'GET', path, params);
    // Stripe replays the first answer as it was sent (a snapshot, not the object as it is now).
    if (key && req.method === 'POST') replays.set(`${path}|${key}`, { params: body, status, body: JSON.parse(JSON.stringify(answer)) });
    if (mode === 'drop') return void req.socket.destroy();
    send(res, status, answer);
  });

  function route(method: string, path: string, p: Record<string, string>): [number, unknown] {
    const invalid = (message: string, param?: string): [number, unknown] => [400, { error: { type: 'invalid_request_error', message, param } }];
    const unexpected = (intent: FakeIntent, message: string): [number, unknown] => [400, { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message, payment_intent: { ...intent } } }];
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(p.amount);
      if (!Number.isInteger(amount) || amount < 1) return invalid('Invalid integer: amount', 'amount');
      if (!p.currency) return invalid('Missing required param: currency.', 'currency');
      // A confirmation token from Stripe.js stands for the PaymentMethod the buyer entered (ctoken_visa → pm_card_visa).
      const pm = p.confirmation_token ? `pm_card_${p.confirmation_token.replace(/^ctoken_/, '')}` : p.payment_method;
      if (!pm) return invalid('Missing required param: payment_method.', 'payment_method');
      const intent: FakeIntent = {
        id: id('pi'), object: 'payment_intent', amount, amount_capturable: 0, amount_received: 0, currency: p.currency,
        capture_method: p.capture_method ?? 'automatic_async', status: 'requires_capture', payment_method: pm, next_action: null, last_payment_error: null, cancellation_reason: null,
        receipt_email: p.receipt_email ?? null, statement_descriptor_suffix: p.statement_descriptor_suffix ?? null, latest_charge: null,
        payment_method_options: { card: { request_three_d_secure: 'automatic', ...(p['payment_method_options[card][request_multicapture]'] ? { request_multicapture: p['payment_method_options[card][request_multicapture]'] } : {}) } },
        metadata: metadataOf(p), client_secret: `${id('pi')}_secret_${randomBytes(8).toString('hex')}`, created: now(), livemode: false,
      };
      const decline = DECLINES[pm];
      if (decline) return [402, { error: { type: 'card_error', ...decline, payment_intent: { ...intent, status: 'requires_payment_method' } } }];
      if (!APPROVES.has(pm) && pm !== 'pm_card_authenticationRequired') return invalid(`No such PaymentMethod: '${pm}'`, 'payment_method');
      if (p.confirm !== 'true' || intent.capture_method !== 'manual') return invalid('This fake answers confirmed intents with capture_method=manual only.');
      if (pm === 'pm_card_authenticationRequired') {
        Object.assign(intent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } } });
        intents.set(intent.id, intent);
        return [200, intent];
      }
      intent.amount_capturable = amount;
      intent.latest_charge = id('ch');
      intents.set(intent.id, intent);
      grantMulticapture(intent);
      return [200, intent];
    }
    let m = /^\/v1\/payment_intents\/([^/]+)(?:\/(capture|cancel))?$/.exec(path);
    if (m) {
      const intent = intents.get(m[1]);
      if (!intent) return [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${m[1]}'` } }];
      if (method === 'GET' && !m[2]) return [200, expanded(intent, p)];
      if (m[2] === 'capture') {
        if (intent.status !== 'requires_capture') return unexpected(intent, `This PaymentIntent could not be captured because it has a status of ${intent.status}.`);
        const amount = p.amount_to_capture ? Number(p.amount_to_capture) : intent.amount_capturable;
        if (!Number.isInteger(amount) || amount < 1) return invalid('Invalid integer: amount_to_capture', 'amount_to_capture');
        if (amount > intent.amount_capturable) return invalid('The amount to capture is greater than the amount capturable.', 'amount_to_capture');
        const final = p.final_capture !== 'false';
        if (!final && multicapture.get(intent.id) !== 'available') return invalid('final_capture can only be false when multicapture is available for this PaymentIntent.', 'final_capture');
        // Not final: the rest stays capturable for later captures. Final (or nothing left): the rest is released.
        if (!final && amount < intent.amount_capturable) Object.assign(intent, { amount_received: intent.amount_received + amount, amount_capturable: intent.amount_capturable - amount });
        else Object.assign(intent, { amount_received: intent.amount_received + amount, amount_capturable: 0, status: 'succeeded' });
        return [200, expanded(intent, p)];
      }
      if (m[2] === 'cancel') {
        if (intent.status !== 'requires_capture') return unexpected(intent, `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`);
        // What is left is released; an intent that holds captures (multicapture) keeps them and is succeeded.
        Object.assign(intent, { amount_capturable: 0, status: intent.amount_received > 0 ? 'succeeded' : 'canceled' });
        return [200, intent];
      }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = intents.get(p.payment_intent ?? '');
      if (!intent) return invalid('Missing or unknown payment_intent.', 'payment_intent');
      // Captured money can be refunded, also while a multicapture intent keeps its rest capturable.
      if (intent.status !== 'succeeded' && !(intent.status === 'requires_capture' && intent.amount_received > 0)) return invalid(`This PaymentIntent does not have a successful charge to refund.`);
      const refunded = refunds.filter((r) => r.payment_intent === intent.id).reduce((s, r) => s + r.amount, 0);
      const amount = p.amount ? Number(p.amount) : intent.amount_received - refunded;
      if (amount > intent.amount_received - refunded) return invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${intent.amount_received - refunded})`, 'amount');
      const refund: FakeRefund = { id: id('re'), object: 'refund', amount, currency: intent.currency, payment_intent: intent.id, charge: intent.latest_charge, reason: p.reason ?? null, status: 'succeeded', metadata: metadataOf(p), created: now() };
      refunds.push(refund);
      return [200, refund];
    }
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } }];
  }

  /** At authorization: multicapture for an intent that asked for it, unless its card does not support it. */
  function grantMulticapture(intent: FakeIntent): void {
    if (intent.payment_method_options.card.request_multicapture !== 'if_available') return;
    multicapture.set(intent.id, intent.payment_method === NO_MULTICAPTURE ? 'unavailable' : 'available');
  }

  function chargeOf(intent: FakeIntent): Record<string, unknown> | null {
    if (!intent.latest_charge) return null;
    const refunded = refunds.filter((r) => r.payment_intent === intent.id).reduce((s, r) => s + r.amount, 0);
    const granted = multicapture.get(intent.id);
    return {
      id: intent.latest_charge, object: 'charge', amount: intent.amount, amount_captured: intent.amount_received, amount_refunded: refunded,
      captured: intent.amount_received > 0, currency: intent.currency, payment_intent: intent.id, payment_method: intent.payment_method, status: 'succeeded',
      payment_method_details: { type: 'card', card: { brand: intent.payment_method.includes('mastercard') ? 'mastercard' : 'visa', last4: '4242', ...(granted ? { multicapture: { status: granted } } : {}) } },
      created: intent.created, livemode: false,
    };
  }

  /** The intent as answered, its latest charge expanded when the request asks (`expand[0]=latest_charge`). */
  function expanded(intent: FakeIntent, p: Record<string, string>): unknown {
    const wants = Object.entries(p).some(([k, v]) => k.startsWith('expand[') && v === 'latest_charge');
    return wants ? { ...intent, latest_charge: chargeOf(intent) } : intent;
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, host: '127.0.0.1', port, secretKey, intents, refunds, requests,
    charge(intentId) {
      const intent = intents.get(intentId);
      return intent ? chargeOf(intent) : null;
    },
    failNext(path, mode) {
      failures.push({ path, mode });
    },
    authenticate(intentId, passed) {
      const intent = intents.get(intentId);
      if (!intent || intent.status !== 'requires_action') throw new Error(`intent ${intentId} is not waiting for authentication`);
      if (passed) {
        Object.assign(intent, { status: 'requires_capture', amount_capturable: intent.amount, next_action: null, latest_charge: id('ch') });
        grantMulticapture(intent);
      }
      else Object.assign(intent, { status: 'requires_payment_method', next_action: null, last_payment_error: { type: 'card_error', code: 'payment_intent_authentication_failure', message: 'The provided PaymentMethod has failed authentication.' } });
      return { ...intent };
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function metadataOf(p: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith('metadata[')).map(([k, v]) => [k.slice(9, -1), v]));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
  res.end(JSON.stringify(body));
}
