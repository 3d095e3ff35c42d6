import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Order } from '../order-core/order.entity.js';
import { PaymentStatus } from '../order-core/payment-status.js';


@ObjectType({ implements: Node })
@Entity()
export class Payment {
  [OptionalProps]?: 'id' | 'createdAt' | 'amountCaptured' | 'amountRefunded' | 'capturesOpen' | 'version';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('pay');

  @ManyToOne('Order')
  order!: Rel<Order>;

  @Field()
  @Property({ length: 64 })
  method!: string;

  @Field(() => PaymentStatus)
  @Enum({ items: () => PaymentStatus })
  status!: PaymentStatus;

  @Field(() => MoneyScalar)
  @Property({ type: 'integer' })
  amount!: number;

  @Field(() => MoneyScalar)
  @Property({ type: 'integer' })
  amountCaptured: number = 0;

  @Field(() => MoneyScalar)
  @Property({ type: 'integer' })
  amountRefunded: number = 0;

  /**
   * Captured in part and still open for further captures (channel policy PER_SHIPMENT: each shipment
   * captures what it carries from the one authorization; the order's last shipment closes it).
   */
  @Property({ default: false })
  capturesOpen: boolean = false;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  transactionId?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  /** Optimistic lock: two staff members capturing at once cannot both succeed. */
  @Property({ version: true })
  version!: number;
}
