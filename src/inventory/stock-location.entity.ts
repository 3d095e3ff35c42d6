import { Entity, Enum, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { LocationAddress, ParcelBox } from './ship-from.js';

export enum StockLocationKind {
  WAREHOUSE = 'WAREHOUSE',
  STORE = 'STORE',
  THIRD_PARTY_LOGISTICS = 'THIRD_PARTY_LOGISTICS',
  DROPSHIP = 'DROPSHIP',
}
registerEnumType(StockLocationKind, { name: 'StockLocationKind' });

@ObjectType({ implements: Node })
@Entity()
export class StockLocation {
  [OptionalProps]?: 'id' | 'priority' | 'autoFulfill' | 'active' | 'address' | 'parcelBox';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('loc');

  @Field()
  @Property({ length: 64, unique: true })
  code!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => StockLocationKind)
  @Enum({ items: () => StockLocationKind })
  kind!: StockLocationKind;

  @Field()
  @Property({ length: 2 })
  countryCode!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  region?: string | null;

  @Field(() => Int, { description: 'Lower is preferred when several locations can fill an order.' })
  @Property({ type: 'integer' })
  priority: number = 100;

  @Field({ description: "Shipments from this location are picked, packed, labelled and handed over by the engine's workers with no person involved (3PL and drop-ship partners, automated warehouses)." })
  @Property()
  autoFulfill: boolean = false;

  @Field(() => LocationAddress, { nullable: true, description: 'Where labels say the parcel comes from; needed by carriers that buy real labels or quote live rates.' })
  @Property({ type: JsonType, nullable: true })
  address?: LocationAddress | null;

  @Field(() => ParcelBox, { nullable: true, description: 'The box orders are packed in here (size, empty weight); a medium carton when not set.' })
  @Property({ type: JsonType, nullable: true })
  parcelBox?: ParcelBox | null;

  @Property()
  active: boolean = true;
}
