import { Entity, Enum, Index, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Order } from '../order-core/order.entity.js';
import { PaymentStatus } from '../order-core/payment-status.js';


@ObjectType({ description: 'A step the buyer takes before a payment is authorized.' })
export class PaymentNextAction {
  @Field({ description: "The provider's name of the step (Stripe: use_stripe_sdk, redirect_to_url)." }) type!: string;
  @Field(() => String, { nullable: true, description: "For the provider's client library (Stripe.js: the PaymentIntent's client secret)." }) clientSecret?: string | null;
  @Field(() => String, { nullable: true }) redirectUrl?: string | null;
}

@ObjectType({ implements: Node })
@Entity()
@Index({ properties: ['order'] })
export class Payment {
  [OptionalProps]?: 'id' | 'createdAt' | 'amountCaptured' | 'amountRefunded' | 'capturesOpen' | 'nextAction' | 'amountDisputed' | 'version';

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

  @Field(() => MoneyScalar, { description: "Captured money the buyer's bank disputes (a chargeback) and has not settled: the order is in unreconciledOrders meanwhile." })
  @Property({ type: 'integer', default: 0 })
  amountDisputed: number = 0;

  @Field(() => PaymentNextAction, { nullable: true, description: 'While PENDING: the step the buyer takes before the provider authorizes (3-D Secure); the storefront hands it to the provider\'s client library.' })
  @Property({ type: JsonType, nullable: true })
  nextAction?: PaymentNextAction | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  /** Optimistic lock: two staff members capturing at once cannot both succeed. */
  @Property({ version: true })
  version!: number;
}
