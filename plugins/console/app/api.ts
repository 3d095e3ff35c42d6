// The console's GraphQL client: urql over HTTP for queries and mutations, graphql-ws for subscriptions,
// both to this engine (same origin) with the session's bearer token.
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { useEffect, useState } from 'preact/hooks';

/** Whether the live connection is up; pages read it again after a reconnect (what they missed meanwhile). */
let connected = false;
const listeners = new Set<(up: boolean) => void>();
function setConnected(up: boolean): void {
  connected = up;
  for (const l of listeners) l(up);
}

export function useLive(): boolean {
  const [up, setUp] = useState(connected);
  useEffect(() => {
    listeners.add(setUp);
    return () => void listeners.delete(setUp);
  }, []);
  return up;
}

export function apiClient(token: string): { client: Client; close: () => void } {
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const ws = createWsClient({
    url: wsUrl, connectionParams: { authorization: `Bearer ${token}` }, lazy: true, retryAttempts: 20,
    on: { connected: () => setConnected(true), closed: () => setConnected(false) },
  });
  const client = new Client({
    url: '/graphql',
    // The page keeps what it shows current itself (subscriptions, refetches): no normalized cache.
    requestPolicy: 'cache-and-network',
    // POST with a JSON body: the engine refuses a GET query without a preflight header (CSRF prevention).
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
        },
      }),
    ],
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
  });
  return { client, close: () => void ws.dispose() };
}

/** The first error's message, for the page to show beside what failed. */
export function problem(error: { graphQLErrors?: { message: string }[]; networkError?: Error; message?: string } | undefined): string | null {
  if (!error) return null;
  return error.graphQLErrors?.[0]?.message ?? error.networkError?.message ?? error.message ?? 'Something went wrong.';
}
