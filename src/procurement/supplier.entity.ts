// Who stock is bought from, and per SKU on what terms: the supplier's own SKU, the cost price, the
// minimum order quantity and the pack size (replenishment rounds suggestions to these).
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { ProductVariant } from '../catalog/variant.entity.js';

@ObjectType({ description: 'A supplier stock is bought from (purchase orders).' })
@Entity()
export class Supplier {
  [OptionalProps]?: 'id' | 'contactName' | 'phone' | 'leadTimeDays' | 'active' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('sup');

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The person purchase orders are for.' })
  @Property({ type: 'string', length: 200, nullable: true })
  contactName?: string | null;

  @Field({ description: 'Where sent purchase orders are mailed (with the PDF attached).' })
  @Property({ length: 320 })
  email!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  phone?: string | null;

  @Field({ description: 'ISO 4217: the currency of its cost prices and purchase orders.' })
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => Int, { description: 'Days from sending a purchase order to its arrival, usually: the default expected date.' })
  @Property({ type: 'integer' })
  leadTimeDays: number = 7;

  @Field()
  @Property()
  active: boolean = true;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

@ObjectType({ description: "A SKU a supplier sells: its own SKU, the cost price and the quantities it sells in." })
@Entity()
@Unique({ properties: ['supplier', 'variant'] })
// Replenishment and "who sells this SKU" read by variant.
@Index({ properties: ['variant'] })
export class SupplierItem {
  [OptionalProps]?: 'id' | 'supplierSku' | 'minimumOrderQuantity' | 'packSize' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('spi');

  @ManyToOne('Supplier', { deleteRule: 'cascade' })
  supplier!: Rel<Supplier>;

  @ManyToOne('ProductVariant')
  variant!: Rel<ProductVariant>;

  @Field({ description: 'Our SKU.' })
  @Property({ length: 100 })
  sku!: string;

  @Field(() => String, { nullable: true, description: "The supplier's own code for it (printed on the purchase order)." })
  @Property({ type: 'string', length: 100, nullable: true })
  supplierSku?: string | null;

  @Field(() => Int, { description: "Cost of one unit in minor units of the supplier's currency." })
  @Property({ type: 'integer' })
  costPrice!: number;

  @Field(() => Int, { description: 'The fewest units the supplier takes an order for.' })
  @Property({ type: 'integer' })
  minimumOrderQuantity: number = 1;

  @Field(() => Int, { description: 'Units per pack: orders are for whole packs.' })
  @Property({ type: 'integer' })
  packSize: number = 1;

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
