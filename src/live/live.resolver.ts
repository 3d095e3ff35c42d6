// Subscriptions over graphql-ws. Authorization is checked when a subscription starts (and again on a
// timer by the fan-out); the events come from the outbox relay after commit, through EventFanOut, which
// executes each event once per audience (same document, variables and grant) and writes the messages to
// the sockets itself (audience.ts). The field resolvers below run in those executions (or, for a
// subscriber without a socket, in graphql's own execution per event).
import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { adminIn, assertMayReadOrders, authorize, channelScope, isAdmin, orderReader, signedInCustomer } from '../kernel/auth.js';
import { ChannelService } from '../channels/channel.service.js';
import type { OrdoContext } from '../kernel/context.js';
import { OrdoError } from '../kernel/errors.js';
import { Order } from '../order-core/order.entity.js';
import { EventFanOut } from './fan-out.js';
import { OrderEvent, StockAvailability } from './live-types.js';
import type { LiveSubscriber } from './subscriber.js';

const fanOut = (ctx: OrdoContext) => ctx.app.service(EventFanOut);

@Resolver()
export class LiveResolver {
  @Subscription(() => OrderEvent, {
    description: "Everything that happens to one order. Its customer, its access token's holder, or an admin.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { orderId: string }, OrdoContext>) => {
      const ctx = context;
      const p = ctx.principal;
      if (p.kind === 'anonymous') authorize(p, orderReader({ id: args.orderId }));
      // An order token names its order: no lookup needed to refuse another one.
      if (p.kind === 'order') authorize(p, orderReader({ id: args.orderId }));
      else {
        assertMayReadOrders(p);
        const order = await ctx.em.findOne(Order, { id: args.orderId }, { fields: ['id', 'customer', 'channel'] });
        if (!order) {
          if (isAdmin(p, 'orders')) throw new OrdoError('NOT_FOUND', 'Order was not found.');
          throw new OrdoError('FORBIDDEN', 'This token does not give access to that order.');
        }
        authorize(p, orderReader(order));
      }
      const sub = fanOut(ctx).subscribeOrder(args.orderId, p, authorizationOf(ctx), ctx);
      return idle(ctx, sub);
    },
  })
  orderEvents(@Root() event: OrderEvent, @Arg('orderId', () => ID) _orderId: string, @Ctx() ctx: OrdoContext): OrderEvent {
    return shared(ctx, event);
  }

  @Subscription(() => OrderEvent, {
    description: "Everything that happens to the signed-in customer's orders.",
    subscribe: ({ context }: SubscribeResolverData<unknown, unknown, OrdoContext>) => {
      const p = context.principal;
      authorize(p, signedInCustomer);
      return idle(context, fanOut(context).subscribeCustomer((p as { customerId: string }).customerId, p, authorizationOf(context), context));
    },
  })
  myOrderEvents(@Root() event: OrderEvent, @Ctx() ctx: OrdoContext): OrderEvent {
    return shared(ctx, event);
  }

  @Subscription(() => OrderEvent, {
    description: "Every event of every order of the staff member's channels, or of one channel (channelCode): the back office's live order list. A new order is heard by its first status event (PENDING or CONFIRMED). Staff with the orders role.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { channelCode?: string | null }, OrdoContext>) => {
      const p = context.principal;
      authorize(p, adminIn('orders'));
      const scope = channelScope(p);
      let channels = scope ? [...new Set(scope)].sort().join(',') : '*';
      if (args.channelCode) {
        const channel = await context.app.service(ChannelService).byCode(context.em, args.channelCode);
        if (scope && !scope.includes(channel.id)) throw new OrdoError('FORBIDDEN', 'This principal is kept to other channels.');
        channels = channel.id;
      }
      return idle(context, fanOut(context).subscribeFeed(channels, p, authorizationOf(context), context));
    },
  })
  orderFeed(@Root() event: OrderEvent, @Arg('channelCode', () => String, { nullable: true }) _channelCode: string | null, @Ctx() ctx: OrdoContext): OrderEvent {
    return shared(ctx, event);
  }

  @Subscription(() => StockAvailability, {
    description: 'Sellable units of one SKU, whenever they change. Public.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { sku: string }, OrdoContext>) => {
      if (!args.sku || args.sku.length > 100) throw new OrdoError('BAD_USER_INPUT', 'Give the SKU to follow (at most 100 characters).', { field: 'sku' });
      return idle(context, fanOut(context).subscribeSku(args.sku, context.principal, context));
    },
  })
  stockLevelChanged(@Root() availability: StockAvailability, @Arg('sku', () => String) _sku: string): StockAvailability {
    return availability;
  }
}

/** DataLoaders that keep nothing (a Map whose set does not store). */
class NoLoaders extends Map<string, any> {
  override set(): this {
    return this;
  }
}
const NO_LOADERS = new NoLoaders();

/**
 * Between events a subscription holds no EntityManager of its own (see EventFanOut.idleEm), nor, when it
 * writes itself, DataLoaders: no field is resolved with its context again (its audience's executions
 * have contexts of their own). One that is pulled gets the event's through `shared` below.
 */
function idle<T>(ctx: OrdoContext, sub: LiveSubscriber<T>): LiveSubscriber<T> {
  ctx.em = fanOut(ctx).idleEm;
  ctx.loaders = sub.wire ? NO_LOADERS : new Map();
  return sub;
}

/** The raw Authorization value of the connection, once the kernel puts it on the context. */
function authorizationOf(ctx: OrdoContext): string | undefined {
  const a = (ctx as { authorization?: unknown }).authorization;
  return typeof a === 'string' ? a : undefined;
}

/**
 * The fields under `order` and `shipment` resolve with the event's EntityManager and DataLoaders, shared
 * by every subscriber in this process: one load per event, not one per subscriber. An audience's
 * execution has a context of its own (already set so); graphql-ws runs one event of a pulled subscription
 * at a time, so switching that operation's context here is safe.
 */
function shared(ctx: OrdoContext, event: OrderEvent): OrderEvent {
  ctx.em = event.em;
  ctx.loaders = event.loaders;
  return event;
}
