// The sales rollups (docs/analytics.md): one row per channel, currency and local day (`sales_day`), one
// per channel, currency, local day and SKU (`sku_day`), and what each order adds to them now
// (`sales_order_rollup`). Written only by `sales-rollup.ts` (event jobs) and `sales-rebuild.ts`; reports read
// the day rows and never scan orders. Money in minor units of `currency`; bigint, since a day of a large
// shop may pass 2^31 cents.
import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

const money = () => ({ type: new BigIntType('number'), default: 0 });

/** The figures a day row holds and an order adds to it. */
@Entity({ abstract: true })
abstract class SalesFigureColumns {
  @Property({ type: 'integer', default: 0 }) orders: number = 0;
  @Property({ type: 'integer', default: 0 }) units: number = 0;
  @Property(money()) gross: number = 0;
  @Property(money()) discounts: number = 0;
  @Property(money()) returns: number = 0;
  @Property(money()) tax: number = 0;
  @Property(money()) shipping: number = 0;
  @Property(money()) refunds: number = 0;
}

@Entity({ tableName: 'sales_day' })
export class SalesDay extends SalesFigureColumns {
  // Key order (channel, day, ...): a report's range of a channel's days is one range of the primary key.
  @PrimaryKey({ length: 40 }) channelId!: string;
  /** The local date in the channel's time zone, 'YYYY-MM-DD' (sorts as text). */
  @PrimaryKey({ length: 10 }) day!: string;
  @PrimaryKey({ length: 3 }) currency!: string;
}

@Entity({ tableName: 'sku_day' })
export class SkuDay {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  @PrimaryKey({ length: 3 }) currency!: string;
  @PrimaryKey({ length: 100 }) sku!: string;
  @Property({ type: 'integer', default: 0 }) unitsSold: number = 0;
  @Property({ type: 'integer', default: 0 }) unitsReturned: number = 0;
  /** The lines' value before tax, less their share of the discounts and the returned units' value. */
  @Property(money()) netSales: number = 0;
}

/**
 * What one order adds to the day rows today: an event of the order recounts it from its rows and moves the
 * day rows by the difference, so events handled late, twice or out of order still leave the right sums.
 */
@Entity({ tableName: 'sales_order_rollup' })
@Index({ properties: ['channelId', 'day'] })
export class SalesOrderRollup extends SalesFigureColumns {
  @PrimaryKey({ length: 40 }) orderId!: string;
  /** '' until first counted. */
  @Property({ length: 40 }) channelId!: string;
  @Property({ length: 3 }) currency!: string;
  @Property({ length: 10 }) day!: string;
  /** Per SKU [units sold, units returned, net sales], as JSON text. */
  @Property({ type: 'text' }) skus: string = '{}';
}
