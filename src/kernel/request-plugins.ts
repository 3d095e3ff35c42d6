// The engine's own watchers of GraphQL requests (the cache header, the request checks, metrics, tracing),
// given to Apollo as one plugin with one listener. At each of a request's hooks Apollo awaits
// `Promise.all` over every listener, and an async hook is a promise of its own: with one listener whose
// hooks return nothing unless a watcher has something to wait for, a placeOrder makes about 20 fewer
// promises, each of which on Node 20 also runs AsyncLocalStorage's promise hooks and is garbage to collect.
// Each watcher's hook still runs, in the order given; the first failure is passed on once all have run (as
// Apollo's `Promise.all` would have started them all).
import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLRequestListener } from '@apollo/server';

const HOOKS = ['didResolveSource', 'didResolveOperation', 'didEncounterErrors', 'willSendResponse'] as const;
type Hook = (typeof HOOKS)[number];

/** What a hook is called with: Apollo's request context at that point. */
type ContextOf<C extends object, K extends Hook> = Parameters<NonNullable<GraphQLRequestListener<C>[K]>>[0];

/** A listener whose hooks return nothing, or a promise only when they have something to wait for. */
export type RequestWatch<C extends object> = { [K in Hook]?: (rc: ContextOf<C, K>) => void | Promise<void> };

export interface RequestWatcher<C extends object> {
  /** Called as a request starts (synchronously); the hooks to run for it, if any. */
  requestDidStart(rc: GraphQLRequestContext<C>): RequestWatch<C> | undefined;
}

export function requestPlugins<C extends object>(watchers: readonly RequestWatcher<C>[]): ApolloServerPlugin<C> {
  return {
    async requestDidStart(rc) {
      const watches: RequestWatch<C>[] = [];
      for (const w of watchers) {
        const watch = w.requestDidStart(rc);
        if (watch) watches.push(watch);
      }
      if (!watches.length) return undefined;
      const listener: Record<string, (arg: unknown) => unknown> = {};
      for (const hook of HOOKS) {
        const fns = watches.flatMap((w) => (w[hook] ? [w[hook] as (arg: unknown) => void | Promise<void>] : []));
        if (fns.length) listener[hook] = (arg) => runAll(fns, arg);
      }
      return listener as GraphQLRequestListener<C>;
    },
  };
}

function runAll(fns: readonly ((arg: unknown) => void | Promise<void>)[], arg: unknown): Promise<void> | undefined {
  let failure: { error: unknown } | null = null;
  let pending: Promise<void>[] | null = null;
  for (const fn of fns) {
    try {
      const r = fn(arg);
      if (r) (pending ??= []).push(r);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (pending) {
    return Promise.allSettled(pending).then((settled) => {
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure) throw failure.error;
      if (rejected) throw rejected.reason;
    });
  }
  if (failure) return Promise.reject(failure.error);
  return undefined;
}
