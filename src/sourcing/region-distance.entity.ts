import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';

/**
 * How far a buyer's region is from a location's, for the `nearest` strategy (and the tie-breaks of the
 * others). A region is a country code (`AT`) or a country code and region (`US-TX`, the region as the
 * address and the location write it); the distance is any unit the merchant likes, kilometres or days.
 * Looked up both ways, the most precise pair first.
 */
@ObjectType()
@Entity()
@Unique({ properties: ['fromRegion', 'toRegion'] })
export class RegionDistance {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field({ description: "The buyer's region: a country code (AT) or country-region (US-TX)." })
  @Property({ length: 110 })
  fromRegion!: string;

  @Field({ description: "The location's region, written the same way." })
  @Property({ length: 110 })
  toRegion!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  distance!: number;
}
