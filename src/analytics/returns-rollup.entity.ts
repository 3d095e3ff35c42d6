import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

// Returns rollups (docs/analytics.md, "Fulfillment, returns and customers"), written only by
// returns-rollup.ts (increments) and operations-rebuild.ts. `day` is the channel's local day.

/**
 * Per channel, local day the return was requested on, SKU, reason and currency: units received, those
 * restocked (disposition RESTOCK), and the return's refund to the order's payments, shared among its
 * received lines (returns-refund-share.ts).
 */
@Entity({ tableName: 'returns_sku_day' })
@Index({ properties: ['channelId', 'day'] })
export class ReturnsSkuDay {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  @PrimaryKey({ length: 100 }) sku!: string;
  @PrimaryKey({ length: 20 }) reason!: string;
  @PrimaryKey({ length: 3 }) currencyCode!: string;
  @Property({ type: 'integer', default: 0 }) returnedUnits: number = 0;
  @Property({ type: 'integer', default: 0 }) restockedUnits: number = 0;
  @Property({ type: 'bigint', default: 0 }) refunds: string | number = 0;
}

/** Units of a SKU shipped per channel and local day: the denominator of the return rate. */
@Entity({ tableName: 'returns_shipped_day' })
@Index({ properties: ['channelId', 'day'] })
export class ReturnsShippedDay {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  @PrimaryKey({ length: 100 }) sku!: string;
  @Property({ type: 'integer', default: 0 }) units: number = 0;
}
