import { Entity, Enum, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

/** How the buyer gets the goods: a carrier brings them, or the buyer collects them at a store (click & collect). */
export enum ShippingMethodKind {
  DELIVERY = 'DELIVERY',
  PICKUP = 'PICKUP',
}
registerEnumType(ShippingMethodKind, {
  name: 'ShippingMethodKind',
  valuesConfig: {
    DELIVERY: { description: 'A carrier delivers the parcel to the shipping address (a label is bought).' },
    PICKUP: { description: 'The buyer collects the order at a STORE location (PlaceOrderInput.pickupLocationCode); no label, no carrier.' },
  },
});

@ObjectType({ implements: Node })
@Entity()
export class ShippingMethod {
  [OptionalProps]?: 'id' | 'active' | 'countries' | 'serviceCode' | 'carrierRated' | 'kind';

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

  @Field(() => ShippingMethodKind, { description: 'DELIVERY (a carrier) or PICKUP (collected at a store: docs/click-and-collect.md).' })
  @Enum({ items: () => ShippingMethodKind, default: ShippingMethodKind.DELIVERY })
  kind: ShippingMethodKind = ShippingMethodKind.DELIVERY;

  @Field(() => String, { nullable: true, description: "The carrier's service this method buys, as the carrier names it (for example `USPS/Priority`); null: the carrier's cheapest." })
  @Property({ type: 'string', length: 100, nullable: true })
  serviceCode?: string | null;

  @Field({ description: "Priced by the carrier's live rate for the parcel (weights of the units, the shipping location's box) plus `price` as a handling fee; otherwise `price` is the flat price." })
  @Property()
  carrierRated: boolean = false;

  @Field(() => MoneyScalar, { description: 'The flat price; for a carrier-rated method the handling fee added to the rate.' })
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

  @Field(() => [String], { nullable: true, description: 'ISO 3166 alpha-2 codes of the countries the method delivers to; null: every country.' })
  @Property({ type: JsonType, nullable: true })
  countries?: string[] | null;

  @Property()
  active: boolean = true;

  /** Whether the method delivers to a country (quoteOrder lists only those; placeOrder refuses the others). */
  serves(countryCode: string): boolean {
    return !this.countries || this.countries.includes(countryCode);
  }
}
