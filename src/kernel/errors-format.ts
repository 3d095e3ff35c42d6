// Errors at the edge: OrdoErrors and GraphQL's own input errors go out with their contract code;
// anything else is logged with an id and answered as INTERNAL_SERVER_ERROR with that id only.
import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { Logger } from './logger.js';
import { OrdoError } from './errors.js';

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INSUFFICIENT_STOCK', 'PAYMENT_DECLINED',
  'INVALID_STATE_TRANSITION', 'CONFLICT', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX',
]);
/** Apollo's and graphql-js's own codes for a malformed request become the contract's BAD_USER_INPUT. */
const INPUT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED']);

export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof OrdoError) {
      return { message: original.message, path: formatted.path, locations: formatted.locations, extensions: { ...original.extensions } };
    }
    if (original instanceof ArgumentValidationError) {
      const problems = original.extensions.validationErrors as { property: string; constraints?: Record<string, string>; children?: unknown[] }[] | undefined;
      const messages = flatten(problems ?? []);
      return {
        message: `Invalid input: ${messages.join('; ') || 'check the arguments'}.`,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    // Apollo re-codes validation errors (ours: QUERY_TOO_COMPLEX) as GRAPHQL_VALIDATION_FAILED; the original keeps ours.
    const innerCode = (error as { originalError?: { extensions?: { code?: unknown } } })?.originalError?.extensions?.code;
    const code = String(CLIENT_CODES.has(String(innerCode)) ? innerCode : (formatted.extensions?.code ?? ''));
    if (CLIENT_CODES.has(code)) return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions: { code } };
    if (INPUT_CODES.has(code) || (!code && !formatted.path)) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const errorId = randomUUID();
    log.error({ errorId, err: original }, 'unexpected error');
    return { message: `Internal error; reference ${errorId}.`, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } };
  };
}

function flatten(errors: { property: string; constraints?: Record<string, string>; children?: unknown[] }[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten((e.children ?? []) as typeof errors, path)];
  });
}
