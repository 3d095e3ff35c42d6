import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsInt, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { MAX_AMOUNT } from '../kernel/money.js';
import { AddressInput } from '../order-core/address.js';
import { MAX_LINE_QUANTITY, MAX_LINES } from './order.inputs.js';

@InputType()
export class DraftOrderLineInput {
  @Field() @Length(1, 100, { message: 'sku is 1 to 100 characters' })
  sku!: string;

  @Field(() => Int) @IsInt() @Min(1, { message: 'quantity must be at least 1' }) @Max(MAX_LINE_QUANTITY, { message: `quantity must be at most ${MAX_LINE_QUANTITY}` })
  quantity!: number;

  @Field(() => MoneyScalar, { nullable: true, description: 'A unit price (before tax, minor units) instead of the catalog price; needs priceOverrideReason.' })
  @IsInt() @Min(0) @Max(MAX_AMOUNT)
  unitPrice?: number;

  @Field({ nullable: true, description: 'Why the price is overridden; required with unitPrice.' }) @Length(1, 500)
  priceOverrideReason?: string;
}

@InputType()
export class CreateDraftOrderInput {
  @Field(() => ID, { nullable: true, description: 'The customer the order is for; their email is used when email is left out.' }) @Length(1, 40)
  customerId?: string;

  @Field({ nullable: true, description: 'Where the order mails go; required without customerId.' }) @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email?: string;

  @Field({ nullable: true, description: 'The default channel when left out.' }) @Length(1, 64)
  channelCode?: string;

  @Field(() => [DraftOrderLineInput]) @ArrayMinSize(1, { message: 'an order needs at least one line' }) @ArrayMaxSize(MAX_LINES) @ValidateNested()
  lines!: DraftOrderLineInput[];

  @Field(() => AddressInput) @ValidateNested()
  shippingAddress!: AddressInput;

  @Field(() => AddressInput, { nullable: true }) @ValidateNested()
  billingAddress?: AddressInput;

  @Field() @Length(1, 64)
  shippingMethodCode!: string;

  @Field({ nullable: true }) @MaxLength(2000)
  note?: string;
}

@InputType({ description: 'What to change: each field given replaces the draft\'s (lines as a whole).' })
export class UpdateDraftOrderInput {
  @Field(() => ID, { nullable: true }) @Length(1, 40)
  customerId?: string;

  @Field({ nullable: true }) @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email?: string;

  @Field({ nullable: true }) @Length(1, 64)
  channelCode?: string;

  @Field(() => [DraftOrderLineInput], { nullable: true }) @ArrayMinSize(1, { message: 'an order needs at least one line' }) @ArrayMaxSize(MAX_LINES) @ValidateNested()
  lines?: DraftOrderLineInput[];

  @Field(() => AddressInput, { nullable: true }) @ValidateNested()
  shippingAddress?: AddressInput;

  @Field(() => AddressInput, { nullable: true }) @ValidateNested()
  billingAddress?: AddressInput;

  @Field({ nullable: true }) @Length(1, 64)
  shippingMethodCode?: string;

  @Field({ nullable: true }) @MaxLength(2000)
  note?: string;
}
