// HTTP requests and GraphQL operations as spans, when tracing is on (kernel/tracing.ts; nothing is added
// otherwise). Each request gets a server span (continuing a caller's `traceparent` header); a /graphql
// request also gets a child span for its operation, active while Apollo runs it, so the operation's SQL
// and the outbox events it records are its children. Its request watcher names that span after the
// operation (`mutation PlaceOrder`; `anonymous` without a name) once it is known. Only the method, path,
// route, status and operation name and kind are recorded: no headers, query string, variables or body.
import type { RequestWatcher } from './request-plugins.js';
import type { Express, Request, Response } from 'express';
import type * as Api from '@opentelemetry/api';
import { contextOf, tracing } from './tracing.js';
import { operationName } from './metrics-graphql.js';

const GRAPHQL_PATH = '/graphql';
/** Probes and scrapes come every few seconds and say nothing about an order: no spans. */
const UNTRACED = new Set(['/health', '/ready', '/metrics']);
const operationSpans = new WeakSet<Api.Span>();

/** Puts the request middleware first on `app` (nothing when tracing is off); whether it did. */
export function traceRequests(app: Express): boolean {
  const o = tracing();
  if (!o) return false;
  const { api } = o;
  app.use((req: Request, res: Response, next) => {
    if (UNTRACED.has(req.path)) return next();
    const parent = api.propagation.extract(contextOf(o, null), req.headers);
    const span = o.tracer.startSpan(`${req.method}`, {
      kind: api.SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.path.slice(0, 200), 'url.scheme': req.protocol },
    }, parent);
    let ctx = api.trace.setSpan(parent, span);
    let operation: Api.Span | null = null;
    if (req.path === GRAPHQL_PATH) {
      operation = o.tracer.startSpan('graphql', { attributes: { 'graphql.operation.name': 'unknown' } }, ctx);
      operationSpans.add(operation);
      ctx = api.trace.setSpan(ctx, operation);
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = (req.route as { path?: unknown } | undefined)?.path ?? (operation ? GRAPHQL_PATH : undefined);
      if (typeof route === 'string') {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute('ordo.http.aborted', true);
      operation?.end();
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    // Body parsers read in event callbacks, which lose the async context: bound here, they run in it.
    api.context.bind(ctx, req);
    api.context.bind(ctx, res);
    api.context.with(ctx, next);
  });
  return true;
}

/** The request watcher that names the operation's span (none when tracing is off). */
export function graphqlTracing<C extends object>(): RequestWatcher<C>[] {
  const o = tracing();
  if (!o) return [];
  return [{
    requestDidStart() {
      const span = o.api.trace.getActiveSpan();
      if (!span || !operationSpans.has(span)) return undefined;
      return {
        didResolveOperation({ operationName: resolved, request, document, operation }) {
          const name = operationName(request.operationName, resolved, document);
          const kind = operation?.operation ?? 'unknown';
          span.updateName(`${kind} ${name}`);
          span.setAttributes({ 'graphql.operation.name': name, 'graphql.operation.type': kind });
        },
        willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          if (!errors?.length) return;
          const code = String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR');
          span.setAttribute('ordo.graphql.error_code', code);
          span.setStatus({ code: o.api.SpanStatusCode.ERROR, message: code });
        },
      };
    },
  }];
}
