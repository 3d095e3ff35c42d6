// GraphQL operations as metrics and on the request's log line: a request watcher (request-plugins.ts)
// counting each HTTP operation by name (never its text), kind and outcome, with its duration; and the open graphql-ws
// subscriptions, counted from the moment one starts to the moment it ends however it ends.
import type { RequestWatcher } from './request-plugins.js';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Metrics } from './metrics.js';
import { requestScope } from './request-scope.js';

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

export function operationName(requested: unknown, resolved: string | null | undefined, document: DocumentNode | undefined): string {
  if (resolved) return resolved;
  if (typeof requested === 'string' && NAME.test(requested)) return requested;
  const op = document ? safeOperation(document, undefined) : null;
  return op?.name?.value ?? 'anonymous';
}

/** The operation's kind: query, mutation or subscription (`unknown` when the document could not be read). */
export function operationKind(document: DocumentNode | undefined, name: string | null | undefined): string {
  return (document ? safeOperation(document, name ?? undefined) : null)?.operation ?? 'unknown';
}

function safeOperation(document: DocumentNode, name: string | undefined) {
  try {
    return getOperationAST(document, name);
  } catch {
    return null;
  }
}

export function graphqlMetrics<C extends object>(metrics: Metrics): RequestWatcher<C> {
  return {
    requestDidStart() {
      const started = performance.now();
      return {
        didResolveOperation({ operationName: resolved, request, document }) {
          const scope = requestScope.current();
          if (scope) scope.operation = operationName(request.operationName, resolved, document);
        },
        willSendResponse({ response, operation, operationName: resolved, request, document }) {
          const name = operationName(request.operationName, resolved, document);
          const scope = requestScope.current();
          if (scope) scope.operation = name;
          const kind = operation?.operation ?? operationKind(document, request.operationName);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          const code = errors?.length ? String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'ok';
          metrics.operation(name, kind, code, (performance.now() - started) / 1000);
        },
      };
    },
  };
}

/**
 * The subscription's stream, counted in `ordo_subscriptions_open` until it ends: the client completes
 * it, the socket closes, the stream finishes or fails. Not an async generator: `return()` must reach
 * the source at once, not after its next event.
 */
export function countedSubscription<T>(source: AsyncIterator<T> & AsyncIterable<T>, metrics: Metrics): AsyncGenerator<T> {
  metrics.subscriptionsOpen.inc();
  let open = true;
  const end = () => {
    if (!open) return;
    open = false;
    metrics.subscriptionsOpen.dec();
  };
  const it = {
    async next(...args: [] | [unknown]) {
      try {
        const r = await source.next(...args);
        if (r.done) end();
        return r;
      } catch (e) {
        end();
        throw e;
      }
    },
    async return(value?: any) {
      end();
      return source.return ? source.return(value) : { done: true, value };
    },
    async throw(e?: unknown) {
      end();
      if (source.throw) return source.throw(e);
      throw e;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  } as AsyncGenerator<T>;
  return it;
}
