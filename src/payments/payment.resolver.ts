// Payments in GraphQL: staff capture, void and refund (role `orders`); refunds of a payment.
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { actorName, admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { manyBy } from '../kernel/loaders.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation, PaymentOperationKind, Refund } from './payment-operation.entity.js';
import { PaymentService } from './payment.service.js';

const KEY_DOC = 'A repeat with the same key returns the payment and changes nothing.';

@Resolver(() => Payment)
export class PaymentResolver {
  @Mutation(() => Payment, { description: 'Captures an authorized payment (all of it, or `amount`; the rest is released), or records money received for a manual one.' })
  capturePayment(
    @Arg('id', () => ID) id: string,
    @Arg('amount', () => MoneyScalar, { nullable: true }) amount: number | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Payment> {
    return ctx.app.service(PaymentService).capture(can(ctx, admin('orders')).em, actorName(ctx.principal), id, amount, idempotencyKey);
  }

  @Mutation(() => Payment, { description: 'Refunds part or all of what was captured; several refunds add up to at most the captured amount.' })
  refundPayment(
    @Arg('id', () => ID) id: string,
    @Arg('amount', () => MoneyScalar) amount: number,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Payment> {
    return ctx.app.service(PaymentService).refund(can(ctx, admin('orders')).em, actorName(ctx.principal), id, amount, reason, idempotencyKey);
  }

  @Mutation(() => Payment, { description: 'Voids an authorization that was not captured.' })
  voidPayment(
    @Arg('id', () => ID) id: string,
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Payment> {
    return ctx.app.service(PaymentService).void(can(ctx, admin('orders')).em, actorName(ctx.principal), id, idempotencyKey);
  }

  @FieldResolver(() => [Refund])
  async refunds(@Root() payment: Payment, @Ctx() ctx: OrdoContext): Promise<Refund[]> {
    const ops = await manyBy(ctx, PaymentOperation, 'payment', (o) => o.payment.id, { id: 'asc' }).load(payment.id);
    return ops.filter((o) => o.kind === PaymentOperationKind.REFUND).map(Refund.of);
  }
}
