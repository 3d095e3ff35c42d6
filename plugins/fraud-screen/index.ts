// fraud-screen: holds suspicious orders for review instead of confirming them. Written only against
// the public API (src/index.ts).
import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { admin, can, definePlugin, Order, OrderStatus, type OrdoContext, type TransitionGuard } from '../../src/index.js';

export interface FraudScreenOptions {
  /** Orders whose total (minor units, e.g. cents) is above this are held. Unset: no limit. */
  maxTotal?: number;
  /** Hold orders whose billing country differs from the shipping country (default true). */
  holdCountryMismatch?: boolean;
  /** Hold an order when this many orders of the same email were already placed in the last hour. Unset: no limit. */
  maxOrdersPerEmailPerHour?: number;
}

const SCREENED = new Set<OrderStatus>([OrderStatus.CONFIRMED, OrderStatus.BACKORDERED]);
const HOUR_MS = 3_600_000;

/** The rule an order breaks, or null. Exported for tests and for other plugins that want the same rules. */
export async function fraudRule(
  order: Pick<Order, 'id' | 'email' | 'total' | 'currencyCode' | 'shippingAddress' | 'billingAddress'>,
  options: FraudScreenOptions,
  countRecentOrders: (email: string, since: Date, exceptId: string) => Promise<number>,
): Promise<string | null> {
  if (options.maxTotal !== undefined && order.total > options.maxTotal) {
    return `fraud-screen rule max-total: total ${order.total} ${order.currencyCode} is above ${options.maxTotal}.`;
  }
  const ship = order.shippingAddress?.countryCode;
  const bill = order.billingAddress?.countryCode;
  if ((options.holdCountryMismatch ?? true) && ship && bill && ship.toUpperCase() !== bill.toUpperCase()) {
    return `fraud-screen rule country-mismatch: billing country ${bill} differs from shipping country ${ship}.`;
  }
  if (options.maxOrdersPerEmailPerHour !== undefined) {
    const earlier = await countRecentOrders(order.email, new Date(Date.now() - HOUR_MS), order.id);
    if (earlier >= options.maxOrdersPerEmailPerHour) {
      return `fraud-screen rule velocity: ${earlier + 1} orders from ${order.email} within an hour (at most ${options.maxOrdersPerEmailPerHour}).`;
    }
  }
  return null;
}

@ObjectType({ description: 'A rule of the fraud-screen plugin and how it is set.' })
export class FraudScreenRule {
  @Field({ description: 'max-total, country-mismatch or velocity: the name in the history entry of a held order.' }) rule!: string;
  @Field() enabled!: boolean;
  @Field(() => Int, { nullable: true, description: 'The limit: a total in minor units, or orders per email per hour.' }) limit?: number | null;
  @Field() description!: string;
}

/** The rules as configured, for the people who review held orders. */
export function fraudRules(options: FraudScreenOptions): FraudScreenRule[] {
  return [
    { rule: 'max-total', enabled: options.maxTotal !== undefined, limit: options.maxTotal ?? null, description: 'Holds orders whose total (minor units) is above the limit.' },
    { rule: 'country-mismatch', enabled: options.holdCountryMismatch ?? true, limit: null, description: 'Holds orders billed in another country than they ship to.' },
    { rule: 'velocity', enabled: options.maxOrdersPerEmailPerHour !== undefined, limit: options.maxOrdersPerEmailPerHour ?? null, description: 'Holds an order when the limit of orders from its email was reached within the last hour.' },
  ];
}

@Resolver()
export class FraudScreenResolver {
  @Query(() => [FraudScreenRule], { description: 'Admin (orders): the fraud-screen rules and their limits (fraud-screen plugin).' })
  fraudScreenRules(@Ctx() ctx: OrdoContext): FraudScreenRule[] {
    // The options of the plugin enabled in this engine (one resolver class, whatever the options).
    const plugin = can(ctx, admin('orders')).app.modules.find((m) => m.name === 'fraud-screen') as { options?: FraudScreenOptions } | undefined;
    return fraudRules(plugin?.options ?? {});
  }
}

export function fraudScreen(options: FraudScreenOptions = {}) {
  for (const k of ['maxTotal', 'maxOrdersPerEmailPerHour'] as const) {
    const v = options[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new Error(`fraudScreen: ${k} must be a whole number of at least 0`);
  }
  const guard: TransitionGuard<OrderStatus, Order> = async ({ em, entity: order, from, to }) => {
    if (from !== OrderStatus.PENDING || !SCREENED.has(to)) return;
    const reason = await fraudRule(order, options, (email, since, exceptId) =>
      em.count(Order, { email, placedAt: { $gte: since }, id: { $ne: exceptId } }),
    );
    return reason ? { redirect: OrderStatus.ON_HOLD, reason } : undefined;
  };
  return definePlugin({ name: 'fraud-screen', guards: { order: [guard] }, resolvers: [FraudScreenResolver], options: { ...options } });
}
