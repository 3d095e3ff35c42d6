// The `stripe` payment provider on Stripe's official Node SDK: PaymentIntents with manual capture.
// authorize = create and confirm an intent for the order's amount (capture_method manual, multicapture
// requested) with the PaymentMethod the storefront got from Stripe.js; capture = capture the intent
// (partially when the order owes less now; per shipment with `final_capture: false` until the last);
// release = cancel what a multicapture intent still holds; void = cancel it; refund = a Refund of the
// intent. Every call that moves money passes
// the engine's own key as Stripe's Idempotency-Key, so a retried placement, capture job or refund job
// is answered by Stripe with the first result instead of charging again. The secret key is kept in this
// closure only: never logged, never in an error message, never exposed through the plugin's options.
import Stripe from 'stripe';
import { OrdoError, badInput, type PaymentProvider, type PaymentWebhookEvent } from '../../src/index.js';

export interface StripeOptions {
  /** sk_test_… or sk_live_… (a restricted rk_ key works too). */
  secretKey: string;
  /** Up to 22 characters after the account's own descriptor on the buyer's statement (Stripe's statement_descriptor_suffix). */
  statementDescriptor?: string;
  /** The signing secret of the webhook endpoint (whsec_…): events at /webhooks/stripe are verified with it. */
  webhookSecret?: string;
  /** Where the API is (tests: a local fake of it); default https://api.stripe.com. */
  apiBase?: string;
  /** Retries of a failed network call by the SDK, with the same idempotency key (default 2). */
  maxNetworkRetries?: number;
  /**
   * Ask Stripe for multicapture on every intent (`request_multicapture: 'if_available'`, default true), so
   * that channels with capturePolicy PER_SHIPMENT capture each shipment from the same intent. Multicapture
   * is an IC+ feature of Stripe accounts: false leaves it out, and PER_SHIPMENT then captures the whole
   * order at its first shipment.
   */
  multicapture?: boolean;
}

const KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}$/;

export function checkOptions(o: StripeOptions): void {
  if (!o || typeof o.secretKey !== 'string' || !KEY.test(o.secretKey)) throw new Error('stripe: secretKey must be a Stripe secret key (sk_test_…, sk_live_… or rk_…)');
  if (o.statementDescriptor !== undefined && !/^[^<>\\'"*]{1,22}$/.test(o.statementDescriptor)) throw new Error('stripe: statementDescriptor is 1 to 22 characters without < > \\ \' " *');
  if (o.webhookSecret !== undefined && !/^whsec_[A-Za-z0-9]{8,}$/.test(o.webhookSecret)) throw new Error('stripe: webhookSecret must be a webhook signing secret (whsec_…)');
  if (o.apiBase !== undefined && !/^https?:\/\/[^/]+\/?$/.test(o.apiBase)) throw new Error('stripe: apiBase is a URL such as https://api.stripe.com');
  if (o.multicapture !== undefined && typeof o.multicapture !== 'boolean') throw new Error('stripe: multicapture is true or false');
}

export function stripeClient(o: StripeOptions): Stripe {
  const base = o.apiBase ? new URL(o.apiBase) : null;
  return new Stripe(o.secretKey, {
    maxNetworkRetries: o.maxNetworkRetries ?? 2,
    timeout: 20_000,
    telemetry: false,
    ...(base ? { host: base.hostname, port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)), protocol: base.protocol.replace(':', '') as 'http' | 'https' } : {}),
  });
}

/** Stripe's answer as a sentence for the order's history (no key, no request internals). */
function reasonOf(e: unknown): string {
  const err = e as { type?: string; message?: string; decline_code?: string; code?: string };
  if (err?.type === 'StripeCardError') return `${err.message ?? 'The card was declined.'}${err.decline_code ? ` (${err.decline_code})` : ''}`;
  return `Stripe answered ${err?.type ?? 'an error'}${err?.code ? ` (${err.code})` : ''}: ${err?.message ?? 'no message'}`;
}

/** Whether Stripe granted multicapture to the intent's charge (asked with request_multicapture at creation). */
function multicaptureAvailable(intent: Stripe.PaymentIntent): boolean {
  const charge = intent.latest_charge;
  return typeof charge === 'object' && charge?.payment_method_details?.card?.multicapture?.status === 'available';
}

/** A capture Stripe refused: its reason, plainly when the intent is closed already (a capture after the final one). */
function captureFailure(e: unknown): string {
  if ((e as { code?: string }).code === 'payment_intent_unexpected_state') {
    return `The PaymentIntent cannot be captured any more: its final capture closed it and released the rest (${reasonOf(e)}).`;
  }
  return reasonOf(e);
}

