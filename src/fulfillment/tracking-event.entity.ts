import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { ShipmentStatus } from './shipment-status.js';
import type { Shipment } from './shipment.entity.js';

/** What happened to a parcel, as the carrier (or staff) reported it: Shipment.events. */
@ObjectType('TrackingEvent')
@Entity()
@Index({ properties: ['shipment', 'at'] })
export class TrackingEvent {
  [OptionalProps]?: 'id' | 'recordedAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('trk');

  @ManyToOne('Shipment')
  shipment!: Rel<Shipment>;

  @Field(() => ShipmentStatus)
  @Enum({ items: () => ShipmentStatus })
  status!: ShipmentStatus;

  /** When it happened (the carrier's time); recordedAt is when we learnt it. */
  @Field(() => DateTimeScalar)
  @Property()
  at!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  location?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 1000, nullable: true })
  description?: string | null;

  @Property()
  recordedAt: Date = new Date();
}
