// Who is asking, and the one helper every resolver (query, mutation, subscription) uses to check it.
import { createHash } from 'node:crypto';
import { OrdoError } from './errors.js';

export type AdminRole = 'superadmin' | 'catalog' | 'inventory' | 'orders' | 'settings' | 'operations';
/** Every role a key or staff member can hold (`docs/permissions.md` says what each may call). */
export const ADMIN_ROLES: readonly AdminRole[] = ['superadmin', 'catalog', 'inventory', 'orders', 'settings', 'operations'];

/**
 * An admin is an API key or a signed-in staff member (`staffId` set; `keyId` is then the staff id).
 * `channelIds` set: the principal works on those channels' orders, returns and invoices only, and on
 * nothing shared by every channel (catalog, stock, settings, keys). Unset: every channel.
 */
export type AdminPrincipal = { kind: 'admin'; keyId: string; name: string; roles: AdminRole[]; staffId?: string; sessionId?: string; channelIds?: string[] | null };

export type Principal =
  | { kind: 'anonymous' }
  | AdminPrincipal
  | { kind: 'customer'; customerId: string; sessionId: string }
  | { kind: 'order'; orderId: string };

export const ANONYMOUS: Principal = { kind: 'anonymous' };
/** The engine itself acting on orders (housekeeping, a provider's webhook): named `system` in histories. */
export const SYSTEM_PRINCIPAL: Principal = { kind: 'admin', keyId: 'system', name: 'system', roles: ['orders'] };

/** Tokens are stored as SHA-256 hashes: they are long random strings, so a slow hash adds nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** What an order check needs of an order: an entity fits (its customer and channel references carry ids). */
export interface OrderRef {
  id: string;
  customer?: { id: string } | null;
  customerId?: string | null;
  channel?: { id: string } | null;
}

/**
 * `admin`: a role. `scoped`: a channel-scoped principal may call it too (the caller filters by
 * `channelScope` or checks the object's channel); `channelId`: the object's channel, checked here.
 * Without either, the operation is about what every channel shares and needs an unscoped principal.
 */
export type Need =
  | { admin: AdminRole | AdminRole[]; scoped?: boolean; channelId?: string | null }
  | { customer: true }
  | { order: OrderRef };

/** One of the roles, for principals of every channel (catalog, stock, settings, keys, the queues). */
export const admin = (...roles: AdminRole[]): Need => ({ admin: roles.length === 1 ? roles[0] : roles });
/** A role; channel-scoped principals pass too, and the caller keeps them to their channels. */
export const adminIn = (role: AdminRole): Need => ({ admin: role, scoped: true });
/** Staff work on this order (or return, invoice, payment, shipment of it): the orders role in its channel. */
export const orderStaff = (order: Pick<OrderRef, 'channel'>): Need => ({ admin: 'orders', scoped: true, channelId: order.channel?.id ?? null });
export const signedInCustomer: Need = { customer: true };
export const orderReader = (order: OrderRef): Need => ({ order });

export function isAdmin(p: Principal, role?: AdminRole): p is AdminPrincipal {
  return p.kind === 'admin' && (!role || p.roles.includes('superadmin') || p.roles.includes(role));
}

/** The channels a principal is kept to, or null for every channel (and for non-admins, whose own checks apply). */
export function channelScope(p: Principal): string[] | null {
  return p.kind === 'admin' && p.channelIds?.length ? p.channelIds : null;
}

/** True when the principal may work on the channel (an unscoped admin on every one). */
export function inChannelScope(p: Principal, channelId: string | null | undefined): boolean {
  const scope = channelScope(p);
  return !scope || (!!channelId && scope.includes(channelId));
}

export function canReadOrder(p: Principal, order: OrderRef): boolean {
  if (isAdmin(p, 'orders')) return inChannelScope(p, order.channel?.id);
  if (p.kind === 'order') return p.orderId === order.id;
  const customerId = order.customerId ?? order.customer?.id;
  if (p.kind === 'customer') return !!customerId && p.customerId === customerId;
  return false;
}

/** Who may ask about an order at all, before it is looked up: a catalog key is refused, not told "not found". */
export function mayReadOrders(p: Principal): boolean {
  return p.kind === 'customer' || p.kind === 'order' || isAdmin(p, 'orders');
}

/**
 * Before an order (or its return, invoice, payment, edit) is looked up: no token is UNAUTHENTICATED and an
 * admin without the orders role FORBIDDEN, whether the order exists or not (nothing is told about it).
 */
export function assertMayReadOrders(p: Principal): void {
  if (p.kind === 'admin' || p.kind === 'anonymous') authorize(p, adminIn('orders'));
}

/** Throws UNAUTHENTICATED without a token and FORBIDDEN with the wrong one. */
export function authorize(principal: Principal, need: Need): void {
  if (principal.kind === 'anonymous') throw new OrdoError('UNAUTHENTICATED', 'Sign in or send an API key: Authorization: Bearer <token>.');
  if ('admin' in need) {
    const roles = [need.admin].flat();
    if (!roles.some((r) => isAdmin(principal, r))) throw new OrdoError('FORBIDDEN', `This needs an admin API key or staff member with the ${roles.join(' or ')} role.`);
    if (!channelScope(principal)) return;
    if (!need.scoped) throw new OrdoError('FORBIDDEN', 'This concerns every sales channel: it needs a key or staff member that is not kept to channels.');
    if ('channelId' in need && !inChannelScope(principal, need.channelId)) throw new OrdoError('FORBIDDEN', 'That belongs to a sales channel this key or staff member does not work on.');
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