export function stripeProvider(o: StripeOptions, client = stripeClient(o)): PaymentProvider {
  return {
    code: 'stripe',
    validate({ token }) {
      if (!token || !/^(pm|ctoken)_[A-Za-z0-9_]+$/.test(token)) throw badInput('The stripe method needs a PaymentMethod (pm_…) or a confirmation token (ctoken_…) from Stripe.js as its token.', 'payment.token');
    },
    async authorize(req) {
      try {
        const intent = await client.paymentIntents.create({
          amount: req.amount, currency: req.currencyCode.toLowerCase(), capture_method: 'manual', confirm: true,
          ...(req.token!.startsWith('ctoken_') ? { confirmation_token: req.token! } : { payment_method: req.token! }), receipt_email: req.email,
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          // Multicapture is asked for on every intent, whatever the channel's capture policy: the engine's
          // placement does not tell the provider the policy (AuthorizeRequest has no such field, and
          // placeOrder is where it would be set). Asking costs nothing when it is not used: a capture
          // without final_capture: false is final, as without multicapture.
          ...(o.multicapture !== false ? { payment_method_options: { card: { request_multicapture: 'if_available' as const } } } : {}),
          ...(o.statementDescriptor ? { statement_descriptor_suffix: o.statementDescriptor } : {}),
        }, { idempotencyKey: `ordo-auth-${req.idempotencyKey}` });
        if (intent.status === 'requires_capture') return { outcome: 'authorized', transactionId: intent.id };
        if (intent.status === 'requires_action' || intent.status === 'processing') {
          // 3-D Secure and the like: the order waits (PENDING) while the buyer completes the step with
          // Stripe.js and the client secret; Stripe's webhook then says how it ended.
          const next = intent.next_action;
          return {
            outcome: 'pending', transactionId: intent.id,
            nextAction: next ? { type: next.type, clientSecret: intent.client_secret, redirectUrl: next.redirect_to_url?.url ?? null } : undefined,
          };
        }
        return { outcome: 'declined', reason: `The PaymentIntent is ${intent.status}.` };
      } catch (e) {
        if ((e as { type?: string }).type === 'StripeCardError') return { outcome: 'declined', reason: reasonOf(e) };
        throw new Error(`stripe: authorization failed: ${reasonOf(e)}`);
      }
    },
    async capture(req) {
      const id = req.transactionId!;
      const key = { idempotencyKey: `ordo-${req.idempotencyKey}` };
      try {
        if (req.final === false) {
          // More captures follow (PER_SHIPMENT). Stripe takes final_capture: false only where multicapture
          // is available, which its answer at authorization says on the intent's charge
          // (payment_method_details.card.multicapture.status). The same request always makes the same
          // call, so a retried job is answered from Stripe's idempotency replay.
          const intent = await client.paymentIntents.retrieve(id, { expand: ['latest_charge'] });
          if (!multicaptureAvailable(intent)) {
            // One capture only: it takes everything the order still owes (onceAmount), and closes the intent.
            const amount = Math.max(req.amount, req.onceAmount ?? req.amount);
            const once = await client.paymentIntents.capture(id, { amount_to_capture: amount }, key);
            if (once.status !== 'succeeded') return { outcome: 'failed', reason: `The PaymentIntent is ${once.status}.` };
            return { outcome: 'captured', transactionId: once.id, amount, closed: true };
          }
          const part = await client.paymentIntents.capture(id, { amount_to_capture: req.amount, final_capture: false }, key);
          // requires_capture: captured, the rest stays capturable for the next shipment.
          if (part.status === 'requires_capture') return { outcome: 'captured', transactionId: part.id };
          // succeeded: captured, but Stripe closed the intent (nothing more capturable).
          if (part.status === 'succeeded') return { outcome: 'captured', transactionId: part.id, closed: true };
          return { outcome: 'failed', reason: `The PaymentIntent is ${part.status}.` };
        }
        const intent = await client.paymentIntents.capture(id, { amount_to_capture: req.amount }, key);
        return intent.status === 'succeeded' ? { outcome: 'captured', transactionId: intent.id } : { outcome: 'failed', reason: `The PaymentIntent is ${intent.status}.` };
      } catch (e) {
        return { outcome: 'failed', reason: captureFailure(e) };
      }
    },
    async release(req) {
      // What a multicapture intent still holds after its partial captures. Stripe's way: cancel the
      // intent, which "for PaymentIntents with a status of requires_capture" releases the remaining
      // amount_capturable (API reference, Cancel a PaymentIntent); what was captured stays captured. A
      // final capture cannot do it: it captures at least 1 unit of money.
      if (!req.transactionId) return;
      try {
        await client.paymentIntents.cancel(req.transactionId, {}, { idempotencyKey: `ordo-${req.idempotencyKey}` });
      } catch (e) {
        // Closed already (a final capture, cancelled before, expired): nothing is held any more.
        const intent = await client.paymentIntents.retrieve(req.transactionId).catch(() => null);
        if (intent && intent.status !== 'requires_capture') return;
        throw new Error(`stripe: release failed: ${reasonOf(e)}`);
      }
    },
    async void(transactionId) {
      if (!transactionId) return;
      try {
        await client.paymentIntents.cancel(transactionId, {}, { idempotencyKey: `ordo-void-${transactionId}` });
      } catch (e) {
        // Cancelled before (a retried cancellation): nothing left to release.
        const intent = await client.paymentIntents.retrieve(transactionId).catch(() => null);
        if (intent?.status !== 'canceled') throw new Error(`stripe: cancel failed: ${reasonOf(e)}`);
      }
    },
    async webhook({ headers, rawBody }) {
      if (!o.webhookSecret) throw new OrdoError('FORBIDDEN', 'The stripe plugin has no webhookSecret: it takes no webhooks.');
      const signature = headers['stripe-signature'];
      let event: Stripe.Event;
      try {
        event = client.webhooks.constructEvent(rawBody, String(signature ?? ''), o.webhookSecret);
      } catch {
        throw new OrdoError('BAD_USER_INPUT', 'The Stripe-Signature header does not verify with the webhook secret.');
      }
      return eventsOf(event);
    },
    async refund(req) {
      try {
        const refund = await client.refunds.create({
          payment_intent: req.transactionId!, amount: req.amount, metadata: req.reason ? { reason: req.reason.slice(0, 500) } : {},
        }, { idempotencyKey: `ordo-${req.idempotencyKey}` });
        if (refund.status === 'succeeded') return { outcome: 'succeeded', transactionId: refund.id };
        if (refund.status === 'pending' || refund.status === 'requires_action') return { outcome: 'pending', transactionId: refund.id };
        return { outcome: 'failed', reason: `The refund is ${refund.status}${refund.failure_reason ? ` (${refund.failure_reason})` : ''}.` };
      } catch (e) {
        return { outcome: 'failed', reason: reasonOf(e) };
      }
    },
  };
}

