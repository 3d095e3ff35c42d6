import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { newId } from '../kernel/ids.js';
import type { OrderLine } from '../order-core/order-line.entity.js';
import type { Shipment } from './shipment.entity.js';

/** Units of one order line in one shipment. `orderLine` is a field resolver. */
@ObjectType()
@Entity()
@Unique({ properties: ['shipment', 'orderLine'] })
export class ShipmentLine {
  [OptionalProps]?: 'id';

  @PrimaryKey({ length: 40 })
  id: string = newId('shl');

  @ManyToOne('Shipment')
  shipment!: Rel<Shipment>;

  @ManyToOne('OrderLine')
  orderLine!: Rel<OrderLine>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;
}
