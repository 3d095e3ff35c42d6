import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

// Fulfillment rollups (docs/analytics.md, "Fulfillment, returns and customers"): per channel, stock
// location and local day of the channel, written only by fulfillment-rollup.ts (increments) and
// operations-rebuild.ts. `day` is 'YYYY-MM-DD' in the channel's time zone: it compares as text.

/** Shipments that left a location on a day, and deliveries of its shipments on a day. */
@Entity({ tableName: 'fulfillment_day' })
@Index({ properties: ['channelId', 'day'] })
export class FulfillmentDay {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 40 }) locationId!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  /** Shipments handed over (SHIPPED) on the day. */
  @Property({ type: 'integer', default: 0 }) shipments: number = 0;
  /** Shipments delivered on the day, those of them whose order had a promised date, and those on time. */
  @Property({ type: 'integer', default: 0 }) delivered: number = 0;
  @Property({ type: 'integer', default: 0 }) deliveredPromised: number = 0;
  @Property({ type: 'integer', default: 0 }) deliveredOnTime: number = 0;
}

/**
 * The placement-to-shipped lead times of the shipments that left on a day, as a histogram: `bucket` is
 * the bucket's lower bound in hours (fulfillment-lead-buckets.ts: one an hour up to 14 days, then one a
 * day), so percentiles read from it are exact to the bucket's width.
 */
@Entity({ tableName: 'fulfillment_lead' })
@Index({ properties: ['channelId', 'day'] })
export class FulfillmentLead {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 40 }) locationId!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  @PrimaryKey({ type: 'integer' }) bucket!: number;
  @Property({ type: 'integer', default: 0 }) shipments: number = 0;
}

/**
 * Order figures per channel and day: orders placed and of them those that were ever BACKORDERED (on
 * the day they were placed); orders fully shipped and of them those shipped in more than one shipment
 * (on the day their last shipment left).
 */
@Entity({ tableName: 'fulfillment_order_day' })
export class FulfillmentOrderDay {
  @PrimaryKey({ length: 40 }) channelId!: string;
  @PrimaryKey({ length: 10 }) day!: string;
  @Property({ type: 'integer', default: 0 }) ordersPlaced: number = 0;
  @Property({ type: 'integer', default: 0 }) backorderedOrders: number = 0;
  @Property({ type: 'integer', default: 0 }) shippedOrders: number = 0;
  @Property({ type: 'integer', default: 0 }) splitOrders: number = 0;
}

/**
 * A thing counted once for a fact, whatever its events say later: an order `BACKORDERED` (however often it
 * waits again), a shipment `SHIPPED` / `SHIPPED_UNITS` (a shipment resumed from an EXCEPTION to SHIPPED
 * records `shipment.shipped` again). Inserted with ON CONFLICT DO NOTHING: the first insert counts.
 */
@Entity({ tableName: 'operations_mark' })
export class OperationsMark {
  @PrimaryKey({ length: 40 }) subjectId!: string;
  @PrimaryKey({ length: 16 }) mark!: string;
}
