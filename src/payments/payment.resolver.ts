// Payments in GraphQL: staff capture, void and refund (role `orders`); refunds of a payment.
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { actorName, adminIn, authorize, channelScope, orderStaff } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { manyBy } from '../kernel/loaders.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation, PaymentOperationKind, Refund } from './payment-operation.entity.js';
import { PaymentService } from './payment.service.js';

/**
 * The orders role, in the payment's channel for staff kept to channels (an order's channel never
 * changes, so it is read before the payment's lock).
 */
async function staffOn(ctx: OrdoContext, paymentId: string): Promise<OrdoContext> {
  can(ctx, adminIn('orders'));
  if (!channelScope(ctx.principal)) return ctx;
  const payment = await ctx.em.findOne(Payment, { id: paymentId }, { populate: ['order'] });
  // No such payment: the service says NOT_FOUND.
  if (payment) authorize(ctx.principal, orderStaff(payment.order));
  return ctx;
}

const KEY_DOC = 'A repeat with the same key returns the payment and changes nothing.';

@Resolver(() => Payment)
export class PaymentResolver {
  @Mutation(() => Payment, { description: 'Captures an authorized payment (all of it, or `amount`; the rest is released), or records money received for a manual one.' })
  async capturePayment(
    @Arg('id', () => ID) id: string,
    @Arg('amount', () => MoneyScalar, { nullable: true }) amount: number | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Payment> {
    return ctx.app.service(PaymentService).capture((await staffOn(ctx, id)).em, actorName(ctx.principal), id, amount, idempotencyKey);
  }

  @Mutation(() => Payment, { description: 'Refunds part or all of what was captured; several refunds add up to at most the captured amount.' })
  async refundPayment(
    @Arg('id', () => ID) id: string,
    @Arg('amount', () => MoneyScalar) amount: number,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Payment> {
    return ctx.app.service(PaymentService).refund((await staffOn(ctx, id)).em, actorName(ctx.principal), id, amount, reason, idempotencyKey);
  }

  @Mutation(() => Payment, { description: 'Voids an authorization that was not captured.' })
  async voidPayment(
    @Arg('id', () => ID) id: string,
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Payment> {
    return ctx.app.service(PaymentService).void((await staffOn(ctx, id)).em, actorName(ctx.principal), id, idempotencyKey);
  }

  @FieldResolver(() => [Refund])
  async refunds(@Root() payment: Payment, @Ctx() ctx: OrdoContext): Promise<Refund[]> {
    const ops = await manyBy(ctx, PaymentOperation, 'payment', (o) => o.payment.id, { id: 'asc' }).load(payment.id);
    return ops.filter((o) => o.kind === PaymentOperationKind.REFUND).map(Refund.of);
  }
}
