import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { StockLocation } from './stock-location.entity.js';

export enum StockAdjustmentReason {
  RECEIVED = 'RECEIVED',
  COUNT = 'COUNT',
  DAMAGED = 'DAMAGED',
  LOST = 'LOST',
  CORRECTION = 'CORRECTION',
}
registerEnumType(StockAdjustmentReason, { name: 'StockAdjustmentReason' });

export enum StockMovementReason {
  RECEIVED = 'RECEIVED',
  COUNT = 'COUNT',
  DAMAGED = 'DAMAGED',
  LOST = 'LOST',
  CORRECTION = 'CORRECTION',
  SHIPPED = 'SHIPPED',
  RETURNED = 'RETURNED',
  TRANSFER_OUT = 'TRANSFER_OUT',
  TRANSFER_IN = 'TRANSFER_IN',
}
registerEnumType(StockMovementReason, { name: 'StockMovementReason' });

/** The ledger: every change of onHand, with its reason. */
@ObjectType()
@Entity()
@Index({ properties: ['sku', 'id'] })
export class StockMovement {
  [OptionalProps]?: 'id' | 'at';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('mov');

  @Field()
  @Property({ length: 100 })
  sku!: string;

  @ManyToOne('StockLocation')
  location!: Rel<StockLocation>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  delta!: number;

  @Field(() => StockMovementReason)
  @Enum({ items: () => StockMovementReason })
  reason!: StockMovementReason;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 1000, nullable: true })
  note?: string | null;

  /** The order a SHIPPED or RETURNED movement belongs to. */
  @Property({ type: 'string', length: 40, nullable: true })
  orderId?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  at: Date = new Date();
}
