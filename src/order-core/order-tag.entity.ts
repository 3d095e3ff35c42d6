import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { Order } from './order.entity.js';

/**
 * A staff label on an order ('vip', 'fraud-review'): a row per (order, tag), so `orders(filter: { tags })`
 * finds an order by an index instead of reading a list on every row, and the hot orders row stays as it is.
 */
@Entity({ tableName: 'order_tag' })
@Index({ properties: ['tag', 'order'] })
export class OrderTag {
  [OptionalProps]?: 'createdAt';

  @ManyToOne('Order', { primary: true, deleteRule: 'cascade' })
  order!: Rel<Order>;

  /** Trimmed and lower-cased, as customers' tags are. */
  @PrimaryKey({ length: 40 })
  tag!: string;

  @Property()
  createdAt: Date = new Date();
}
