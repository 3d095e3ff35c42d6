import { Arg, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { Customer } from './customer.entity.js';
import { RegisterCustomerInput } from './customer.inputs.js';
import { CustomerService } from './customer.service.js';

@ObjectType()
export class AuthPayload {
  @Field() token!: string;
  @Field(() => Customer) customer!: Customer;
}

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'The signed-in customer; null for anyone else.' })
  me(@Ctx() ctx: OrdoContext): Promise<Customer | null> | null {
    if (ctx.principal.kind !== 'customer') return null;
    return ctx.app.service(CustomerService).byId(ctx.em, ctx.principal.customerId);
  }

  @Mutation(() => AuthPayload)
  registerCustomer(@Arg('input', () => RegisterCustomerInput) input: RegisterCustomerInput, @Ctx() ctx: OrdoContext) {
    return ctx.app.service(CustomerService).register(ctx.em, input);
  }

  @Mutation(() => AuthPayload)
  login(@Arg('email', () => String) email: string, @Arg('password', () => String) password: string, @Ctx() ctx: OrdoContext) {
    return ctx.app.service(CustomerService).login(ctx.em, email, password);
  }
}
