// Customer.orderCount and Customer.lifetimeValue (staff's customer list, docs/customers.md): one statement
// per page of customers, through a per-request DataLoader keyed by customer.
import DataLoader from 'dataloader';
import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { channelScope, isAdmin } from '../kernel/auth.js';
import { loader, type OrdoContext } from '../kernel/context.js';
import { OrdoError } from '../kernel/errors.js';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { Customer } from '../customers/customer.entity.js';
import { OrderStatus } from '../order-core/order-status.js';

@ObjectType({ description: 'An amount in one currency (minor units).' })
export class LifetimeValue {
  @Field(() => MoneyScalar) amount!: number;
  @Field() currencyCode!: string;
}

interface Stats {
  orderCount: number;
  lifetimeValue: LifetimeValue[];
}

/**
 * Per customer and currency: the orders that are not CANCELLED, and the sum of each one's total (which a
 * partial cancellation has already lowered) less what was refunded beyond money captured over that total
 * (so a cancelled line's refund is not taken twice; what returns refunded is). Channel-scoped staff count
 * their channels' orders only.
 */
const STATS = (customers: number, channels: number) => `
  SELECT customer_id, currency_code, COUNT(*) AS n,
    SUM(total - CASE WHEN refunded - over > 0 THEN refunded - over ELSE 0 END) AS value
  FROM (
    SELECT o.customer_id, o.currency_code, o.total,
      COALESCE(SUM(p.amount_refunded), 0) AS refunded,
      CASE WHEN COALESCE(SUM(p.amount_captured), 0) > o.total THEN COALESCE(SUM(p.amount_captured), 0) - o.total ELSE 0 END AS over
    FROM orders o LEFT JOIN payment p ON p.order_id = o.id
    WHERE o.customer_id IN (${Array(customers).fill('?').join(', ')}) AND o.status <> ?
      ${channels ? `AND o.channel_id IN (${Array(channels).fill('?').join(', ')})` : ''}
    GROUP BY o.id, o.customer_id, o.currency_code, o.total
  ) x
  GROUP BY customer_id, currency_code
  ORDER BY customer_id, currency_code`;

function statsLoader(ctx: OrdoContext): DataLoader<string, Stats> {
  return loader(ctx, 'customer:orderStats', () => new DataLoader<string, Stats>(async (ids) => {
    const scope = channelScope(ctx.principal) ?? [];
    const rows = await ctx.em.execute<{ customer_id: string; currency_code: string; n: number | string; value: number | string }[]>(
      STATS(ids.length, scope.length), [...ids, OrderStatus.CANCELLED, ...scope],
    );
    const byId = new Map<string, Stats>(ids.map((id) => [id, { orderCount: 0, lifetimeValue: [] }]));
    for (const r of rows) {
      const s = byId.get(r.customer_id);
      if (!s) continue;
      s.orderCount += Number(r.n);
      s.lifetimeValue.push({ currencyCode: r.currency_code, amount: Number(r.value) });
    }
    return ids.map((id) => byId.get(id)!);
  }));
}

/** The customer and staff with the orders role (scoped staff see their channels' part). */
function mayRead(ctx: OrdoContext, customer: Customer): void {
  const p = ctx.principal;
  if ((p.kind === 'customer' && p.customerId === customer.id) || isAdmin(p, 'orders')) return;
  throw new OrdoError('FORBIDDEN', 'Only the customer and staff see this.');
}

@Resolver(() => Customer)
export class CustomerOrderStatsFields {
  @FieldResolver(() => Int, { description: 'The customer\'s orders that are not CANCELLED (channel-scoped staff: in their channels).' })
  async orderCount(@Root() customer: Customer, @Ctx() ctx: OrdoContext): Promise<number> {
    mayRead(ctx, customer);
    return (await statsLoader(ctx).load(customer.id)).orderCount;
  }

  @FieldResolver(() => [LifetimeValue], {
    description: 'Per currency: the totals of the customer\'s orders that are not CANCELLED (as lowered by cancelled lines), less refunds other than those of cancelled lines (returns, goodwill). Channel-scoped staff: their channels.',
  })
  async lifetimeValue(@Root() customer: Customer, @Ctx() ctx: OrdoContext): Promise<LifetimeValue[]> {
    mayRead(ctx, customer);
    return (await statsLoader(ctx).load(customer.id)).lifetimeValue;
  }
}
