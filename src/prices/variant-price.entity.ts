// A variant's price in one sales channel, in the channel's currency: what a buyer there pays instead of
// the catalog price (placement, quotes, draft orders and edits read it by channel; orders keep the price
// on their own lines, so changing it re-prices no placed order).
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { ProductVariant } from '../catalog/variant.entity.js';
import type { Channel } from '../channels/channel.entity.js';

@ObjectType({ description: "A variant's own price in a sales channel (setVariantPrice), in the channel's currency." })
@Entity({ tableName: 'variant_price' })
@Unique({ properties: ['variant', 'channel'] })
export class VariantPrice {
  [OptionalProps]?: 'id' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('vpr');

  @ManyToOne('ProductVariant')
  variant!: Rel<ProductVariant>;

  @ManyToOne('Channel')
  channel!: Rel<Channel>;

  @Field(() => MoneyScalar, { description: "In minor units of currencyCode; gross when the channel's prices include tax." })
  @Property({ type: 'integer' })
  price!: number;

  @Field({ description: "The channel's currency." })
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => DateTimeScalar)
  @Property()
  updatedAt: Date = new Date();
}
