// Who is asking, and the one helper every resolver (query, mutation, subscription) uses to check it.
import { createHash } from 'node:crypto';
import { OrdoError } from './errors.js';

export type AdminRole = 'superadmin' | 'catalog' | 'inventory' | 'orders' | 'settings';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'admin'; keyId: string; name: string; roles: AdminRole[] }
  | { kind: 'customer'; customerId: string; sessionId: string }
  | { kind: 'order'; orderId: string };

export const ANONYMOUS: Principal = { kind: 'anonymous' };
/** The engine itself acting on orders (housekeeping, a provider's webhook): named `system` in histories. */
export const SYSTEM_PRINCIPAL: Principal = { kind: 'admin', keyId: 'system', name: 'system', roles: ['orders'] };

/** Tokens are stored as SHA-256 hashes: they are long random strings, so a slow hash adds nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export type Need =
  | { admin: AdminRole }
  | { customer: true }
  | { order: { id: string; customerId?: string | null } };

export const admin = (role: AdminRole): Need => ({ admin: role });
export const signedInCustomer: Need = { customer: true };
export const orderReader = (order: { id: string; customerId?: string | null }): Need => ({ order });

export function isAdmin(p: Principal, role?: AdminRole): p is Extract<Principal, { kind: 'admin' }> {
  return p.kind === 'admin' && (!role || p.roles.includes('superadmin') || p.roles.includes(role));
}

export function canReadOrder(p: Principal, order: { id: string; customerId?: string | null }): boolean {
  if (isAdmin(p, 'orders')) return true;
  if (p.kind === 'order') return p.orderId === order.id;
  if (p.kind === 'customer') return !!order.customerId && p.customerId === order.customerId;
  return false;
}

/** Throws UNAUTHENTICATED without a token and FORBIDDEN with the wrong one. */
export function authorize(principal: Principal, need: Need): void {
  if (principal.kind === 'anonymous') throw new OrdoError('UNAUTHENTICATED', 'Sign in or send an API key: Authorization: Bearer <token>.');
  if ('admin' in need) {
    if (!isAdmin(principal, need.admin)) throw new OrdoError('FORBIDDEN', `This needs an admin API key with the ${need.admin} role.`);
  } else if ('customer' in need) {
    if (principal.kind !== 'customer') throw new OrdoError('FORBIDDEN', 'This needs a signed-in customer.');
  } else if (!canReadOrder(principal, need.order)) {
    throw new OrdoError('FORBIDDEN', 'This token does not give access to that order.');
  }
}

/** A name for history entries: the admin key's name, 'customer', or 'system'. */
export function actorName(p: Principal): string {
  if (p.kind === 'admin') return p.name;
  if (p.kind === 'customer' || p.kind === 'order') return 'customer';
  return 'system';
}
