// Errors at the edge: OrdoErrors and GraphQL's own input errors go out with their contract code (input
// errors also list the failing fields, field-errors.ts); anything else is logged with an id and answered
// as INTERNAL_SERVER_ERROR with that id only. The formatter itself cannot fail: if it throws, that is
// logged and answered the same way, with a reference.
import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { Logger } from './logger.js';
import { OrdoError } from './errors.js';
import { fieldsOf, validationProblems, type FieldProblem } from './field-errors.js';
import { requestScope } from './request-scope.js';

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INSUFFICIENT_STOCK', 'PAYMENT_DECLINED',
  'INVALID_STATE_TRANSITION', 'CONFLICT', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX',
  // Automatic persisted queries: a client (Apollo's PersistedQueryLink) retries with the full query on
  // NOT_FOUND and stops hashing on NOT_SUPPORTED, recognising both by these codes.
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
]);
/** Apollo's and graphql-js's own codes for a malformed request become the contract's BAD_USER_INPUT. */
const INPUT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Requests refused for their size rather than their meaning: the parser's token bound, the parser's own
 * recursion running out on a hostile nesting, and graphql-js's overlap check giving up on too many
 * repeated fields. Each as QUERY_TOO_COMPLEX with a message that says what to change.
 */
function sizeProblem(message: string): string | null {
  const tokens = /Document contains more (?:than|that) (\d+) tokens/.exec(message);
  if (tokens) return `The query has more than ${tokens[1]} tokens (names, punctuation, values); at most ${tokens[1]} are allowed.`;
  if (/Maximum call stack size exceeded/.test(message)) return 'The query is nested too deeply to read.';
  if (/^(Too many validation errors, error limit reached\. )?Validation aborted\.$/.test(message)) return 'The query repeats fields too many times to check; select each field once.';
  return null;
}

const INTROSPECTION_OFF = /introspection is not allowed/i;
/**
 * Refusals of a malformed request that Apollo and graphql-js send without a code: a persisted-query
 * hash that does not match, an unknown APQ version, and graphql-js giving up after 50 bad variables.
 */
const UNCODED_INPUT = /^(provided sha does not match query|Unsupported persisted query version|Too many errors processing variables, error limit reached\. Execution aborted\.)$/;

export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    try {
      return format(formatted, error, log);
    } catch (formattingError) {
      return internal(log, formatted, { formattingError, error });
    }
  };
}

function format(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof OrdoError) {
    const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
    return { message: original.message, path: formatted.path, locations: formatted.locations, extensions };
  }
  if (original instanceof ArgumentValidationError) {
    const problems = fieldsOf(error) ?? validationProblems(original.extensions?.validationErrors);
    // Not a list of problems: a validator threw (a bug to look at), not a verdict on the input.
    if (!problems) return internal(log, formatted, { err: original });
    return {
      message: `Invalid input: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ') || 'check the arguments'}.`,
      path: formatted.path,
      extensions: { code: 'BAD_USER_INPUT', fields: problems },
    };
  }
  // Apollo re-codes validation errors (ours: QUERY_TOO_COMPLEX) as GRAPHQL_VALIDATION_FAILED; the original keeps ours.
  const inner = (error as { originalError?: { extensions?: Record<string, unknown> } })?.originalError?.extensions;
  const innerCode = inner?.code;
  let code = String(CLIENT_CODES.has(String(innerCode)) ? innerCode : (formatted.extensions?.code ?? ''));
  let message = formatted.message;
  if (UNCODED_INPUT.test(message) && !formatted.path) code = 'BAD_REQUEST';
  const tooBig = INPUT_CODES.has(code) ? sizeProblem(message) : null;
  if (tooBig) {
    code = 'QUERY_TOO_COMPLEX';
    message = tooBig;
  }
  const fields = fieldsOf(error) ?? asFields(inner?.fields) ?? asFields(formatted.extensions?.fields);
  if (CLIENT_CODES.has(code)) {
    return { message, path: formatted.path, locations: formatted.locations, extensions: { code, ...(fields ? { fields } : {}) } };
  }
  if (INPUT_CODES.has(code) || (!code && !formatted.path)) {
    if (INTROSPECTION_OFF.test(message)) message = 'Introspection (__schema, __type) is turned off on this server.';
    return { message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT', ...(fields ? { fields } : {}) } };
  }
  return internal(log, formatted, { err: original });
}

function asFields(v: unknown): FieldProblem[] | undefined {
  return Array.isArray(v) && v.every((f) => f && typeof f.path === 'string' && typeof f.message === 'string') ? (v as FieldProblem[]) : undefined;
}

/**
 * Logged with an id; the client gets the id only. Logging itself must not throw either. Within an HTTP
 * request the id is the request's (its `x-request-id`), so the client's own id finds the log lines.
 */
function internal(log: Logger, formatted: GraphQLFormattedError, details: Record<string, unknown>): GraphQLFormattedError {
  const errorId = requestScope.current()?.requestId ?? randomUUID();
  try {
    log.error({ errorId, ...details }, 'unexpected error');
  } catch {
    try {
      log.error({ errorId }, 'unexpected error (its details could not be logged)');
    } catch {
      // nothing more to do: the reference still goes out
    }
  }
  let path: GraphQLFormattedError['path'];
  try {
    path = formatted?.path;
  } catch {
    path = undefined;
  }
  return { message: `Internal error; reference ${errorId}.`, path, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } };
}
