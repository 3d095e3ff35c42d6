import { Field, Float, InputType, Int } from 'type-graphql';
import { IsInt, Length, Matches, Max, Min } from 'class-validator';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { MAX_AMOUNT } from '../kernel/money.js';

@InputType()
export class CreateShippingMethodInput {
  @Field() @Matches(/^[A-Za-z0-9][A-Za-z0-9-_]{0,63}$/, { message: 'code is letters, digits, - and _ (up to 64)' })
  code!: string;

  @Field() @Length(1, 200)
  name!: string;

  @Field() @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'carrierCode is lower-case letters, digits and dashes' })
  carrierCode!: string;

  @Field(() => MoneyScalar) @IsInt() @Min(0) @Max(MAX_AMOUNT)
  price!: number;

  @Field() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' })
  currencyCode!: string;

  @Field(() => Int) @Min(0) @Max(365)
  minTransitDays!: number;

  @Field(() => Int) @Min(0) @Max(365)
  maxTransitDays!: number;
}

@InputType()
export class SetTaxRateInput {
  @Field() @Matches(/^[A-Z]{2}$/, { message: 'countryCode is an ISO 3166 alpha-2 code such as DE' })
  countryCode!: string;

  @Field(() => Float) @Min(0) @Max(100)
  ratePercent!: number;
}
