import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db.js';
import { OrdoError } from '../kernel/errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../kernel/password.js';
import { TokenService } from '../auth/token.service.js';
import { Customer } from './customer.entity.js';
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
    return { customer, token: await this.app.service(TokenService).createSession(em, customer) };
  }

  async login(em: Em, email: string, password: string): Promise<AuthResult> {
    const customer = await em.findOne(Customer, { email: email.trim().toLowerCase() });
    const ok = await verifyPassword(password, customer?.passwordHash ?? DUMMY_HASH);
    if (!customer || !ok) throw new OrdoError('UNAUTHENTICATED', 'The email or the password is wrong.');
    return { customer, token: await this.app.service(TokenService).createSession(em, customer) };
  }

  byId(em: Em, id: string): Promise<Customer | null> {
    return em.findOne(Customer, { id });
  }
}
