import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

// Customer rollups (docs/analytics.md, "Fulfillment, returns and customers"), written only by
// customer-rollup.ts and operations-rebuild.ts. A customer is its customer id, a guest its e-mail
// address lower-cased (`customerKey`: customer-key.ts).

/** The local day of a customer's first order in a channel (the earliest, whatever order the events came in). */
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