/**
 * What a Stripe event means for the engine. Events come again and out of order: the engine applies each
 * only when the payment is still in the state it changes (a PENDING payment authorized or failed once, a
 * PENDING refund settled once), so a replay or a late one changes nothing.
 */
export function eventsOf(event: Stripe.Event): PaymentWebhookEvent[] {
  switch (event.type) {
    case 'payment_intent.amount_capturable_updated':
      return event.data.object.status === 'requires_capture' ? [{ type: 'payment.authorized', transactionId: event.data.object.id }] : [];
    case 'payment_intent.payment_failed':
      return [{ type: 'payment.failed', transactionId: event.data.object.id, reason: event.data.object.last_payment_error?.message ?? 'the payment failed' }];
    case 'payment_intent.canceled':
      return [{ type: 'payment.failed', transactionId: event.data.object.id, reason: `cancelled at Stripe (${event.data.object.cancellation_reason ?? 'no reason given'})` }];
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const d = event.data.object;
      const intent = typeof d.payment_intent === 'string' ? d.payment_intent : d.payment_intent?.id;
      if (!intent) return [];
      const outcome = event.type === 'charge.dispute.created' ? 'open' : d.status === 'won' ? 'won' : d.status === 'lost' ? 'lost' : null;
      return outcome ? [{ type: 'payment.disputed', transactionId: intent, disputeId: d.id, amount: d.amount, reason: d.reason, outcome }] : [];
    }
    case 'refund.updated':
    case 'refund.created': {
      const r = event.data.object;
      if (r.status === 'succeeded') return [{ type: 'refund.succeeded', refundTransactionId: r.id }];
      if (r.status === 'failed' || r.status === 'canceled') return [{ type: 'refund.failed', refundTransactionId: r.id, reason: r.failure_reason ?? r.status }];
      return [];
    }
    default:
      return [];
  }
}
