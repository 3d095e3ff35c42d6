// A variant's price history: one row per change of its catalog price or of its price in a channel, so
// staff can see what a SKU cost when (orders keep the price they were placed at on their own lines).
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { ProductVariant } from './variant.entity.js';

@ObjectType({ description: "A change of a variant's price: its catalog price (channelCode null) or its price in a channel." })
@Entity()
@Index({ properties: ['variant', 'changedAt'] })
export class PriceChange {
  [OptionalProps]?: 'id' | 'changedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('prc');

  @ManyToOne('ProductVariant')
  variant!: Rel<ProductVariant>;

  /** The channel whose price changed; null: the catalog price. Kept as the code (catalog imports no channels). */
  @Field(() => String, { nullable: true, description: 'The channel whose price changed; null for the catalog price.' })
  @Property({ length: 64, nullable: true })
  channelCode?: string | null;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => MoneyScalar, { nullable: true, description: 'The price before; null when the channel had no price of its own.' })
  @Property({ type: 'integer', nullable: true })
  oldPrice?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: "The price after; null when the channel's own price was removed." })
  @Property({ type: 'integer', nullable: true })
  newPrice?: number | null;

  @Field({ description: 'Who changed it: a staff member or key name, or system.' })
  @Property({ length: 200 })
  changedBy!: string;

  @Field(() => DateTimeScalar)
  @Property()
  changedAt: Date = new Date();
}
