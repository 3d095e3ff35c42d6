// A cycle count: staff count some SKUs at one location while it keeps selling. Each line keeps what was
// counted and the on-hand at the moment it was recorded, so applying books the difference found then
// (a delta), not "set on-hand to the count": units shipped between recording and applying are not found again.
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';

export enum StockCountStatus {
  OPEN = 'OPEN',
  APPLIED = 'APPLIED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(StockCountStatus, {
  name: 'StockCountStatus',
  valuesConfig: {
    OPEN: { description: 'Being counted: recordStockCount adds or replaces a SKU\'s count.' },
    APPLIED: { description: 'applyStockCount booked the variances as COUNT movements.' },
    CANCELLED: { description: 'Given up: nothing was booked.' },
  },
});

@ObjectType({ description: 'A cycle count of some SKUs at one location (startStockCount).' })
@Entity()
export class StockCount {
  [OptionalProps]?: 'id' | 'status' | 'revision' | 'createdAt' | 'endedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('cnt');

  @ManyToOne('StockLocation')
  location!: Rel<StockLocation>;

  @Field(() => StockCountStatus)
  @Enum({ items: () => StockCountStatus })
  status: StockCountStatus = StockCountStatus.OPEN;

  /**
   * Bumped by every record and by the apply, each a conditional UPDATE on status OPEN first in its
   * transaction: the row lock orders them, so nothing is recorded into a count that was just applied.
   */
  @Property({ type: 'integer' })
  revision: number = 0;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was applied or cancelled.' })
  @Property({ type: Date, nullable: true })
  endedAt?: Date | null = null;
}

@ObjectType({ description: 'One SKU of a cycle count.' })
@Entity()
@Index({ properties: ['count', 'sku'] })
export class StockCountLine {
  [OptionalProps]?: 'id' | 'counted' | 'onHandAtCount' | 'countedAt' | 'applied' | 'variance';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('cnl');

  @ManyToOne('StockCount')
  count!: Rel<StockCount>;

  @Field()
  @Property({ length: 100 })
  sku!: string;

  @Property({ length: 40 })
  variantId!: string;

  @Field(() => Int, { nullable: true, description: 'What was counted (the last record); null while uncounted.' })
  @Property({ type: 'integer', nullable: true })
  counted?: number | null = null;

  @Field(() => Int, { nullable: true, description: 'On hand at the location when the count was recorded: the variance is against this.' })
  @Property({ type: 'integer', nullable: true })
  onHandAtCount?: number | null = null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  countedAt?: Date | null = null;

  @Field(() => Int, { nullable: true, description: 'The movement applyStockCount booked (0 for none); null until applied.' })
  @Property({ type: 'integer', nullable: true })
  applied?: number | null = null;

  @Field(() => Int, { nullable: true, description: 'counted − onHandAtCount; null while uncounted.' })
  get variance(): number | null {
    return this.counted == null || this.onHandAtCount == null ? null : this.counted - this.onHandAtCount;
  }
}

@ObjectType({ description: 'What applying a count would book: the counted SKUs with their variance, and the SKUs not counted (not applied).' })
export class StockCountVariance {
  @Field(() => StockCount) count!: StockCount;
  @Field(() => [StockCountLine], { description: 'Counted SKUs, with a variance each (0: it matched).' }) lines!: StockCountLine[];
  @Field(() => [String], { description: 'SKUs of the count with no record: applying leaves them alone.' }) uncounted!: string[];
  @Field(() => Int, { description: 'The sum of the variances.' }) net!: number;
}
