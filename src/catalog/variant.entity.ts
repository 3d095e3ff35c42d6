import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Product } from './product.entity.js';

@ObjectType({ implements: Node })
@Entity()
export class ProductVariant {
  [OptionalProps]?: 'id' | 'trackInventory' | 'allowBackorder' | 'active';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('var');

  @Field()
  @Property({ length: 100, unique: true })
  sku!: string;

  @Field()
  @Property({ length: 300 })
  name!: string;

  @ManyToOne('Product')
  product!: Rel<Product>;

  @Field(() => MoneyScalar)
  @Property({ type: 'integer' })
  price!: number;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  weightGrams?: number | null;

  @Field()
  @Property()
  trackInventory: boolean = true;

  @Field()
  @Property()
  allowBackorder: boolean = false;

  @Property()
  active: boolean = true;
}
