// What a payment provider implements. The built-in providers answer in-process; a remote provider
// (a card gateway) gets the idempotency key so that a retried call does not charge twice.

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
  | { outcome: 'pending'; transactionId?: string }
  | { outcome: 'declined'; reason: string };

export interface PaymentProvider {
  code: string;
  /** Checks the request before anything is written (a missing token, say); throws BAD_USER_INPUT. */
  validate?(req: { token?: string | null }): void;
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult>;
  void(transactionId: string | null | undefined): Promise<void>;
}
