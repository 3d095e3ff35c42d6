import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { connectionOf } from '../kernel/graphql-types.js';
import { throttleCaller } from '../kernel/rate-limit.js';
import type { Page } from '../kernel/pagination.js';
import { Order } from '../order-core/order.entity.js';
import { OrderFilter, PlaceOrderInput } from './order.inputs.js';
import { OrderService } from './order.service.js';
import { PlaceOrder } from './place-order.js';
import { QuoteOrder } from './quote-order.js';
import { OrderQuote } from './order-quote.types.js';

export const OrderConnection = connectionOf(Order, 'Order');

@ObjectType()
export class PlaceOrderPayload {
  @Field(() => Order) order!: Order;
  @Field({ description: 'A token that reads and follows this one order (for guests).' }) accessToken!: string;
}

const orders = (ctx: OrdoContext) => ctx.app.service(OrderService);

@Resolver(() => Order)
export class OrderResolver {
  @Query(() => Order, { nullable: true })
  order(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Order | null> {
    return orders(ctx).readable(ctx.em, ctx.principal, id);
  }

  @Query(() => Order, { nullable: true })
  orderByNumber(
    @Arg('channelCode', () => String, { nullable: true }) channelCode: string | undefined,
    @Arg('number', () => String) number: string,
    @Ctx() ctx: OrdoContext,
  ): Promise<Order | null> {
    return orders(ctx).byNumber(ctx.em, ctx.principal, channelCode, number);
  }

  @Query(() => OrderConnection)
  orders(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('filter', () => OrderFilter, { nullable: true }) filter: OrderFilter | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<Order>> {
    return orders(ctx).list(ctx.em, ctx.principal, first, after, filter);
  }

  @Query(() => OrderQuote, {
    description: 'Prices an order as placeOrder would now, with the shipping methods that serve the address, and lists every problem; writes and reserves nothing. Guests, customers and staff may quote.',
  })
  async quoteOrder(
    // Not validated by the schema: a quote answers field problems as data, beside the others.
    @Arg('input', () => PlaceOrderInput, { validate: false }) input: PlaceOrderInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<OrderQuote> {
    await throttleCaller(ctx.app, 'quoteOrder', ctx.app.config.quoteOrderRate, ctx.principal, ctx.ip);
    return ctx.app.service(QuoteOrder).run(ctx.em, ctx.principal, input);
  }

  @Mutation(() => PlaceOrderPayload)
  async placeOrder(
    @Arg('input', () => PlaceOrderInput) input: PlaceOrderInput,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<PlaceOrderPayload> {
    await throttleCaller(ctx.app, 'placeOrder', ctx.app.config.placeOrderRate, ctx.principal, ctx.ip);
    return ctx.app.service(PlaceOrder).run(ctx.em, ctx.principal, input, idempotencyKey);
  }

  @Mutation(() => Order)
  cancelOrder(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A retry with the same key answers the cancelled order instead of INVALID_STATE_TRANSITION.' }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Order> {
    return orders(ctx).cancel(ctx.em, ctx.principal, id, reason, undefined, idempotencyKey);
  }

  @Mutation(() => Order)
  holdOrder(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: OrdoContext): Promise<Order> {
    return orders(ctx).hold(ctx.em, ctx.principal, id, reason);
  }

  @Mutation(() => Order)
  releaseOrderHold(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Order> {
    return orders(ctx).releaseHold(ctx.em, ctx.principal, id);
  }
}
