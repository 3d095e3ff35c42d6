import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { ProductVariant } from '../catalog/variant.entity.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';

/**
 * When a SKU at a location is to be reordered and up to how many: set by staff, or (`auto`) worked out
 * from its demand (replenishment-math.ts) by `recomputeReorderPoints` and the daily job. `low` is whether
 * available stock is below the point now: it flips once per crossing, and the flip down records `stock.low`.
 */
@ObjectType({ description: 'The reorder point and target of a SKU at a stock location.' })
@Entity()
@Unique({ properties: ['variant', 'location'] })
export class ReorderRule {
  [OptionalProps]?: 'id' | 'auto' | 'low' | 'demandPerDay' | 'computedAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('rop');

  @ManyToOne('ProductVariant')
  variant!: Rel<ProductVariant>;

  @ManyToOne('StockLocation')
  location!: Rel<StockLocation>;

  @Field()
  @Property({ length: 100 })
  sku!: string;

  @Field(() => Int, { description: 'Reorder when available plus incoming units are at or below this.' })
  @Property({ type: 'integer' })
  reorderPoint!: number;

  @Field(() => Int, { description: 'What an order should bring available plus incoming units up to.' })
  @Property({ type: 'integer' })
  target!: number;

  @Field({ description: 'Worked out from demand (the last days\' shipped units and the supplier\'s lead time) rather than set.' })
  @Property()
  auto: boolean = false;

  @Field({ description: 'Available stock is below the reorder point now (stock.low was recorded when it went below).' })
  @Property()
  low: boolean = false;

  @Field({ description: 'Units a day over the demand window, as last worked out (auto rules).' })
  @Property({ type: 'double' })
  demandPerDay: number = 0;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ nullable: true })
  computedAt?: Date | null;

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
