// CORS for /graphql: which browser origins may call the API (ORDO_CORS_ORIGINS). Clients authenticate
// with bearer tokens, not cookies, so credentials are never allowed; a preflight is cached by the
// browser for ten minutes. Unset, no CORS header is sent at all: only pages of the same origin can call.
// Apollo's CSRF prevention stays on for simple (non-preflighted) requests either way.
import cors from 'cors';
import type { RequestHandler } from 'express';

/** Headers a storefront sends: auth, JSON, and what Apollo Client adds (CSRF opt-in, operation name, client awareness). */
export const CORS_ALLOWED_HEADERS = [
  'authorization', 'content-type', 'accept', 'apollo-require-preflight', 'x-apollo-operation-name',
  'apollographql-client-name', 'apollographql-client-version',
];
export const CORS_MAX_AGE_SECONDS = 600;

export function corsMiddleware(origins: string[] | '*' | undefined): RequestHandler | null {
  if (!origins) return null;
  const allowed = origins === '*' ? null : new Set(origins);
  return cors({
    // A request from an origin not on the list gets no CORS header: the browser refuses to hand the
    // answer to that page (and refuses the preflight, so a mutation is never even sent).
    origin: allowed ? (origin, done) => done(null, !!origin && allowed.has(origin.toLowerCase())) : '*',
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
}
