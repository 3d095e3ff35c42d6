import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsInt, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { AddressInput } from '../order-core/address.js';
import { OrderStatus } from '../order-core/order-status.js';
import { DiscountInput, MAX_DISCOUNT_REQUESTS } from './order-discount.js';
import { SourcingGoal } from '../sourcing/strategy.js';

export const MAX_LINE_QUANTITY = 10_000;
export const MAX_LINES = 200;

@InputType()
export class OrderLineInput {
  @Field() @Length(1, 100, { message: 'sku is 1 to 100 characters' })
  sku!: string;

  @Field(() => Int) @IsInt() @Min(1, { message: 'quantity must be at least 1' }) @Max(MAX_LINE_QUANTITY, { message: `quantity must be at most ${MAX_LINE_QUANTITY}` })
  quantity!: number;
}

@InputType()
export class PaymentInput {
  @Field({ description: "A payment provider's code, for example test-card or manual." }) @Length(1, 64)
  method!: string;

  @Field({ nullable: true, description: 'What the storefront got from the provider (a card token, for example).' }) @MaxLength(500)
  token?: string;
}

@InputType()
export class PlaceOrderInput {
  @Field({ nullable: true, description: 'The sales channel the order comes from; the default channel when left out.' }) @Length(1, 64)
  channelCode?: string;

  @Field() @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email!: string;

  @Field(() => [OrderLineInput]) @ArrayMinSize(1, { message: 'an order needs at least one line' }) @ArrayMaxSize(MAX_LINES) @ValidateNested()
  lines!: OrderLineInput[];

  @Field(() => AddressInput) @ValidateNested()
  shippingAddress!: AddressInput;

  @Field(() => AddressInput, { nullable: true }) @ValidateNested()
  billingAddress?: AddressInput;

  @Field() @Length(1, 64)
  shippingMethodCode!: string;

  @Field({ nullable: true, description: 'Click & collect: the STORE location to collect the order at. Required with a PICKUP shipping method (quoteOrder.pickupLocations lists them), refused with a delivery method.' })
  @Length(1, 64)
  pickupLocationCode?: string;

  @Field(() => SourcingGoal, { nullable: true, description: "What the buyer chose at checkout (quoteOrder's sourcingOptions): the order is reserved where that option ships from, and keeps its promised date. Left out: the channel's sourcing strategy." })
  sourcingGoal?: SourcingGoal;

  @Field(() => PaymentInput) @ValidateNested()
  payment!: PaymentInput;

  @Field({ nullable: true }) @MaxLength(2000)
  note?: string;

  @Field({ nullable: true, description: 'The order id in the system it came from (marketplace, POS).' }) @Matches(/^[\w\-.:#/]{1,200}$/)
  externalId?: string;

  @Field(() => [DiscountInput], { nullable: true, description: 'Discounts asked for (loyalty points, for example), each answered by the pricing step of its kind.' })
  @ArrayMaxSize(MAX_DISCOUNT_REQUESTS) @ValidateNested()
  discounts?: DiscountInput[];

  @Field({ nullable: true, description: "A checkout hold of this channel (holdCheckoutStock): its units become the order's reservation, even if the rest of the stock sold meanwhile. An expired hold's units are gone: the order reserves as without it." })
  @Length(1, 40)
  holdId?: string;
}

@InputType()
export class OrderFilter {
  @Field(() => [OrderStatus], { nullable: true }) status?: OrderStatus[];
  @Field({ nullable: true }) channelCode?: string;
  @Field({ nullable: true }) email?: string;
  @Field({ nullable: true, description: "The order's id in the channel's own system (importOrders, PlaceOrderInput.externalId); with channelCode, at most one order." }) externalId?: string;
  @Field(() => DateTimeScalar, { nullable: true }) placedAfter?: Date;
  @Field(() => DateTimeScalar, { nullable: true }) placedBefore?: Date;
  @Field(() => [String], { nullable: true, description: 'Orders holding every one of these tags (staff; matched trimmed and lower-cased).' })
  @ArrayMaxSize(10)
  tags?: string[];
}
