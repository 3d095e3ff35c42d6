// A signed-in customer's account: profile (name, phone; email and password with the current password),
// their sessions (list, sign out, end one), and staff ending all of a customer's sessions.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { hashToken } from '../kernel/auth.js';
import { hashPassword, verifyPassword } from '../kernel/password.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { RateLimits } from '../kernel/rate-limit.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { Customer } from './customer.entity.js';
import { CustomerSession } from './customer-session.entity.js';
import type { UpdateCustomerProfileInput } from './customer-profile.inputs.js';

export class CustomerAccountService {
  constructor(private readonly app: AppRuntime) {}

  /**
   * Changes the profile. A new email or password needs the current password (checked against a per-account
   * limit, ORDO_LOGIN_PER_EMAIL per window, so a stolen session cannot guess it). A new password ends every
   * other session of the account and a pending password reset; a new email ends a pending reset too (its
   * link went to the old address). CONFLICT when another account has the email.
   */
  async updateProfile(em: Em, customerId: string, sessionId: string, input: UpdateCustomerProfileInput): Promise<Customer> {
    const customer = await em.findOne(Customer, { id: customerId });
    if (!customer) throw notFound('The customer');
    const email = input.email?.trim().toLowerCase();
    const changesEmail = !!email && email !== customer.email;
    if (changesEmail || input.newPassword) {
      if (!input.currentPassword) throw badInput('Give your current password to change the email or the password.', 'currentPassword');
      const { config } = this.app;
      await this.app.service(RateLimits).limiter('profile:password', { points: config.loginLimitPerEmail, windowSeconds: config.loginWindowSeconds }, 'password checks for this account').take(hashToken(customer.id));
      if (!(await verifyPassword(input.currentPassword, customer.passwordHash))) throw badInput('The current password is wrong.', 'currentPassword');
    }
    const passwordHash = input.newPassword ? await hashPassword(input.newPassword) : null;
    try {
      return await em.transactional(async (tx) => {
        const c = await tx.findOneOrFail(Customer, { id: customerId }, { refresh: true });
        const changed: string[] = [];
        if (input.name !== undefined) { c.name = input.name.trim() || null; changed.push('name'); }
        if (input.phone !== undefined) { c.phone = input.phone.trim() || null; changed.push('phone'); }
        if (changesEmail) { c.email = email; changed.push('email'); }
        if (passwordHash) { c.passwordHash = passwordHash; changed.push('password'); }
        if (changesEmail || passwordHash) { c.passwordResetHash = null; c.passwordResetExpiresAt = null; }
        if (passwordHash) {
          await tx.nativeUpdate(CustomerSession, { customer: customerId, revokedAt: null, id: { $ne: sessionId } }, { revokedAt: new Date() });
        }
        if (changed.length) recordEvent(tx, 'customer.profile_updated', { customerId, changed }, customerId);
        await tx.flush();
        return c;
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new OrdoError('CONFLICT', 'Another account has this email.');
      throw e;
    }
  }

  /** Signs out: the session's token is refused (UNAUTHENTICATED) from its next request on, in every process. */
  async logout(em: Em, sessionId: string): Promise<boolean> {
    return (await em.nativeUpdate(CustomerSession, { id: sessionId, revokedAt: null }, { revokedAt: new Date() })) > 0;
  }

  /** The customer's sessions that still work, newest first. */
  sessions(em: Em, customerId: string): Promise<CustomerSession[]> {
    return em.find(CustomerSession, { customer: customerId, revokedAt: null, expiresAt: { $gt: new Date() } }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /** Ends one of the customer's own sessions; NOT_FOUND for another's, an unknown or an ended one. */
  async revokeOwn(em: Em, customerId: string, id: string): Promise<boolean> {
    const n = await em.nativeUpdate(CustomerSession, { id, customer: customerId, revokedAt: null }, { revokedAt: new Date() });
    if (!n) throw notFound('The session');
    return true;
  }

  /** Staff: ends every session of a customer; the number ended. NOT_FOUND for an unknown customer. */
  async revokeAll(em: Em, customerId: string): Promise<number> {
    if (!(await em.count(Customer, { id: customerId }))) throw notFound('The customer');
    return em.nativeUpdate(CustomerSession, { customer: customerId, revokedAt: null }, { revokedAt: new Date() });
  }
}
