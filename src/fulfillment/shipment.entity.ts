import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Order } from '../order-core/order.entity.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';
import { ShipmentStatus } from './shipment-status.js';

/**
 * One parcel of an order from one stock location. `wave` numbers the shipments of an order at a
 * location (a backorder that arrives later ships in wave 2): the unique key keeps a replayed routing
 * job from creating a second shipment for the same units.
 * `order`, `location`, `lines`, `events`, `labelUrl` and `packingSlipUrl` are field resolvers (shipment.resolver.ts).
 */
@ObjectType({ implements: Node })
@Entity()
@Unique({ properties: ['order', 'location', 'wave'] })
@Index({ properties: ['status', 'statusChangedAt'] })
@Index({ properties: ['location', 'status'] })
export class Shipment {
  [OptionalProps]?: 'id' | 'wave' | 'createdAt' | 'statusChangedAt' | 'version';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('shp');

  @ManyToOne('Order')
  order!: Rel<Order>;

  @ManyToOne('StockLocation')
  location!: Rel<StockLocation>;

  @Property({ type: 'integer' })
  wave: number = 1;

  @Field(() => ShipmentStatus)
  @Enum({ items: () => ShipmentStatus })
  status!: ShipmentStatus;

  /** Where a shipment in EXCEPTION came from, so that it can resume from there. */
  @Enum({ items: () => ShipmentStatus, nullable: true })
  exceptionFrom?: ShipmentStatus | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  carrierCode?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true, index: true })
  trackingNumber?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  trackingUrl?: string | null;

  /** Keys in the document store; the links are signed when read. */
  @Property({ type: 'string', length: 200, nullable: true })
  labelKey?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  packingSlipKey?: string | null;

  /** When the carrier issued the label (printed on it; a label drawn on first download is dated by it). */
  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  labelledAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  estimatedDeliveryAt?: Date | null;

  /** Set when the units left stock (onHand and reserved), by staff, the workers, or a first carrier scan. */
  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  shippedAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  deliveredAt?: Date | null;

  /** Click & collect: when staff marked it ready; the pickup window counts from here (fulfillment/pickup.service.ts). */
  @Field(() => DateTimeScalar, { nullable: true, description: 'Click & collect: when it was marked ready for pickup at its store.' })
  @Property({ type: Date, nullable: true })
  readyForPickupAt?: Date | null;

  /** SHA-256 of the pickup code (the code itself is derived, never stored: fulfillment/pickup-code.ts). */
  @Property({ type: 'string', length: 64, nullable: true, index: true })
  pickupCodeHash?: string | null;

  @Property()
  createdAt: Date = new Date();

  /** When the status last changed: the stuck-shipment sweep reads it. */
  @Property()
  statusChangedAt: Date = new Date();

  @Property({ version: true })
  version!: number;
}
