import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

@ObjectType({ implements: Node })
@Entity()
export class ShippingMethod {
  [OptionalProps]?: 'id' | 'active';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('shm');

  @Field()
  @Property({ length: 64, unique: true })
  code!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field()
  @Property({ length: 64 })
  carrierCode!: string;

  @Field(() => MoneyScalar)
  @Property({ type: 'integer' })
  price!: number;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  minTransitDays!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  maxTransitDays!: number;

  @Property()
  active: boolean = true;
}
