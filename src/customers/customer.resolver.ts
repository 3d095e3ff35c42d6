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

  @Mutation(() => AuthPayload, { description: 'Throttled per IP and per email (ORDO_LOGIN_*): over the limit, RATE_LIMITED with extensions.retryAfterSeconds.' })
  registerCustomer(@Arg('input', () => RegisterCustomerInput) input: RegisterCustomerInput, @Ctx() ctx: OrdoContext) {
    return ctx.app.service(CustomerService).register(ctx.em, input, ctx.ip, ctx.userAgent);
  }

  @Mutation(() => Boolean, { description: 'Mails a link to set a new password (valid 1 hour) when an account has this email. Always true, so that it tells nobody which addresses have accounts. Throttled per email and IP (ORDO_LOGIN_*): RATE_LIMITED.' })
  requestPasswordReset(@Arg('email', () => String) email: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    return ctx.app.service(CustomerService).requestPasswordReset(ctx.em, email, ctx.ip);
  }

  @Mutation(() => AuthPayload, { description: 'Sets a new password with the token of the reset mail (once); every session of the account ends and a new one begins.' })
  resetPassword(@Arg('token', () => String) token: string, @Arg('password', () => String) password: string, @Ctx() ctx: OrdoContext) {
    return ctx.app.service(CustomerService).resetPassword(ctx.em, token, password, { ip: ctx.ip, userAgent: ctx.userAgent });
  }

  @Mutation(() => AuthPayload, { description: 'Throttled: too many failures for the email or from the IP (ORDO_LOGIN_*) answer RATE_LIMITED with extensions.retryAfterSeconds, even for the right password, until the window ends. A success clears the email\'s failures.' })
  login(@Arg('email', () => String) email: string, @Arg('password', () => String) password: string, @Ctx() ctx: OrdoContext) {
    return ctx.app.service(CustomerService).login(ctx.em, email, password, ctx.ip, ctx.userAgent);
  }
}
