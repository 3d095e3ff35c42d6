import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { newId } from '../kernel/ids.js';
import type { ProductVariant } from '../catalog/variant.entity.js';
import type { StockLocation } from './stock-location.entity.js';

/**
 * Units of one variant at one location. `onHand` and `reserved` are only ever changed by conditional
 * SQL (inventory.sql.ts), never read-modify-written in JavaScript.
 */
@ObjectType()
@Entity()
@Unique({ properties: ['variant', 'location'] })
export class StockLevel {
  [OptionalProps]?: 'id' | 'onHand' | 'reserved';

  @PrimaryKey({ length: 40 })
  id: string = newId('stk');

  /** Copied from the variant (SKUs do not change) so that stock queries by SKU need no join. */
  @Field()
  @Property({ length: 100, index: true })
  sku!: string;

  @ManyToOne('ProductVariant')
  variant!: Rel<ProductVariant>;

  @ManyToOne('StockLocation')
  location!: Rel<StockLocation>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  onHand: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  reserved: number = 0;

  @Field(() => Int, { description: 'onHand - reserved, never below zero.' })
  get available(): number {
    return Math.max(0, this.onHand - this.reserved);
  }
}
