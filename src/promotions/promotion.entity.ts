// A promotion: what it takes off (its effect), when it applies (conditions), how often (limits), and
// how it stacks with others. Automatic ones apply to every order that meets their conditions; coupon
// ones only when the buyer types one of their codes (promotion-code.entity.ts). Counters (`uses`) are
// moved only by conditional SQL in placeOrder's transaction (promotion-claims.ts).
import { Entity, Enum, Index, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

export enum PromotionEffect {
  ORDER_PERCENT = 'ORDER_PERCENT',
  ORDER_AMOUNT = 'ORDER_AMOUNT',
  PRODUCTS_PERCENT = 'PRODUCTS_PERCENT',
  PRODUCTS_AMOUNT = 'PRODUCTS_AMOUNT',
  BUY_X_GET_Y = 'BUY_X_GET_Y',
  FREE_SHIPPING = 'FREE_SHIPPING',
}
registerEnumType(PromotionEffect, {
  name: 'PromotionEffect',
  valuesConfig: {
    ORDER_PERCENT: { description: '`percent` off the goods (lines with their tax).' },
    ORDER_AMOUNT: { description: '`amount` (in `currencyCode`) off the goods, at most their value.' },
    PRODUCTS_PERCENT: { description: '`percent` off the lines of the chosen `skus`.' },
    PRODUCTS_AMOUNT: { description: '`amount` off each unit of the chosen `skus` (tax included), at most the unit\'s price.' },
    BUY_X_GET_Y: { description: 'For every `buyQuantity` + `getQuantity` units of the chosen `skus`, the `getQuantity` cheapest are `percent` off (100: free).' },
    FREE_SHIPPING: { description: 'The shipping charge (with its tax) is taken off.' },
  },
});

export enum PromotionStatus {
  ACTIVE = 'ACTIVE',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(PromotionStatus, { name: 'PromotionStatus', description: 'ARCHIVED promotions (archivePromotion) apply to no new order; past orders keep their discounts.' });

@ObjectType({ description: 'A promotion: automatic, or applied by a coupon code (docs/promotions.md).' })
@Entity()
// The pricing step reads the active automatic promotions on every order.
@Index({ properties: ['status', 'automatic'] })
export class Promotion {
  [OptionalProps]?: 'id' | 'status' | 'percent' | 'amount' | 'currencyCode' | 'skus' | 'buyQuantity' | 'getQuantity' | 'minSubtotal' | 'channelCodes'
    | 'firstOrderOnly' | 'customerTags' | 'startsAt' | 'endsAt' | 'usageLimit' | 'uses' | 'perCustomerLimit' | 'combinable' | 'priority' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('prm');

  @Field({ description: 'Shown to the buyer as the discount\'s label.' })
  @Property({ length: 200 })
  name!: string;

  @Field(() => PromotionStatus)
  @Enum({ items: () => PromotionStatus })
  status: PromotionStatus = PromotionStatus.ACTIVE;

  @Field({ description: 'True: applies to every order meeting its conditions. False: only with one of its coupon codes.' })
  @Property()
  automatic!: boolean;

  @Field(() => PromotionEffect)
  @Enum({ items: () => PromotionEffect })
  effect!: PromotionEffect;

  @Field(() => Int, { nullable: true, description: 'Percent off (1–100): ORDER_PERCENT, PRODUCTS_PERCENT, BUY_X_GET_Y.' })
  @Property({ type: 'integer', nullable: true })
  percent?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Minor units of currencyCode: ORDER_AMOUNT (off the order), PRODUCTS_AMOUNT (off each unit).' })
  @Property({ type: 'integer', nullable: true })
  amount?: number | null;

  @Field(() => String, { nullable: true, description: 'The currency of amount and minSubtotal: orders in other currencies do not qualify.' })
  @Property({ type: 'string', length: 3, nullable: true })
  currencyCode?: string | null;

  @Field(() => [String], { nullable: true, description: 'The chosen SKUs of PRODUCTS_* and BUY_X_GET_Y.' })
  @Property({ type: JsonType, nullable: true })
  skus?: string[] | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  buyQuantity?: number | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  getQuantity?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Condition: the order\'s subtotal (goods before tax and discounts) at least this.' })
  @Property({ type: 'integer', nullable: true })
  minSubtotal?: number | null;

  @Field(() => [String], { nullable: true, description: 'Condition: only orders of these channels.' })
  @Property({ type: JsonType, nullable: true })
  channelCodes?: string[] | null;

  @Field({ description: 'Condition: the buyer (customer account, or email for guests) has no earlier order that was not cancelled.' })
  @Property()
  firstOrderOnly: boolean = false;

  @Field(() => [String], { nullable: true, description: 'Condition: a signed-in customer with at least one of these tags (a group is a tag).' })
  @Property({ type: JsonType, nullable: true })
  customerTags?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  startsAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Orders placed at or after this get nothing.' })
  @Property({ type: Date, nullable: true })
  endsAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Orders it may discount in all; null: no limit. Cancelled orders give their use back.' })
  @Property({ type: 'integer', nullable: true })
  usageLimit?: number | null;

  /** Counted only while usageLimit is set (an unlimited promotion's row is never written at placement); timesUsed counts redemptions. */
  @Property({ type: 'integer' })
  uses: number = 0;

  @Field(() => Int, { nullable: true, description: 'Orders it may discount per customer (by account, or by email for guests).' })
  @Property({ type: 'integer', nullable: true })
  perCustomerLimit?: number | null;

  @Field({ description: 'False (exclusive): applies alone. True: adds to the other combinable promotions of the order.' })
  @Property()
  combinable: boolean = false;

  @Field(() => Int, { description: 'Combinable promotions apply highest priority first (each on what the earlier left); ties by creation.' })
  @Property({ type: 'integer' })
  priority: number = 0;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
