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
  [OptionalProps]?: 'id' | 'priority' | 'autoFulfill' | 'active' | 'address' | 'parcelBox' | 'timeZone' | 'cutoffTime' | 'workingDays' | 'handlingDays';

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

  @Field(() => String, { nullable: true, description: 'IANA time zone of the location (Europe/Berlin), for its cut-off time and working days; UTC when not set.' })
  @Property({ type: 'string', length: 64, nullable: true })
  timeZone?: string | null;

  @Field(() => String, { nullable: true, description: "HH:MM local: orders placed later ship the next working day (delivery promises); none: any time of a working day." })
  @Property({ type: 'string', length: 5, nullable: true })
  cutoffTime?: string | null;

  @Field(() => [Int], { nullable: true, description: 'ISO weekdays the location ships on (1 = Monday … 7 = Sunday); Monday to Friday when not set.' })
  @Property({ type: JsonType, nullable: true })
  workingDays?: number[] | null;

  @Field(() => Int, { description: 'Working days between an order and its handover here (0: the same day, before the cut-off).' })
  @Property({ type: 'integer', default: 0 })
  handlingDays: number = 0;

  @Property()
  active: boolean = true;
}
