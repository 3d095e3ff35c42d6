import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { ShippingMethod } from './shipping-method.entity.js';
import { TaxRate } from './tax-rate.entity.js';
import { CreateShippingMethodInput, SetTaxRateInput, UpdateShippingMethodInput } from './shipping.inputs.js';
import { ShippingService } from './shipping.service.js';

@Resolver()
export class ShippingResolver {
  @Query(() => [ShippingMethod])
  shippingMethods(
    @Arg('countryCode', () => String, { nullable: true, description: 'Only the methods that deliver to this country.' }) countryCode: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ShippingMethod[]> {
    return ctx.app.service(ShippingService).methodsList(ctx.em, countryCode);
  }

  @Query(() => [TaxRate])
  taxRates(@Ctx() ctx: OrdoContext): Promise<TaxRate[]> {
    return ctx.app.service(ShippingService).taxRates(ctx.em);
  }

  @Mutation(() => ShippingMethod)
  createShippingMethod(@Arg('input', () => CreateShippingMethodInput) input: CreateShippingMethodInput, @Ctx() ctx: OrdoContext): Promise<ShippingMethod> {
    return ctx.app.service(ShippingService).createMethod(can(ctx, admin('settings')).em, input);
  }

  @Mutation(() => ShippingMethod)
  updateShippingMethod(
    @Arg('code', () => String) code: string,
    @Arg('input', () => UpdateShippingMethodInput) input: UpdateShippingMethodInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<ShippingMethod> {
    return ctx.app.service(ShippingService).updateMethod(can(ctx, admin('settings')).em, code, input);
  }

  @Mutation(() => TaxRate)
  setTaxRate(@Arg('input', () => SetTaxRateInput) input: SetTaxRateInput, @Ctx() ctx: OrdoContext): Promise<TaxRate> {
    return ctx.app.service(ShippingService).setTaxRate(can(ctx, admin('settings')).em, input);
  }
}
