// The per-request (and per-subscription) context: a forked EntityManager, the principal, and the
// request's DataLoaders, created lazily so that a request that needs none pays nothing.
import type DataLoader from 'dataloader';
import type { Em } from './db/orm.js';
import type { Principal } from './auth.js';
import { ANONYMOUS, authorize, type Need } from './auth.js';
import type { AppRuntime } from './runtime.js';

export type OrdoContext = {
  app: AppRuntime;
  em: Em;
  principal: Principal;
  requestId: string;
  loaders: Map<string, DataLoader<any, any>>;
  /** The raw Authorization value, so that long-lived subscriptions can check that it is still valid. */
  authorization?: string;
  /** The client's address (express `req.ip`: the socket's, or X-Forwarded-For's behind `trust proxy`), for per-IP limits. */
  ip?: string;
  /** The client's User-Agent header (cut to 300 characters), kept on a customer's session for their sessions list. */
  userAgent?: string;
};

/**
 * An HTTP request's context. Its EntityManager is forked when something first asks for it: placeOrder's
 * path and the reads by plain SQL need none, and a fork (a copy of the configuration, an identity map, a
 * validator) was about 2 % of a small request's CPU. The getter lives on the prototype because Apollo
 * clones the context with `Object.assign` onto an object of the same prototype: an own getter would be
 * called by the clone, and the fork made anyway.
 */
export class RequestContext implements OrdoContext {
  principal: Principal = ANONYMOUS;
  loaders = new Map<string, DataLoader<any, any>>();
  /** The forked EntityManager, once asked for (an own field, so that Apollo's clone carries it). */
  forked: Em | undefined = undefined;

  constructor(
    readonly app: AppRuntime,
    readonly requestId: string,
    readonly authorization?: string,
    readonly ip?: string,
    readonly userAgent?: string,
  ) {}

  get em(): Em {
    return (this.forked ??= this.app.orm.em.fork() as Em);
  }

  set em(em: Em) {
    this.forked = em;
  }
}

export function loader<K, V>(ctx: OrdoContext, key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
  let l = ctx.loaders.get(key) as DataLoader<K, V> | undefined;
  if (!l) ctx.loaders.set(key, (l = make()));
  return l;
}

export function can(ctx: OrdoContext, need: Need): OrdoContext {
  authorize(ctx.principal, need);
  return ctx;
}
