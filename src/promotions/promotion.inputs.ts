import { ArrayMaxSize, IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { PromotionEffect } from './promotion.entity.js';

/** What a promotion does and when (createPromotion extends it); null clears an optional field. */
@InputType({ description: 'What a promotion does and when; the effect and automatic/coupon stay as created.' })
export class UpdatePromotionInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 200)
  name?: string;

  @Field(() => Int, { nullable: true, description: '1–100: ORDER_PERCENT, PRODUCTS_PERCENT, BUY_X_GET_Y (default 100: free).' })
  @IsOptional() @IsInt() @Min(1) @Max(100)
  percent?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Minor units: ORDER_AMOUNT, PRODUCTS_AMOUNT (per unit). Needs currencyCode.' })
  @IsOptional() @IsInt() @Min(1)
  amount?: number | null;

  @Field(() => String, { nullable: true, description: 'The currency of amount and minSubtotal.' })
  @IsOptional() @Length(3, 3)
  currencyCode?: string | null;

  @Field(() => [String], { nullable: true, description: 'PRODUCTS_* and BUY_X_GET_Y: the chosen SKUs.' })
  @IsOptional() @ArrayMaxSize(500)
  skus?: string[] | null;

  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(1000)
  buyQuantity?: number | null;

  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(1000)
  getQuantity?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Condition: subtotal (goods before tax) at least this, in currencyCode.' })
  @IsOptional() @IsInt() @Min(0)
  minSubtotal?: number | null;

  @Field(() => [String], { nullable: true, description: 'Condition: only these channels.' })
  @IsOptional() @ArrayMaxSize(100)
  channelCodes?: string[] | null;

  @Field({ nullable: true, description: 'Condition: the buyer\'s first order (no earlier order of the account or email that was not cancelled).' })
  @IsOptional()
  firstOrderOnly?: boolean;

  @Field(() => [String], { nullable: true, description: 'Condition: a signed-in customer with one of these tags.' })
  @IsOptional() @ArrayMaxSize(50)
  customerTags?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional()
  startsAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional()
  endsAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Orders in all; null: no limit.' })
  @IsOptional() @IsInt() @Min(1)
  usageLimit?: number | null;

  @Field(() => Int, { nullable: true, description: 'Orders per customer (account, or email for guests); null: no limit.' })
  @IsOptional() @IsInt() @Min(1)
  perCustomerLimit?: number | null;

  @Field({ nullable: true, description: 'Default false: exclusive (applies alone).' })
  @IsOptional()
  combinable?: boolean;

  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(-1000) @Max(1000)
  priority?: number;
}

@InputType({ description: 'A new promotion. Automatic, or with coupon codes (`code`, or generateCouponCodes).' })
export class CreatePromotionInput extends UpdatePromotionInput {
  @Field() @Length(1, 200)
  override name!: string;

  @Field({ description: 'True: every order meeting the conditions gets it. False: a coupon (needs a code to be typed).' })
  automatic!: boolean;

  @Field(() => PromotionEffect)
  effect!: PromotionEffect;

  @Field(() => String, { nullable: true, description: 'A coupon promotion\'s code (letters, digits, - and _; matched case-insensitively; unique).' })
  @IsOptional() @Length(3, 64)
  code?: string | null;
}
