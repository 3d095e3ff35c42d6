import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { OrderStatus } from './order-status.js';
import type { Order } from './order.entity.js';

@ObjectType()
@Entity()
@Index({ properties: ['order', 'id'] })
export class OrderHistoryEntry {
  [OptionalProps]?: 'id' | 'at';

  @PrimaryKey({ length: 40 })
  id: string = newId('his');

  @ManyToOne('Order')
  order!: Rel<Order>;

  @Field(() => DateTimeScalar)
  @Property()
  at: Date = new Date();

  @Field({ description: 'Machine-readable kind of entry, for example STATUS_CHANGED, PAYMENT_CAPTURED, SHIPMENT_CREATED.' })
  @Property({ length: 64 })
  type!: string;

  @Field(() => OrderStatus, { nullable: true })
  @Enum({ items: () => OrderStatus, nullable: true })
  fromStatus?: OrderStatus | null;

  @Field(() => OrderStatus, { nullable: true })
  @Enum({ items: () => OrderStatus, nullable: true })
  toStatus?: OrderStatus | null;

  @Field()
  @Property({ length: 2000 })
  message!: string;

  @Field({ description: "Who caused it: an admin key's name, 'customer', or 'system'." })
  @Property({ length: 100 })
  actor!: string;
}
