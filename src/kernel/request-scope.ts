// What the engine knows about the HTTP request it is serving, reachable from anywhere in its async call
// chain: the request id (sent by the client or made here), the operation and who asks. The request log
// line, the log lines written meanwhile and the masked error references read it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Principal } from './auth.js';

export interface RequestScope {
  requestId: string;
  /** The GraphQL operation's name (`anonymous` without one), once known. */
  operation?: string;
  /** staff, customer, order-token or anonymous, once the token is read. */
  principal?: PrincipalKind;
}

export type PrincipalKind = 'staff' | 'customer' | 'order-token' | 'anonymous';

const storage = new AsyncLocalStorage<RequestScope>();

/** A client's `x-request-id` is kept when it looks like an id: at most 128 of [A-Za-z0-9._-]. */
const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_ID.test(header) ? header : randomUUID();
}

export function principalKind(p: Principal): PrincipalKind {
  if (p.kind === 'admin') return 'staff';
  if (p.kind === 'order') return 'order-token';
  return p.kind;
}

export const requestScope = {
  run<T>(scope: RequestScope, fn: () => T): T {
    return storage.run(scope, fn);
  },
  current(): RequestScope | undefined {
    return storage.getStore();
  },
};
