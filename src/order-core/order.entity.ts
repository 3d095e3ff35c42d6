import { Collection, Embedded, JsonType, Entity, Enum, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { PaymentStatus } from './payment-status.js';
import type { Channel } from '../channels/channel.entity.js';
import type { Customer } from '../customers/customer.entity.js';
import type { ShippingMethod } from '../shipping/shipping-method.entity.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';
import { Address } from './address.js';
import { OrderStatus } from './order-status.js';
import { OrderLine } from './order-line.entity.js';
import type { OrderDiscountRecord } from '../kernel/pricing.js';

@ObjectType({ implements: Node })
@Entity({ tableName: 'orders' })
@Unique({ properties: ['channel', 'number'] })
// One order per id of the channel's own system (importOrders answers a repeat with it). externalId first:
// it also finds an id alone, whatever the channel (orders(filter: { externalId })). Partial: most orders
// have none, and a storefront's placeOrder then writes no entry.
@Unique({
  name: 'orders_external_id_channel_id_unique',
  expression: (table, columns, name) => `create unique index "${name}" on "${table.name}" ("${columns.externalId}", "${columns.channel}") where "${columns.externalId}" is not null`,
})
// A customer's orders, newest first. Partial: a guest order (most of a storefront's) writes no entry.
@Index({
  name: 'orders_customer_id_id_index',
  expression: (table, columns, name) => `create index "${name}" on "${table.name}" ("${columns.customer}", "${columns.id}") where "${columns.customer}" is not null`,
})
// A retried placement finds the first order by its key's hash. Partial: an order placed without a key
// (most) writes no entry; two placements with one key still meet on the unique index.
@Unique({
  name: 'orders_idempotency_key_unique',
  expression: (table, columns, name) => `create unique index "${name}" on "${table.name}" ("${columns.idempotencyKey}") where "${columns.idempotencyKey}" is not null`,
})
@Index({ properties: ['email'] })
@Index({ properties: ['status', 'id', 'placedAt'] })
@Index({ properties: ['channel', 'status', 'id', 'placedAt'] })
export class Order {
  [OptionalProps]?: 'id' | 'placedAt' | 'updatedAt' | 'version' | 'discountTotal' | 'pricesIncludeTax';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('ord');

  @Field({ description: 'Human-facing order number, unique per channel, for example 1001.' })
  @Property({ length: 32 })
  number!: string;

  @Field(() => OrderStatus)
  @Enum({ items: () => OrderStatus })
  status!: OrderStatus;

  /** Where an order on hold goes back to when the hold is released. */
  @Enum({ items: () => OrderStatus, nullable: true })
  heldFrom?: OrderStatus | null;

  @Field(() => PaymentStatus)
  @Enum({ items: () => PaymentStatus })
  paymentStatus!: PaymentStatus;

  @ManyToOne('Channel')
  channel!: Rel<Channel>;

  @ManyToOne('Customer', { nullable: true })
  customer?: Rel<Customer> | null;

  @Field()
  @Property({ length: 320 })
  email!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  externalId?: string | null;

  @OneToMany(() => OrderLine, (l) => l.order)
  lineRows = new Collection<OrderLine>(this);

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => MoneyScalar) @Property({ type: 'integer' }) subtotal!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) shippingTotal!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) taxTotal!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) total!: number;

  @Field(() => MoneyScalar, { description: 'What the discounts took off: subtotal + shippingTotal + taxTotal - discountTotal = total.' })
  @Property({ type: 'integer', default: 0 })
  discountTotal: number = 0;

  /** The discounts the pricing steps gave at placement, with each step's reference (Order.discounts). */
  @Property({ type: JsonType, nullable: true })
  discounts?: OrderDiscountRecord[] | null;

  /**
   * Whether the order's prices were gross (its channel's pricesIncludeTax when it was placed): its lines'
   * unitPrice and lineTotal include tax, which was taken out of each line. Kept, so a later change of the
   * channel re-prices no old order (cancellations, edits, exchanges, invoices use it).
   */
  @Field({ description: "Whether the order's unit prices include tax (its channel's pricesIncludeTax at placement): tax was taken out of each line's gross, half-up. subtotal and shippingTotal are net either way." })
  @Property({ default: false })
  pricesIncludeTax: boolean = false;

  /** The destination's tax rate when the order was placed, in basis points. */
  @Property({ type: 'integer' })
  taxBasisPoints!: number;

  @Field(() => Address)
  @Embedded(() => Address, { prefix: 'ship_' })
  shippingAddress!: Address;

  @Field(() => Address, { nullable: true })
  @Embedded(() => Address, { prefix: 'bill_', nullable: true })
  billingAddress?: Address | null;

  @ManyToOne('ShippingMethod', { nullable: true })
  shippingMethod?: Rel<ShippingMethod> | null;

  /**
   * Click & collect: the STORE location the buyer collects the order at (its stock is reserved there, the
   * shipping address is the store's). Null for delivered orders. Order.pickupLocation (orders/pickup.ts).
   */
  @ManyToOne('StockLocation', { nullable: true })
  pickupLocation?: Rel<StockLocation> | null;

  @Field(() => String, { nullable: true, description: "The buyer's note from placeOrder (for a replacement order: what it replaces)." })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  estimatedDeliveryAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "The delivery date promised at placement: the last of its locations' handover (cut-off time, working days, handling days) plus the shipping method's transit days. Null when units wait for stock. Kept as it was promised, for the on-time rate." })
  @Property({ type: Date, nullable: true })
  promisedDeliveryAt?: Date | null;

  @Field(() => DateTimeScalar)
  @Property()
  placedAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** SHA-256 of the order access token handed to the buyer at placement. */
  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  accessTokenHash?: string | null;

  /** Hash of (channel, buyer, client key): a retried placement finds the first order by it (a partial unique index, above). */
  @Property({ type: 'string', length: 64, nullable: true })
  idempotencyKey?: string | null;

  /** Hash of the placement input, so that a key reused for a different order is refused. */
  @Property({ type: 'string', length: 64, nullable: true })
  requestHash?: string | null;

  @Property({ version: true })
  version!: number;
}
