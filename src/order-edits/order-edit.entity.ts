// An order edit: staff (or the buyer, for the shipping address) collect changes to a placed order, see
// what they cost (orderEditPreview), and commit them in one transaction (commit-edit.ts). Until then the
// edit changes nothing: it holds the wanted end state (quantities by order line, added SKUs, a new
// address or shipping method), checked again against the order as it is at commit time.
import { Embedded, Entity, Enum, Index, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { Address } from '../order-core/address.js';
import type { Order } from '../order-core/order.entity.js';

export enum OrderEditStatus {
  OPEN = 'OPEN',
  COMMITTED = 'COMMITTED',
  DISCARDED = 'DISCARDED',
}
registerEnumType(OrderEditStatus, { name: 'OrderEditStatus', description: 'OPEN while changes are collected; COMMITTED or DISCARDED for good.' });

@ObjectType({ description: 'A line as the order would have it after the edit.' })
export class OrderEditLine {
  @Field(() => ID, { nullable: true, description: 'The order line; null for a line the edit adds.' })
  orderLineId!: string | null;

  @Field() sku!: string;
  @Field(() => Int, { description: 'Units after the edit (0: the line is removed).' }) quantity!: number;
  @Field(() => Int, { description: 'Units the order has now.' }) previousQuantity!: number;
}

@ObjectType({ implements: Node, description: 'Changes to a placed order, applied together by commitOrderEdit.' })
@Entity({ tableName: 'order_edit' })
@Index({ properties: ['order', 'status'] })
export class OrderEdit {
  [OptionalProps]?: 'id' | 'status' | 'quantities' | 'added' | 'createdAt' | 'updatedAt' | 'version';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('edt');

  @ManyToOne('Order')
  order!: Rel<Order>;

  @Field(() => OrderEditStatus)
  @Enum({ items: () => OrderEditStatus })
  status: OrderEditStatus = OrderEditStatus.OPEN;

  /** Wanted units by order line id (0 removes the line); lines not named keep theirs. */
  @Property({ type: JsonType })
  quantities: Record<string, number> = {};

  /** Units of SKUs the order does not have yet, by SKU (catalog price at commit). */
  @Property({ type: JsonType })
  added: Record<string, number> = {};

  @Field(() => Address, { nullable: true, description: 'The new shipping address, when the edit changes it.' })
  @Embedded(() => Address, { prefix: 'ship_', nullable: true })
  shippingAddress?: Address | null;

  @Field(() => String, { nullable: true, description: 'The new shipping method, when the edit changes it.' })
  @Property({ type: 'string', length: 64, nullable: true })
  shippingMethodCode?: string | null;

  @Field({ description: 'Who began the edit (an admin key, or customer).' })
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
  committedAt?: Date | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Once COMMITTED: what was authorized for the difference.' })
  @Property({ type: 'integer', nullable: true })
  amountCharged?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Once COMMITTED: what is refunded because the total went down.' })
  @Property({ type: 'integer', nullable: true })
  amountRefunded?: number | null;

  @Property({ version: true })
  version!: number;

  /** Whether the edit changes more than the shipping address (staff only). */
  needsStaff(): boolean {
    return Object.keys(this.quantities).length > 0 || Object.keys(this.added).length > 0 || !!this.shippingMethodCode;
  }
}
