import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Order } from '../order-core/order.entity.js';
import type { OrderLine } from '../order-core/order-line.entity.js';
import { ItemDisposition, RefundDestination, ReturnReason, ReturnResolution, ReturnStatus } from './return-status.js';

/**
 * A return (RMA) of some shipped units of one order. `order`, `lines`, `labelUrl`, `refundTotal` and
 * `exchangeOrder` are field resolvers (return.resolver.ts).
 */
@ObjectType({ implements: Node })
@Entity()
@Unique({ properties: ['channelId', 'number'] })
@Index({ properties: ['order', 'id'] })
@Index({ properties: ['status', 'id'] })
export class ReturnRequest {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version' | 'refundedAmount' | 'exchangeDifference' | 'refundTo';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('ret');

  @Field()
  @Property({ length: 40 })
  number!: string;

  @Property({ length: 40 })
  channelId!: string;

  @ManyToOne('Order')
  order!: Rel<Order>;

  @Field(() => ReturnStatus)
  @Enum({ items: () => ReturnStatus })
  status!: ReturnStatus;

  @Field(() => ReturnResolution)
  @Enum({ items: () => ReturnResolution })
  resolution!: ReturnResolution;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  customerNote?: string | null;

  @Property({ type: 'text', nullable: true })
  rejectionReason?: string | null;

  /** The return label: carrier, tracking number and the PDF's key in the document store. */
  @Property({ type: 'string', length: 64, nullable: true })
  carrierCode?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  trackingNumber?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  labelKey?: string | null;

  /** Where received units go back to (the location the units shipped from). */
  @Property({ type: 'string', length: 40, nullable: true })
  locationId?: string | null;

  /**
   * Where a REFUND resolution's money goes (the field resolver `refundTo`): null or ORIGINAL_PAYMENT, the order's payments; STORE_CREDIT,
   * the customer's store credit (gift-cards/). A plain string column: SQLite cannot widen an enum's CHECK.
   */
  @Property({ type: 'string', length: 20, nullable: true })
  refundTo?: RefundDestination | null;

  /** Money refunded to the order's payments for this return (minor units); null until it is resolved by a refund. */
  @Property({ type: 'integer', nullable: true })
  refundedAmount?: number | null;

  @ManyToOne('Order', { nullable: true })
  exchangeOrder?: Rel<Order> | null;

  /**
   * An exchange's price difference for the replacement (minor units, tax included): positive = the
   * customer pays it (the replacement order's total), negative = refunded. Null until an exchange resolves.
   */
  @Field(() => MoneyScalar, { nullable: true, description: 'An exchange for other variants: the price difference, tax included; positive = the customer pays it (the replacement order\'s total), negative = refunded. Null until the exchange is resolved.' })
  @Property({ type: 'integer', nullable: true })
  exchangeDifference?: number | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ version: true })
  version!: number;
}

/** Units of one order line in a return. `orderLine` is a field resolver. */
@ObjectType()
@Entity()
@Unique({ properties: ['returnRequest', 'orderLine'] })
export class ReturnLine {
  [OptionalProps]?: 'id' | 'quantityReceived' | 'exchangeSku';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('rtl');

  @ManyToOne('ReturnRequest')
  returnRequest!: Rel<ReturnRequest>;

  @ManyToOne('OrderLine')
  orderLine!: Rel<OrderLine>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => ReturnReason)
  @Enum({ items: () => ReturnReason })
  reason!: ReturnReason;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantityReceived: number = 0;

  @Field(() => ItemDisposition, { nullable: true })
  @Enum({ items: () => ItemDisposition, nullable: true })
  disposition?: ItemDisposition | null;

  /** An exchange for another variant: the SKU the replacement ships instead of the returned one. */
  @Field(() => String, { nullable: true, description: 'An exchange for another variant: the SKU the replacement order ships instead of the returned one.' })
  @Property({ type: 'string', length: 100, nullable: true })
  exchangeSku?: string | null;
}
