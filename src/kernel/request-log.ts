// One log line per HTTP request, when it ends: method, path (no query string), status, duration, the
// GraphQL operation's name and the kind of principal, under the request's id. The id is the client's
// `x-request-id` when it looks like one, else made here; it is echoed in the response, carried by every
// line logged while the request runs (logger.ts) and by masked error references (errors-format.ts).
// Nothing else of the request is written: no headers (Authorization, cookies), no body (variables,
// passwords, addresses). Health probes log at debug only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from './logger.js';
import { requestIdFrom, requestScope, type RequestScope } from './request-scope.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request's id, set by requestLog (the type pino-http gave it). */
    id: number | string | object;
  }
}

const PROBES = new Set(['/health', '/ready']);

/** The path asked for (express strips a mount point from `req.url`, not from `originalUrl`), without its query string. */
const pathOf = (req: IncomingMessage) => ((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/').split('?')[0].slice(0, 200);
const scopeOf = (res: ServerResponse) => (res as ServerResponse & { ordoScope?: RequestScope }).ordoScope;

/** Only what the line needs: nothing a client sent is serialized wholesale, even if some code logs `req`. */
const serializers = {
  req: (req: IncomingMessage) => ({ method: req.method, path: pathOf(req) }),
  res: (res: ServerResponse) => ({ status: res.statusCode }),
};

/** What a line must never show, should a line hold such a field after all. */
const REDACT = [
  'authorization', 'cookie', 'password', 'token', 'accessToken', 'variables', 'address', 'shippingAddress', 'billingAddress',
  '*.authorization', '*.cookie', '*.password', '*.token', '*.accessToken', '*.variables', '*.address', '*.shippingAddress', '*.billingAddress',
  'req.headers', 'headers.authorization', 'headers.cookie',
];

/**
 * The line pino-http would write (same logger options, fields, levels and messages: a child logger bound
 * to the request id, `request completed` / `request aborted` / `request failed`), without its per-request
 * cost: pino-http made two child loggers for every request, one serializing the request, whether or not
 * the line's level was enabled. Here the id is set and echoed at once, and a child logger is made only
 * when the line is written.
 */
export function requestLog(log: Logger): RequestHandler[] {
  const lines = log.child({}, { serializers, redact: { paths: REDACT, censor: '[redacted]' } });
  const logLine: RequestHandler = (req, res, next) => {
    const id = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', id);
    req.id = id;
    const started = Date.now();
    const done = (err?: unknown) => {
      res.removeListener('close', done);
      res.removeListener('finish', done);
      res.removeListener('error', done);
      const failed = err || (res as { err?: unknown }).err || res.statusCode >= 500;
      const level = failed ? 'error' : PROBES.has(pathOf(req)) ? 'debug' : 'info';
      if (!lines.isLevelEnabled(level)) return;
      const val = { durationMs: Date.now() - started };
      const msg = failed ? 'request failed' : res.writableEnded ? 'request completed' : 'request aborted';
      lines.child({ requestId: id })[level](line(req, res, val), msg);
    };
    res.on('close', done);
    res.on('finish', done);
    res.on('error', done);
    next();
  };
  return [
    logLine,
    // Every handler after this runs in the request's scope (and each body parser enters it again: see http.ts).
    (req, res, next) => {
      const scope: RequestScope = { requestId: String(req.id) };
      (res as ServerResponse & { ordoScope?: RequestScope }).ordoScope = scope;
      requestScope.run(scope, () => next());
    },
  ];
}

/** Runs the rest of the chain in the request's scope again (after a body parser, whose callbacks lose it). */
export const inRequestScope: RequestHandler = (_req, res, next) => {
  const scope = scopeOf(res);
  if (!scope) return next();
  requestScope.run(scope, () => next());
};

function line(req: IncomingMessage, res: ServerResponse, val: { durationMs?: number }) {
  const scope = scopeOf(res);
  return {
    method: req.method,
    path: pathOf(req),
    status: res.statusCode,
    durationMs: val.durationMs,
    ...(scope?.operation ? { operation: scope.operation } : {}),
    principal: scope?.principal ?? 'anonymous',
  };
}
