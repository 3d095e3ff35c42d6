// Fields of Order and its neighbours. Every one loads through a per-request DataLoader: a page of
// orders costs one statement per field kind, whatever its size.
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { authorize, channelScope, isAdmin, orderReader } from '../kernel/auth.js';
import type { OrdoContext } from '../kernel/context.js';
import { OrdoError } from '../kernel/errors.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import type { Page } from '../kernel/pagination.js';
import { Channel } from '../channels/channel.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockMovement } from '../inventory/stock-movement.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { Payment } from '../payments/payment.entity.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderHistoryEntry } from '../order-core/order-history.entity.js';
import { STAFF_ONLY_HISTORY } from '../order-core/order-notes.js';
import { OrderDiscount } from './order-discount.js';
import { OrderConnection } from './order.resolver.js';
import { OrderService } from './order.service.js';

@Resolver(() => Order)
export class OrderFields {
  @FieldResolver(() => [OrderLine])
  lines(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<OrderLine[]> {
    return manyBy(ctx, OrderLine, 'order', (l) => l.order.id, { id: 'asc' }).load(order.id);
  }

  @FieldResolver(() => [OrderDiscount])
  discounts(@Root() order: Order): OrderDiscount[] {
    return (order.discounts ?? []).map(({ kind, label, amount }) => ({ kind, label, amount }));
  }

  @FieldResolver(() => [Payment])
  payments(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<Payment[]> {
    return manyBy(ctx, Payment, 'order', (p) => p.order.id, { id: 'asc' }).load(order.id);
  }

  @FieldResolver(() => [OrderHistoryEntry])
  async history(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<OrderHistoryEntry[]> {
    const all = await manyBy(ctx, OrderHistoryEntry, 'order', (h) => h.order.id, { id: 'asc' }).load(order.id);
    // Staff's notes and tags are the merchant's words about the buyer: the buyer's view leaves them out.
    return isAdmin(ctx.principal) ? all : all.filter((h) => !STAFF_ONLY_HISTORY.has(h.type));
  }

  @FieldResolver(() => Channel)
  async channel(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<Channel> {
    return (await oneBy(ctx, Channel).load(order.channel.id))!;
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<Customer | null> | null {
    return order.customer ? oneBy(ctx, Customer).load(order.customer.id) : null;
  }

  @FieldResolver(() => ShippingMethod, { nullable: true })
  shippingMethod(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<ShippingMethod | null> | null {
    return order.shippingMethod ? oneBy(ctx, ShippingMethod).load(order.shippingMethod.id) : null;
  }

  @FieldResolver(() => StockLocation, { nullable: true, description: 'Click & collect: the store the order is collected at (its shipping address is the store\'s); null for a delivered order.' })
  pickupLocation(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<StockLocation | null> | null {
    return order.pickupLocation ? oneBy(ctx, StockLocation).load(order.pickupLocation.id) : null;
  }
}

@Resolver(() => OrderLine)
export class OrderLineFields {
  @FieldResolver(() => ProductVariant, { nullable: true })
  variant(@Root() line: OrderLine, @Ctx() ctx: OrdoContext): Promise<ProductVariant | null> | null {
    return line.variant ? oneBy(ctx, ProductVariant).load(line.variant.id) : null;
  }
}

@Resolver(() => Customer)
export class CustomerOrdersField {
  @FieldResolver(() => OrderConnection)
  orders(
    @Root() customer: Customer,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<Order>> {
    const p = ctx.principal;
    if (!(p.kind === 'customer' && p.customerId === customer.id) && !isAdmin(p, 'orders')) {
      throw new OrdoError('FORBIDDEN', "Only the customer and staff see a customer's orders.");
    }
    // Staff kept to channels see the customer's orders in those channels only.
    const scope = channelScope(p);
    return ctx.app.service(OrderService).page(ctx.em, { customer: customer.id, ...(scope ? { channel: { $in: scope } } : {}) }, first, after);
  }
}

@Resolver(() => StockMovement)
export class StockMovementOrderField {
  @FieldResolver(() => Order, { nullable: true })
  async order(@Root() m: StockMovement, @Ctx() ctx: OrdoContext): Promise<Order | null> {
    if (!m.orderId) return null;
    const order = await oneBy(ctx, Order).load(m.orderId);
    if (order) authorize(ctx.principal, orderReader(order));
    return order;
  }
}
