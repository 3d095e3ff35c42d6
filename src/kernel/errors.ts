// The error codes of the contract. Services throw OrdoError; anything else is masked at the edge.
import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INSUFFICIENT_STOCK'
  | 'PAYMENT_DECLINED'
  | 'INVALID_STATE_TRANSITION'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'INTERNAL_SERVER_ERROR';

export class OrdoError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code, ...details } });
    this.code = code;
    this.name = 'OrdoError';
  }
}

/** `field` names the input (kept for older clients); `fields` lists it the way validation errors do. */
export const badInput = (message: string, field?: string) =>
  new OrdoError('BAD_USER_INPUT', message, field ? { field, fields: [{ path: field, message }] } : undefined);
export const notFound = (what: string) => new OrdoError('NOT_FOUND', `${what} was not found.`);

export function isOrdoError(e: unknown): e is OrdoError {
  return e instanceof OrdoError;
}
