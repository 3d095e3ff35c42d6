import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

// Customer rollups (docs/analytics.md, "Fulfillment, returns and customers"), written only by
// customer-rollup.ts and operations-rebuild.ts. A customer is its customer id, a guest its e-mail
// address lower-cased (`customerKey`: customer-key.ts).

/**
 * The local day of a customer's first order in a channel (the earliest, whatever order the events came in);
 * `channelId` '*' holds the earliest over all channels, and its row is the customer's lock (customer-rollup.ts).
 */
@Entity({ tableName: 'customer_first_order' })
@Index({ properties: ['customerKey'] })
export class CustomerFirstOrder {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 340 }) customerKey!: string;
  @Property({ length: 10 }) firstDay!: string;
  @Property({ type: 'string', length: 40, nullable: true }) customerId?: string | null;
  @Property({ length: 320 }) email!: string;
}

/** Per channel, customer, local day of placement and currency: orders not cancelled and their net sales. */
@Entity({ tableName: 'customer_day' })
@Index({ properties: ['channelId', 'day'] })
export class CustomerDay {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 340 }) customerKey!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  @PrimaryKey({ length: 3 }) currencyCode!: string;
  @Property({ type: 'integer', default: 0 }) orders: number = 0;
  @Property({ type: 'bigint', default: 0 }) netSales: string | number = 0;
}

/**
 * What customer_day holds of one order: whether it counts (not cancelled) and its net sales (total less
 * what its returns refunded). An event of the order compares the order's rows with this and adds the
 * difference, so events may come in any order and twice.
 */
@Entity({ tableName: 'customer_order_rollup' })
export class CustomerOrderRollup {
  @PrimaryKey({ length: 40 }) orderId!: string;
  @Property({ length: 40 }) channelId!: string;
  @Property({ length: 340 }) customerKey!: string;
  @Property({ length: 10 }) day!: string;
  @Property({ length: 3 }) currencyCode!: string;
  @Property({ type: 'integer', default: 0 }) orders: number = 0;
  @Property({ type: 'bigint', default: 0 }) netSales: string | number = 0;
}

/**
 * The customer report's counts without grouping customers (customer-points.ts): each order a customer
 * placed and did not cancel is a point on its local day, keyed by the day of that customer's order before
 * it (kind P, its `ref`), or by the customer's first day when it is their first (F), and by the day of the order two
 * before (Q, '' when none). Over a window [a, b], the points with a key before a count the customers,
 * the returning ones and, by difference, those who ordered twice (docs/analytics.md). Kept per channel
 * (`scopeId` = the channel's id) and over all channels (`scopeId` = '*'), at two grains: the key's day
 * (P, F, Q) and its month (PM, FM, QM), so a window reads few rows whatever its start.
 */
@Entity({ tableName: 'customer_point' })
export class CustomerPoint {
  @PrimaryKey({ length: 40 }) scopeId!: string;
  @PrimaryKey({ length: 2 }) kind!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  /** The day (or month, for PM, FM, QM) the point is keyed by: a previous order's, the first order's, or ''. */
  @PrimaryKey({ length: 10 }) ref!: string;
  @Property({ type: 'integer', default: 0 }) n: number = 0;
}

/**
 * Per scope (a channel's id, or '*'), customer, month ('YYYY-MM') and currency: orders not cancelled and
 * their net sales. The top customers of a window are found from these month lists, sorted by net sales,
 * before the window's own days are summed for the few candidates (customer-top.ts).
 */
@Entity({ tableName: 'customer_month' })
@Index({ properties: ['scopeId', 'month', 'currencyCode', 'netSales'] })
export class CustomerMonth {
  @PrimaryKey({ length: 40 }) scopeId!: string;
  @PrimaryKey({ length: 340 }) customerKey!: string;
  @PrimaryKey({ length: 7 }) month!: string;
  @PrimaryKey({ length: 3 }) currencyCode!: string;
  @Property({ type: 'integer', default: 0 }) orders: number = 0;
  @Property({ type: 'bigint', default: 0 }) netSales: string | number = 0;
}
