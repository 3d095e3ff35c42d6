import { Entity, Index, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { ProductVariant } from '../catalog/variant.entity.js';
import type { Allocation } from '../inventory/stock-ledger.js';
import type { Order } from './order.entity.js';

@ObjectType()
@Entity()
@Index({ properties: ['order'] })
// Routing's allocateBackorders: the lines of a variant that wait for stock (few, so a partial index; placeOrder
// writes an entry only for a backordered line). docs/indexes.md.
@Index({
  name: 'order_line_variant_id_backordered_index',
  expression: (table, columns, name) => `create index "${name}" on "${table.name}" ("${columns.variant}") where "${columns.quantityBackordered}" > 0`,
})
export class OrderLine {
  [OptionalProps]?: 'id' | 'quantityShipped' | 'quantityReturned' | 'quantityBackordered' | 'quantityCancelled' | 'preorder' | 'quantityPreordered';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('oln');

  @ManyToOne('Order')
  order!: Rel<Order>;

  @ManyToOne('ProductVariant', { nullable: true })
  variant?: Rel<ProductVariant> | null;

  @Field() @Property({ length: 100 }) sku!: string;
  @Field() @Property({ length: 300 }) name!: string;
  @Field(() => Int) @Property({ type: 'integer' }) quantity!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) unitPrice!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) taxTotal!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) lineTotal!: number;
  @Field(() => Int) @Property({ type: 'integer' }) quantityShipped: number = 0;
  @Field(() => Int) @Property({ type: 'integer' }) quantityReturned: number = 0;

  /** Units cancelled before they shipped (cancelOrderLines, cancelShipment); `quantity` is what is still ordered, and the line's totals are for it. */
  @Field(() => Int, { description: 'Units cancelled before they shipped; quantity counts what is still ordered.' })
  @Property({ type: 'integer', default: 0 })
  quantityCancelled: number = 0;

  /** Units that wait for stock (the line's variant allows backorders). */
  @Field(() => Int)
  @Property({ type: 'integer' })
  quantityBackordered: number = 0;

  /** Taken as a preorder (catalog/preorder.ts): its payment is captured at shipment whatever the channel's policy. */
  @Field({ description: 'Ordered as a preorder, before the variant was released.' })
  @Property({ default: false })
  preorder: boolean = false;

  /** Of the backordered units, those waiting for the variant's release (counted by its preorder counter); 0 once released. */
  @Field(() => Int, { description: 'Units waiting for the release date (preordered); they are also counted in quantityBackordered.' })
  @Property({ type: 'integer', default: 0 })
  quantityPreordered: number = 0;

  /** Where the line's units are reserved: the order's stock, per location, part of the order aggregate. */
  @Property({ type: JsonType })
  allocations: Allocation[] = [];
}
