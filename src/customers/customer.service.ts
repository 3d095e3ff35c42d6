import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError } from '../kernel/errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../kernel/password.js';
import { hashToken } from '../kernel/auth.js';
import { randomToken } from '../kernel/ids.js';
import { Customer } from './customer.entity.js';
import { CustomerSession } from './customer-session.entity.js';
import type { RegisterCustomerInput } from './customer.inputs.js';

export interface AuthResult {
  token: string;
  customer: Customer;
}

export class CustomerService {
  constructor(private readonly app: AppRuntime) {}

  async register(em: Em, input: RegisterCustomerInput): Promise<AuthResult> {
    const customer = em.create(Customer, {
      email: input.email.trim().toLowerCase(), name: input.name ?? null, passwordHash: await hashPassword(input.password),
    });
    try {
      await em.persistAndFlush(customer);
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new OrdoError('CONFLICT', 'An account with this email exists already: sign in instead.');
      throw e;
    }
    return { customer, token: await this.createSession(em, customer) };
  }

  async login(em: Em, email: string, password: string): Promise<AuthResult> {
    const customer = await em.findOne(Customer, { email: email.trim().toLowerCase() });
    const ok = await verifyPassword(password, customer?.passwordHash ?? DUMMY_HASH);
    if (!customer || !ok) throw new OrdoError('UNAUTHENTICATED', 'The email or the password is wrong.');
    return { customer, token: await this.createSession(em, customer) };
  }

  /** A session token (`cs_…`); only its SHA-256 is kept. auth's TokenService turns it into a principal. */
  private async createSession(em: Em, customer: Customer): Promise<string> {
    const token = randomToken('cs');
    const expiresAt = new Date(Date.now() + this.app.config.customerSessionDays * 86_400_000);
    em.persist(em.create(CustomerSession, { customer, tokenHash: hashToken(token), expiresAt }));
    await em.flush();
    return token;
  }

  byId(em: Em, id: string): Promise<Customer | null> {
    return em.findOne(Customer, { id });
  }
}
