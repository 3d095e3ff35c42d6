// Staff's side of customer accounts: tags, one customer, ending a customer's sessions. Customers buy in
// every channel, so these need a principal of every channel (admin('orders'): a channel-scoped key or
// member is refused, fail closed; docs/customers.md).
import { Arg, Ctx, Field, ID, InputType, Int, Mutation, Query, Resolver } from 'type-graphql';
import { IsOptional, Length } from 'class-validator';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { connectionOf, DateTimeScalar } from '../kernel/graphql-types.js';
import type { Page } from '../kernel/pagination.js';
import { Customer } from './customer.entity.js';
import { changeTags } from './customer-tags.js';
import { listCustomers } from './customer-directory.js';
import { CustomerAccountService } from './customer-account.service.js';

export const CustomerConnection = connectionOf(Customer, 'Customer');

@InputType()
export class CustomerFilter {
  @Field({ nullable: true, description: 'Part of the email or the name, any case.' }) @IsOptional() @Length(1, 200)
  search?: string;

  @Field(() => [String], { nullable: true, description: 'Customers with every one of these tags.' })
  tags?: string[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'Signed up at or after.' })
  createdFrom?: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Signed up before.' })
  createdTo?: Date;
}

@Resolver(() => Customer)
export class CustomerAdminResolver {
  @Query(() => Customer, { nullable: true, description: 'Staff with the orders role, of every channel (a channel-scoped principal is refused). Null when there is no such customer.' })
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Customer | null> {
    return can(ctx, admin('orders')).em.findOne(Customer, { id });
  }

  @Query(() => CustomerConnection, { description: 'Staff with the orders role, of every channel (a channel-scoped principal is refused). Newest first; each with orderCount and lifetimeValue.' })
  customers(
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<Customer>> {
    return listCustomers(can(ctx, admin('orders')).em, filter, first, after);
  }

  @Mutation(() => Int, { description: 'Staff (orders role, every channel): ends every session of the customer (their tokens are refused from the next request on); the number ended. NOT_FOUND for an unknown customer.' })
  revokeCustomerSessions(@Arg('customerId', () => ID) customerId: string, @Ctx() ctx: OrdoContext): Promise<number> {
    return ctx.app.service(CustomerAccountService).revokeAll(can(ctx, admin('orders')).em, customerId);
  }

  @Mutation(() => Customer, { description: 'Staff (orders role, every channel). Adds tags (trimmed, lower-cased, 1-40 characters; at most 50 per customer). A customer group is a tag. NOT_FOUND for an unknown customer.' })
  tagCustomer(@Arg('customerId', () => ID) customerId: string, @Arg('tags', () => [String]) tags: string[], @Ctx() ctx: OrdoContext): Promise<Customer> {
    return changeTags(can(ctx, admin('orders')).em, customerId, tags, true);
  }

  @Mutation(() => Customer, { description: 'Staff (orders role, every channel). Removes tags (matched lower-cased); tags the customer does not have are ignored.' })
  untagCustomer(@Arg('customerId', () => ID) customerId: string, @Arg('tags', () => [String]) tags: string[], @Ctx() ctx: OrdoContext): Promise<Customer> {
    return changeTags(can(ctx, admin('orders')).em, customerId, tags, false);
  }
}
