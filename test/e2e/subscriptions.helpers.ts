// Helpers of the subscription tests: a real graphql-ws client (ws for Node 20) and a collector of results.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A subscription's results collected as they come; `until` waits (bounded) for a condition on them. */
export interface Follower<T = any> {
  results: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  ended: Promise<void>;
  done: boolean;
  error?: unknown;
  until(pred: (r: Follower<T>['results']) => boolean, timeoutMs?: number): Promise<void>;
}

export function follow<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): Follower<T> {
  const f: Follower<T> = {
    results: [],
    done: false,
    ended: Promise.resolve(),
    async until(pred, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(f.results)) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; results: ${JSON.stringify(f.results)}; error: ${String(f.error)}`);
        if (f.done && !pred(f.results)) throw new Error(`subscription ended first; results: ${JSON.stringify(f.results)}; error: ${JSON.stringify(f.error)}`);
        await sleep(25);
      }
    },
  };
  f.ended = new Promise<void>((resolve) => {
    client.subscribe<T>({ query, variables }, {
      next: (r) => void f.results.push(r as never),
      error: (e) => { f.error = e; f.done = true; resolve(); },
      complete: () => { f.done = true; resolve(); },
    });
  });
  return f;
}

export function wsClient(url: string, token: string | undefined, clients: Client[]): Client {
  const c = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}) });
  clients.push(c);
  return c;
}

