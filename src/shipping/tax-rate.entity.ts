import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { basisPointsToPercent } from '../kernel/money.js';

/** The tax rate of a destination country, kept in basis points so that tax is integer arithmetic. */
@ObjectType()
@Entity()
export class TaxRate {
  [PrimaryKeyProp]?: 'countryCode';

  @Field()
  @PrimaryKey({ length: 2 })
  countryCode!: string;

  @Property({ type: 'integer' })
  basisPoints!: number;

  @Field(() => Float)
  get ratePercent(): number {
    return basisPointsToPercent(this.basisPoints);
  }
}
