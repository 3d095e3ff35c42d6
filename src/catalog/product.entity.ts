import { Collection, Entity, JsonType, OneToMany, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { ProductVariant } from './variant.entity.js';
import type { ProductOption } from './product-options.js';

@ObjectType({ implements: Node })
@Entity()
export class Product {
  [OptionalProps]?: 'id' | 'createdAt' | 'active';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('prd');

  @Field()
  @Property({ length: 300 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** False once archived: not listed to buyers, its variants not sold (archiveProduct archives them too). */
  @Property()
  active: boolean = true;

  /** The options its variants choose from (product-options.ts); null: none. */
  @Property({ type: JsonType, nullable: true })
  options?: ProductOption[] | null;

  @OneToMany(() => ProductVariant, (v) => v.product)
  variantRows = new Collection<ProductVariant>(this);

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}
