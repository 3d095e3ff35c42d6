// The storefront's connection to the engine: urql over HTTP for queries and mutations, graphql-ws for
// subscriptions, both sending the same credentials. A guest has none; the order page uses the order's
// access token (placeOrder returns it), as `Authorization: Bearer …` over HTTP and as the
// `authorization` connection parameter over WebSocket (the engine reads it when the socket opens).
import { Client, CombinedError, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { ENGINE_URL, ENGINE_WS_URL } from './config';

export interface LiveHooks {
  /** The socket is (again) connected: re-read what may have changed while it was away. */
  connected?: () => void;
  /** The socket dropped; graphql-ws reconnects on its own (unless the engine refused the token). */
  closed?: (refused: boolean) => void;
}

export interface Engine {
  client: Client;
  dispose(): void;
}

/** 4403 Forbidden: the engine refused the connection's token; retrying cannot help. */
const REFUSED = 4403;

export function connectEngine(token?: string, hooks: LiveHooks = {}): Engine {
  const authorization = token ? `Bearer ${token}` : undefined;
  const ws: WsClient = createWsClient({
    url: ENGINE_WS_URL,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (e) => !(e instanceof CloseEvent && e.code === REFUSED),
    on: {
      connected: () => hooks.connected?.(),
      closed: (e) => hooks.closed?.((e as CloseEvent | undefined)?.code === REFUSED),
    },
  });
  const client = new Client({
    url: ENGINE_URL,
    // POST for queries too: Apollo Server's CSRF prevention refuses a GET without a preflight header.
    preferGetMethod: false,
    // Availability, quotes and order status change on the engine: never answer from a cache.
    requestPolicy: 'network-only',
    fetchOptions: (): RequestInit => ({ headers: authorization ? { authorization } : {} }),
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}

/** A field an error names, relative to PlaceOrderInput: `input.shippingAddress.city` → `shippingAddress.city`. */
const fieldPath = (p: unknown) => (typeof p === 'string' ? p.replace(/^input\./, '') : null);

/** What went wrong, for people: the engine's messages, and per field where the engine says which. */
export function describeError(error: CombinedError): { message: string; code?: string; fields: { path: string; message: string }[]; network: boolean } {
  if (error.networkError || !error.graphQLErrors.length) {
    return { message: 'The shop could not be reached.', fields: [], network: true };
  }
  const fields: { path: string; message: string }[] = [];
  for (const e of error.graphQLErrors) {
    const ext = e.extensions as { field?: unknown; fields?: { path: unknown; message: string }[] };
    for (const f of ext.fields ?? []) {
      const path = fieldPath(f.path);
      if (path) fields.push({ path, message: f.message });
    }
    const one = fieldPath(ext.field);
    if (one && !fields.some((f) => f.path === one)) fields.push({ path: one, message: e.message });
  }
  const code = error.graphQLErrors[0].extensions?.code;
  return { message: error.graphQLErrors.map((e) => e.message).join(' '), code: typeof code === 'string' ? code : undefined, fields, network: false };
}
