// Open to anyone, as placeOrder is: a storefront holds its buyer's cart without a token. The hold's id is
// the bearer reference: whoever has it may read it, place an order with it or release it.
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { throttleCaller } from '../kernel/rate-limit.js';
import { CheckoutHold } from './checkout-hold.entity.js';
import { CheckoutHoldInput } from './checkout-hold.inputs.js';
import { CheckoutHoldService } from './checkout-hold.service.js';

const holds = (ctx: OrdoContext) => ctx.app.service(CheckoutHoldService);

@Resolver(() => CheckoutHold)
export class CheckoutHoldResolver {
  @Query(() => CheckoutHold, { nullable: true, description: 'A checkout hold by its id (whoever has the id); null when there is none.' })
  checkoutHold(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<CheckoutHold | null> {
    return holds(ctx).get(ctx.em, id);
  }

  @Mutation(() => CheckoutHold, {
    description: "Reserves every unit of a cart for ttlSeconds (or nothing: INSUFFICIENT_STOCK names the short line), while the buyer completes a payment step; placeOrder(input: { holdId }) on the same channel turns the hold into the order's reservation. Held units are reserved, not available.",
  })
  async holdCheckoutStock(
    @Arg('input', () => CheckoutHoldInput) input: CheckoutHoldInput,
    @Arg('ttlSeconds', () => Int, { nullable: true, description: 'How long the units are held: 30 to 3600 seconds, 600 when left out.' }) ttlSeconds: number | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true, description: "A retry with the same key answers the first hold (a guest's key: at least 16 characters, random)." }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<CheckoutHold> {
    // Holding keeps stock off sale: the same per-caller rate as placing an order (ORDO_PLACE_ORDER_RATE).
    await throttleCaller(ctx.app, 'holdCheckoutStock', ctx.app.config.placeOrderRate, ctx.principal, ctx.ip);
    return holds(ctx).hold(ctx.em, ctx.principal, input, ttlSeconds, idempotencyKey);
  }

  @Mutation(() => CheckoutHold, { description: 'The buyer gives the hold up: its units are on sale again. CONFLICT once an order took it.' })
  releaseCheckoutHold(@Arg('holdId', () => ID) holdId: string, @Ctx() ctx: OrdoContext): Promise<CheckoutHold> {
    return holds(ctx).release(ctx.em, holdId);
  }
}
