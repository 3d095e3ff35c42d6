import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

export const MAX_HOLD_LINES = 200;
export const MAX_HOLD_QUANTITY = 10_000;

/**
 * How long a hold lasts. 10 minutes by default: a 3-D Secure challenge or a wallet sheet takes a buyer
 * seconds to a few minutes (issuers time the challenge out after about 5-10). At least 30 s, since the
 * sweeper looks every ORDO_CHECKOUT_HOLD_SWEEP_MS (15 s) and a shorter hold would mostly be gone before the
 * buyer could use it; at most an hour, so an abandoned (or hoarding) cart keeps nothing off sale for long.
 */
export const HOLD_TTL = { default: 600, min: 30, max: 3_600 } as const;

@InputType()
export class CheckoutHoldLineInput {
  @Field() @Length(1, 100, { message: 'sku is 1 to 100 characters' })
  sku!: string;

  @Field(() => Int) @IsInt() @Min(1, { message: 'quantity must be at least 1' }) @Max(MAX_HOLD_QUANTITY, { message: `quantity must be at most ${MAX_HOLD_QUANTITY}` })
  quantity!: number;
}

@InputType({ description: 'Where the cart ships to, as far as the checkout knows it: kept for the sourcing of the held units.' })
export class CheckoutHoldDestinationInput {
  @Field() @Matches(/^[A-Z]{2}$/, { message: 'countryCode is an ISO 3166 alpha-2 code such as DE' })
  countryCode!: string;

  @Field({ nullable: true }) @Length(0, 100)
  region?: string;
}

@InputType()
export class CheckoutHoldInput {
  @Field({ nullable: true, description: 'The sales channel of the checkout (the order must be placed on the same); the default channel when left out.' }) @Length(1, 64)
  channelCode?: string;

  @Field(() => [CheckoutHoldLineInput]) @ArrayMinSize(1, { message: 'a hold needs at least one line' }) @ArrayMaxSize(MAX_HOLD_LINES) @ValidateNested()
  lines!: CheckoutHoldLineInput[];

  @Field(() => CheckoutHoldDestinationInput, { nullable: true }) @ValidateNested()
  shippingAddress?: CheckoutHoldDestinationInput;
}
