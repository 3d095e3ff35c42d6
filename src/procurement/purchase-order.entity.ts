// A purchase order: units ordered from one supplier for one stock location, received in one or more
// deliveries. The lines keep what was ordered and what arrived; stock moves only through the ledger.
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { ProductVariant } from '../catalog/variant.entity.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';
import type { Supplier } from './supplier.entity.js';
import { PurchaseOrderStatus } from './purchase-order-status.js';

@ObjectType({ description: 'Units ordered from a supplier for one stock location.' })
@Entity()
// The lists: by supplier or status, newest first.
@Index({ properties: ['supplier', 'id'] })
@Index({ properties: ['status', 'id'] })
export class PurchaseOrder {
  [OptionalProps]?: 'id' | 'status' | 'expectedAt' | 'sentAt' | 'receivedAt' | 'cancelledAt' | 'notes' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('po');

  @Field({ description: 'PO-1001, PO-1002, … (gap-free).' })
  @Property({ length: 40, unique: true })
  number!: string;

  @ManyToOne('Supplier')
  supplier!: Rel<Supplier>;

  /** Where the units are received. */
  @ManyToOne('StockLocation')
  location!: Rel<StockLocation>;

  @Field(() => PurchaseOrderStatus)
  @Enum({ items: () => PurchaseOrderStatus })
  status: PurchaseOrderStatus = PurchaseOrderStatus.DRAFT;

  @Field({ description: "The supplier's currency when the order was written." })
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the units are expected (a line may have its own date).' })
  @Property({ type: Date, nullable: true })
  expectedAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  sentAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last unit arrived.' })
  @Property({ type: Date, nullable: true })
  receivedAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  cancelledAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Printed on the purchase order for the supplier.' })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

@ObjectType({ description: 'A SKU of a purchase order: how many were ordered and how many arrived.' })
@Entity()
@Index({ properties: ['purchaseOrder'] })
// Incoming units of a variant (stock levels, ProductVariant.incoming).
@Index({ properties: ['variant'] })
export class PurchaseOrderLine {
  [OptionalProps]?: 'id' | 'quantityReceived' | 'expectedAt' | 'allowOverReceipt' | 'supplierSku';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('pol');

  @ManyToOne('PurchaseOrder', { deleteRule: 'cascade' })
  purchaseOrder!: Rel<PurchaseOrder>;

  @ManyToOne('ProductVariant')
  variant!: Rel<ProductVariant>;

  @Field()
  @Property({ length: 100 })
  sku!: string;

  @Field(() => String, { nullable: true, description: "The supplier's code, copied from its item when the line was written." })
  @Property({ type: 'string', length: 100, nullable: true })
  supplierSku?: string | null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantityOrdered!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantityReceived: number = 0;

  @Field(() => Int, { description: "Cost of one unit in minor units of the order's currency." })
  @Property({ type: 'integer' })
  unitCost!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "When this line's units are expected; the order's date when unset." })
  @Property({ type: Date, nullable: true })
  expectedAt?: Date | null;

  @Field({ description: 'Whether a delivery may bring more than was ordered (receivePurchaseOrder refuses it otherwise).' })
  @Property()
  allowOverReceipt: boolean = false;
}
