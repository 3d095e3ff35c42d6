// What a payment provider implements. The built-in providers answer in-process; a remote provider
// (a card gateway) gets an idempotency key on every call so that a retried call does not charge,
// capture or refund twice. Asynchronous answers (a refund settled later, a bank transfer received)
// arrive through `webhook`, mounted at POST /payments/webhooks/<code>.

export interface AuthorizeRequest {
  amount: number;
  currencyCode: string;
  token?: string | null;
  /** Stable for one order attempt: retries of the same placement reuse it. */
  idempotencyKey: string;
  email: string;
}

export type AuthorizeResult =
  | { outcome: 'authorized'; transactionId: string }
  /** Not decided yet: money to arrive (manual), or a step the buyer takes first (3-D Secure: `nextAction`). */
  | { outcome: 'pending'; transactionId?: string; nextAction?: PaymentNextActionData }
  | { outcome: 'declined'; reason: string };

export interface CaptureRequest {
  /** The authorization's transaction id (null for methods without one, such as manual). */
  transactionId: string | null | undefined;
  amount: number;
  currencyCode: string;
  /** Stable for one capture: a retried capture job sends the same key. */
  idempotencyKey: string;
  /**
   * False: more captures will follow on this authorization (policy PER_SHIPMENT, a shipment that is not
   * the order's last), so the provider keeps the rest authorized (Stripe: `final_capture: false` on an
   * intent created with multicapture). Missing or true: the last capture, the provider releases what is
   * left. Providers that can capture an authorization once only ignore it (and should say `closed`).
   */
  final?: boolean;
  /**
   * With `final: false` only: what to capture instead, in one final capture, when this authorization turns
   * out to allow one capture only (a card without multicapture): everything the order still owes from this
   * payment, so that the shipments still to come are not left unpaid. The answer then says `amount` and `closed`.
   */
  onceAmount?: number;
}

export type CaptureResult =
  | {
    outcome: 'captured'; transactionId?: string | null;
    /** What was captured, when it is not the amount asked (`onceAmount`). */
    amount?: number;
    /** The authorization is closed by this capture although `final` was false: nothing more can be captured from it, its rest is released. */
    closed?: boolean;
  }
  | { outcome: 'failed'; reason: string };

export interface ReleaseRequest {
  /** The authorization's transaction id. */
  transactionId: string | null | undefined;
  /** What is left of it (authorized, not captured). */
  amount: number;
  currencyCode: string;
  /** Stable for one release: a retried job sends the same key. */
  idempotencyKey: string;
}

export interface RefundRequest {
  /** The capture's transaction id (or the authorization's when the provider captures on it). */
  transactionId: string | null | undefined;
  amount: number;
  currencyCode: string;
  reason?: string | null;
  idempotencyKey: string;
}

export type RefundResult =
  | { outcome: 'succeeded'; transactionId?: string | null }
  /** Settled later: the provider reports the end through its webhook (refund.succeeded / refund.failed). */
  | { outcome: 'pending'; transactionId: string }
  | { outcome: 'failed'; reason: string };

/** What a provider's webhook tells the engine; transaction ids are the provider's. */
export type PaymentWebhookEvent =
  | { type: 'refund.succeeded'; refundTransactionId: string }
  | { type: 'refund.failed'; refundTransactionId: string; reason?: string }
  /** Money arrived for a payment (a bank transfer matched to its authorization / reference). */
  | { type: 'payment.captured'; transactionId: string; amount?: number }
  /** A pending authorization succeeded (the buyer completed the provider's step). */
  | { type: 'payment.authorized'; transactionId: string }
  /** A pending authorization failed for good (the buyer's step failed or was abandoned). */
  | { type: 'payment.failed'; transactionId: string; reason?: string }
  /** The buyer's bank disputes a captured payment (a chargeback): opened, or closed won or lost. */
  | { type: 'payment.disputed'; transactionId: string; disputeId: string; amount: number; reason?: string; outcome: 'open' | 'won' | 'lost' };

/** What the storefront must do before a pending payment can be authorized (Payment.nextAction). */
export interface PaymentNextActionData {
  /** The provider's name of the step, for example use_stripe_sdk or redirect_to_url. */
  type: string;
  /** For the provider's client library (Stripe.js: the PaymentIntent's client secret). */
  clientSecret?: string | null;
  /** Where to send the buyer, for redirect steps. */
  redirectUrl?: string | null;
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, for signature checks. */
  rawBody: Buffer;
}

export interface PaymentProvider {
  code: string;
  /**
   * True when `authorize` answers without leaving the process (no network call). Only such orders share
   * a transaction with other orders (placeOrder's group commit, orders/placement-batches.ts): an order
   * waiting on a gateway keeps its own, so that nobody else's order waits on that gateway with it.
   */
  local?: boolean;
  /** Checks the request before anything is written (a missing token, say); throws BAD_USER_INPUT. */
  validate?(req: { token?: string | null }): void;
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult>;
  capture(req: CaptureRequest): Promise<CaptureResult>;
  void(transactionId: string | null | undefined): Promise<void>;
  /**
   * Optional: releases what is left of an authorization that was captured in part with `final: false`
   * and is not captured further (PER_SHIPMENT: the order's last shipment took less than the rest, or the
   * rest was cancelled). Without it the rest stays held until the authorization expires at the provider.
   * The captured money stays captured. Releasing twice must be harmless.
   */
  release?(req: ReleaseRequest): Promise<void>;
  refund(req: RefundRequest): Promise<RefundResult>;
  /**
   * Verifies and reads an asynchronous answer. Throw to refuse it (the route answers 400); return the
   * events it carries (possibly none). Each event is applied idempotently.
   */
  webhook?(req: WebhookRequest): Promise<PaymentWebhookEvent[]>;
}
