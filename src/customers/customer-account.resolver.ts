// The signed-in customer's own account: address book, profile, sessions, sign-out. Each operation needs a
// customer's session and works on that customer only (docs/customers.md).
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { authorize, isAdmin, signedInCustomer } from '../kernel/auth.js';
import type { OrdoContext } from '../kernel/context.js';
import { OrdoError } from '../kernel/errors.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { Customer } from './customer.entity.js';
import { CustomerAddress } from './customer-address.entity.js';
import { CustomerAddressInput, UpdateCustomerAddressInput } from './customer-address.inputs.js';
import { CustomerSession } from './customer-session.entity.js';
import { UpdateCustomerProfileInput } from './customer-profile.inputs.js';
import { AddressBookService } from './address-book.service.js';
import { CustomerAccountService } from './customer-account.service.js';

export enum CustomerAddressKind {
  SHIPPING = 'SHIPPING',
  BILLING = 'BILLING',
}
registerEnumType(CustomerAddressKind, { name: 'CustomerAddressKind', description: 'Which default of the address book.' });

/** The signed-in customer (FORBIDDEN for anyone else, UNAUTHENTICATED without a token). */
function self(ctx: OrdoContext): { customerId: string; sessionId: string } {
  authorize(ctx.principal, signedInCustomer);
  const p = ctx.principal as { customerId: string; sessionId: string };
  return { customerId: p.customerId, sessionId: p.sessionId };
}

/** A customer's own account data: for the customer and for staff with the orders role (not for an order token). */
function mayReadAccount(ctx: OrdoContext, customerId: string): void {
  const p = ctx.principal;
  if (p.kind === 'customer' && p.customerId === customerId) return;
  if (isAdmin(p, 'orders')) return;
  throw new OrdoError('FORBIDDEN', 'Only the customer and staff see this.');
}

const book = (ctx: OrdoContext) => ctx.app.service(AddressBookService);
const account = (ctx: OrdoContext) => ctx.app.service(CustomerAccountService);

@Resolver(() => Customer)
export class CustomerAccountResolver {
  @FieldResolver(() => [String], { description: 'Staff\'s labels for the customer, lower-cased (a customer group is a tag: docs/customers.md). Shown to the customer and to staff.' })
  tags(@Root() customer: Customer, @Ctx() ctx: OrdoContext): string[] {
    mayReadAccount(ctx, customer.id);
    return customer.tags ?? [];
  }

  @FieldResolver(() => [CustomerAddress], { description: 'The address book, oldest first. The customer and staff only.' })
  addresses(@Root() customer: Customer, @Ctx() ctx: OrdoContext): Promise<CustomerAddress[]> {
    mayReadAccount(ctx, customer.id);
    return manyBy(ctx, CustomerAddress, 'customer', (a) => a.customer.id, { id: 'asc' }).load(customer.id);
  }

  @FieldResolver(() => CustomerAddress, { nullable: true })
  defaultShippingAddress(@Root() customer: Customer, @Ctx() ctx: OrdoContext): Promise<CustomerAddress | null> | null {
    mayReadAccount(ctx, customer.id);
    return customer.defaultShippingAddressId ? oneBy(ctx, CustomerAddress).load(customer.defaultShippingAddressId) : null;
  }

  @FieldResolver(() => CustomerAddress, { nullable: true })
  defaultBillingAddress(@Root() customer: Customer, @Ctx() ctx: OrdoContext): Promise<CustomerAddress | null> | null {
    mayReadAccount(ctx, customer.id);
    return customer.defaultBillingAddressId ? oneBy(ctx, CustomerAddress).load(customer.defaultBillingAddressId) : null;
  }

  @Mutation(() => CustomerAddress, { description: 'Signed-in customer. Saves an address (the fields of an order\'s address; at most 20). The first becomes the default for shipping and billing.' })
  addCustomerAddress(@Arg('input', () => CustomerAddressInput) input: CustomerAddressInput, @Ctx() ctx: OrdoContext): Promise<CustomerAddress> {
    return book(ctx).add(ctx.em, self(ctx).customerId, input);
  }

  @Mutation(() => CustomerAddress, { description: 'Signed-in customer, their own address (NOT_FOUND otherwise). Fields left out stay; an empty label, line2, region or phone clears it.' })
  updateCustomerAddress(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateCustomerAddressInput) input: UpdateCustomerAddressInput, @Ctx() ctx: OrdoContext): Promise<CustomerAddress> {
    return book(ctx).update(ctx.em, self(ctx).customerId, id, input);
  }

  @Mutation(() => Boolean, { description: 'Signed-in customer, their own address (NOT_FOUND otherwise). A default it was is cleared.' })
  removeCustomerAddress(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    return book(ctx).remove(ctx.em, self(ctx).customerId, id);
  }

  @Mutation(() => Customer, { description: 'Signed-in customer: makes their own address (NOT_FOUND otherwise) the default for shipping or billing.' })
  setDefaultCustomerAddress(@Arg('id', () => ID) id: string, @Arg('kind', () => CustomerAddressKind) kind: CustomerAddressKind, @Ctx() ctx: OrdoContext): Promise<Customer> {
    return book(ctx).setDefault(ctx.em, self(ctx).customerId, id, kind);
  }

  @Mutation(() => Customer, { description: 'Signed-in customer: name, phone; email and password with currentPassword (BAD_USER_INPUT when it is wrong; limited per account, RATE_LIMITED). A new password ends every other session.' })
  updateCustomerProfile(@Arg('input', () => UpdateCustomerProfileInput) input: UpdateCustomerProfileInput, @Ctx() ctx: OrdoContext): Promise<Customer> {
    const me = self(ctx);
    return account(ctx).updateProfile(ctx.em, me.customerId, me.sessionId, input);
  }

  @Mutation(() => Boolean, { description: 'Signed-in customer: ends the session the request came with; its token is refused (UNAUTHENTICATED) from then on.' })
  logout(@Ctx() ctx: OrdoContext): Promise<boolean> {
    return account(ctx).logout(ctx.em, self(ctx).sessionId);
  }

  @Query(() => [CustomerSession], { description: 'Signed-in customer: their sessions that still work, newest first.' })
  mySessions(@Ctx() ctx: OrdoContext): Promise<CustomerSession[]> {
    return account(ctx).sessions(ctx.em, self(ctx).customerId);
  }

  @Mutation(() => Boolean, { description: 'Signed-in customer: ends one of their own sessions (NOT_FOUND for another\'s, an unknown or an ended one).' })
  revokeCustomerSession(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    return account(ctx).revokeOwn(ctx.em, self(ctx).customerId, id);
  }
}

@Resolver(() => CustomerSession)
export class CustomerSessionFields {
  @FieldResolver(() => Boolean, { description: 'The session this request came with.' })
  current(@Root() session: CustomerSession, @Ctx() ctx: OrdoContext): boolean {
    return ctx.principal.kind === 'customer' && ctx.principal.sessionId === session.id;
  }
}
