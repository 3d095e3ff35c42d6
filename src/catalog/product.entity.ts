import { Collection, Entity, OneToMany, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { ProductVariant } from './variant.entity.js';

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

  @Property()
  active: boolean = true;

  @OneToMany(() => ProductVariant, (v) => v.product)
  variantRows = new Collection<ProductVariant>(this);

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}
