// A draft order: an order staff put together (phone, B2B, in store) before it is placed. It reserves
// nothing and no customer sees it; completeDraftOrder places it through placeOrder, with the staff's
// per-line price overrides, and the draft then points to the order it became.
import { Embedded, Entity, Enum, Index, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { Address } from '../order-core/address.js';

export enum DraftOrderStatus {
  OPEN = 'OPEN',
  COMPLETED = 'COMPLETED',
}
registerEnumType(DraftOrderStatus, { name: 'DraftOrderStatus', description: 'OPEN until completeDraftOrder places it; then COMPLETED, for good.' });

@ObjectType()
export class DraftOrderLine {
  @Field() sku!: string;
  @Field(() => Int) quantity!: number;

  @Field(() => MoneyScalar, { nullable: true, description: 'The unit price staff set instead of the catalog price (before tax); null: the catalog price.' })
  unitPrice?: number | null;

  @Field(() => String, { nullable: true, description: 'Why the price was overridden (shown in the order history).' })
  priceOverrideReason?: string | null;
}

@ObjectType({ implements: Node, description: 'An order staff are putting together; it reserves nothing until it is completed.' })
@Entity({ tableName: 'draft_order' })
@Index({ properties: ['status', 'id'] })
export class DraftOrder {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'updatedAt' | 'version';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('dft');

  @Field(() => DraftOrderStatus)
  @Enum({ items: () => DraftOrderStatus })
  status: DraftOrderStatus = DraftOrderStatus.OPEN;

  @Field({ description: 'The sales channel the order will come from.' })
  @Property({ length: 64 })
  channelCode!: string;

  /** The customer the order is for (their email is the order's), or null for an email only. */
  @Property({ type: 'string', length: 40, nullable: true })
  customerId?: string | null;

  @Field()
  @Property({ length: 320 })
  email!: string;

  @Field(() => [DraftOrderLine])
  @Property({ type: JsonType })
  lines!: DraftOrderLine[];

  @Field(() => Address)
  @Embedded(() => Address, { prefix: 'ship_' })
  shippingAddress!: Address;

  @Field(() => Address, { nullable: true })
  @Embedded(() => Address, { prefix: 'bill_', nullable: true })
  billingAddress?: Address | null;

  @Field()
  @Property({ length: 64 })
  shippingMethodCode!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  /** The order it became (DraftOrder.order). */
  @Property({ type: 'string', length: 40, nullable: true, unique: true })
  orderId?: string | null;

  /** Hash of the idempotency key and payment of the completion: a retry with them answers the same order. */
  @Property({ type: 'string', length: 64, nullable: true })
  completionHash?: string | null;

  @Field(() => String, { description: 'The admin key that created it.' })
  @Property({ length: 200 })
  createdBy!: string;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  completedAt?: Date | null;

  @Property({ version: true })
  version!: number;
}
