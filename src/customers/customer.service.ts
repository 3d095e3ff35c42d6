import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../kernel/password.js';
import { hashToken } from '../kernel/auth.js';
import { randomToken } from '../kernel/ids.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { clientIp, RateLimits, signInThrottle } from '../kernel/rate-limit.js';
import { Customer } from './customer.entity.js';
import { CustomerSession } from './customer-session.entity.js';
import type { RegisterCustomerInput } from './customer.inputs.js';

/** Where a sign-in came from: kept on the session for the customer's sessions list. */
export interface SignInClient {
  ip?: string;
  userAgent?: string;
}

export interface AuthResult {
  token: string;
  customer: Customer;
}

/** How long a password reset link works. */
export const PASSWORD_RESET_MINUTES = 60;

export class CustomerService {
  constructor(private readonly app: AppRuntime) {}

  /**
   * Throttled (ORDO_LOGIN_*): every attempt takes a point from the client's IP and from the address, in
   * their own counters (a flood of sign-ups, or probing which addresses have accounts).
   */
  async register(em: Em, input: RegisterCustomerInput, ip?: string, userAgent?: string): Promise<AuthResult> {
    const email = input.email.trim().toLowerCase();
    const at = clientIp(ip);
    if (at) await this.limit('register:ip', 'loginLimitPerIp', 'sign-ups from this address').take(at);
    await this.limit('register:email', 'loginLimitPerEmail', 'sign-ups for this email').take(hashToken(email));
    const customer = em.create(Customer, {
      email, name: input.name ?? null, passwordHash: await hashPassword(input.password),
    });
    try {
      await em.persistAndFlush(customer);
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new OrdoError('CONFLICT', 'An account with this email exists already: sign in instead.');
      throw e;
    }
    return { customer, token: await this.createSession(em, customer, { ip, userAgent }) };
  }

  /** Throttled (kernel/rate-limit.ts `signInThrottle`, ORDO_LOGIN_*): RATE_LIMITED before the password is checked. */
  async login(em: Em, email: string, password: string, ip?: string, userAgent?: string): Promise<AuthResult> {
    const address = email.trim().toLowerCase();
    const throttle = signInThrottle(this.app, 'login');
    await throttle.attempt(address, ip);
    const customer = await em.findOne(Customer, { email: address });
    const ok = await verifyPassword(password, customer?.passwordHash ?? DUMMY_HASH);
    if (!customer || !ok) {
      await throttle.failed(ip);
      throw new OrdoError('UNAUTHENTICATED', 'The email or the password is wrong.');
    }
    await throttle.succeeded(address);
    return { customer, token: await this.createSession(em, customer, { ip, userAgent }) };
  }

  /**
   * A customer who forgot their password asks for a reset: always true (whether an account exists is not
   * told), throttled like sign-up (per IP and per email, ORDO_LOGIN_*). For an account, the event
   * `customer.password_reset_requested` is recorded: notifications mails the link, and only then is the
   * token made (`issuePasswordReset`), so no token is ever stored or queued in the clear.
   */
  async requestPasswordReset(em: Em, email: string, ip?: string): Promise<boolean> {
    const address = email.trim().toLowerCase();
    if (!address || address.length > 320) throw badInput('Give the email address of the account.', 'email');
    const at = clientIp(ip);
    if (at) await this.limit('reset:ip', 'loginLimitPerIp', 'password reset requests from this address').take(at);
    await this.limit('reset:email', 'loginLimitPerEmail', 'password reset requests for this email').take(hashToken(address));
    const customer = await em.findOne(Customer, { email: address });
    if (customer) {
      recordEvent(em, 'customer.password_reset_requested', { customerId: customer.id }, customer.id);
      await em.flush();
    }
    return true;
  }

  /** A fresh reset token for the customer (the one before stops working), valid PASSWORD_RESET_MINUTES. */
  async issuePasswordReset(em: Em, customerId: string): Promise<{ customer: Customer; token: string; expiresAt: Date } | null> {
    const customer = await em.findOne(Customer, { id: customerId });
    if (!customer) return null;
    const token = randomToken('pr');
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_MINUTES * 60_000);
    await em.nativeUpdate(Customer, { id: customerId }, { passwordResetHash: hashToken(token), passwordResetExpiresAt: expiresAt });
    return { customer, token, expiresAt };
  }

  /** Sets a new password with a reset token (once): every session of the account ends, and a new one begins. */
  async resetPassword(em: Em, token: string, password: string, client: SignInClient = {}): Promise<AuthResult> {
    if (password.length < 8 || password.length > 200) throw badInput('password needs at least 8 characters (at most 200).', 'password');
    const passwordHash = await hashPassword(password);
    const invalid = () => new OrdoError('UNAUTHENTICATED', 'The reset link is not valid (unknown, used or expired): ask for a new one.');
    const customer = await em.findOne(Customer, { passwordResetHash: hashToken(token), passwordResetExpiresAt: { $gt: new Date() } });
    if (!customer) throw invalid();
    return em.transactional(async (tx) => {
      // The token is claimed by a conditional update: of two requests with it at once, one wins.
      const claimed = await tx.nativeUpdate(Customer, { id: customer.id, passwordResetHash: hashToken(token) }, { passwordResetHash: null, passwordResetExpiresAt: null, passwordHash });
      if (!claimed) throw invalid();
      await tx.nativeUpdate(CustomerSession, { customer: customer.id, revokedAt: null }, { revokedAt: new Date() });
      return { customer: await tx.findOneOrFail(Customer, { id: customer.id }, { refresh: true }), token: await this.createSession(tx, customer, client) };
    });
  }

  private limit(name: string, points: 'loginLimitPerEmail' | 'loginLimitPerIp', what: string) {
    const { config } = this.app;
    return this.app.service(RateLimits).limiter(name, { points: config[points], windowSeconds: config.loginWindowSeconds }, what);
  }

  /** A session token (`cs_…`); only its SHA-256 is kept. auth's TokenService turns it into a principal. */
  private async createSession(em: Em, customer: Customer, client: SignInClient = {}): Promise<string> {
    const token = randomToken('cs');
    const expiresAt = new Date(Date.now() + this.app.config.customerSessionDays * 86_400_000);
    const ip = clientIp(client.ip)?.slice(0, 64) ?? null;
    em.persist(em.create(CustomerSession, { customer, tokenHash: hashToken(token), expiresAt, ip, userAgent: client.userAgent?.slice(0, 300) || null }));
    await em.flush();
    return token;
  }

  byId(em: Em, id: string): Promise<Customer | null> {
    return em.findOne(Customer, { id });
  }
}
