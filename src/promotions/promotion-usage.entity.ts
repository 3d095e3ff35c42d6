// What counts a promotion's uses: its coupon codes (each with its own optional limit), a row per
// (promotion, customer) for per-customer limits, and a redemption per (order, promotion) that says which
// counters the order moved, so that cancelling the order gives exactly those back.
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Promotion } from './promotion.entity.js';

@ObjectType({ description: 'A coupon code of a promotion; matched case-insensitively.' })
@Entity()
@Index({ properties: ['promotion'] })
export class PromotionCode {
  [OptionalProps]?: 'id' | 'usageLimit' | 'uses' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('pcd');

  @ManyToOne('Promotion', { deleteRule: 'cascade' })
  promotion!: Rel<Promotion>;

  @Field({ description: 'As created.' })
  @Property({ length: 64 })
  code!: string;

  /** Lower-cased: what a typed code is matched on (unique across all promotions). */
  @Property({ length: 64, unique: true })
  codeKey!: string;

  @Field(() => Int, { nullable: true, description: 'Orders this code may discount (1: single use); null: only the promotion\'s limits.' })
  @Property({ type: 'integer', nullable: true })
  usageLimit?: number | null;

  @Field(() => Int, { description: 'Orders that used it (not cancelled), counted while it has a limit.' })
  @Property({ type: 'integer' })
  uses: number = 0;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}

/** A customer's uses of a promotion with a per-customer limit: `customerKey` is the customer id, or `email:<address>` for guests. */
@Entity()
@Unique({ properties: ['promotionId', 'customerKey'] })
export class PromotionCustomerUse {
  [OptionalProps]?: 'id' | 'uses';

  @PrimaryKey({ length: 40 })
  id: string = newId('pcu');

  @Property({ length: 40 })
  promotionId!: string;

  @Property({ length: 340 })
  customerKey!: string;

  @Property({ type: 'integer' })
  uses: number = 0;
}

/**
 * A promotion given to an order. The order's id has no foreign key: the order row is inserted at the end
 * of placeOrder's transaction, after the pricing steps (and orders/ comes after this folder).
 */
@Entity()
@Index({ properties: ['orderId'] })
@Index({ properties: ['promotionId'] })
export class PromotionRedemption {
  [OptionalProps]?: 'id' | 'codeId' | 'releasedAt' | 'createdAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('prd');

  @Property({ length: 40 })
  promotionId!: string;

  @Property({ type: 'string', length: 40, nullable: true })
  codeId?: string | null;

  @Property({ length: 40 })
  orderId!: string;

  @Property({ length: 340 })
  customerKey!: string;

  @Property({ type: 'integer' })
  amount!: number;

  /** Which counters this order moved (1) and so gives back when cancelled: the promotion's, the code's, the customer's. */
  @Property({ type: 'integer' })
  countedPromotion!: number;

  @Property({ type: 'integer' })
  countedCode!: number;

  @Property({ type: 'integer' })
  countedCustomer!: number;

  /** When the order's cancellation gave the uses back. */
  @Property({ type: Date, nullable: true })
  releasedAt?: Date | null;

  @Property()
  createdAt: Date = new Date();
}
