import { Field, Float, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsBoolean, IsInt, Length, Matches, Max, Min } from 'class-validator';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { MAX_AMOUNT } from '../kernel/money.js';
import { ShippingMethodKind } from './shipping-method.entity.js';

const COUNTRY = /^[A-Z]{2}$/;
const COUNTRY_MESSAGE = 'countries are ISO 3166 alpha-2 codes such as DE';

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

  @Field({ nullable: true, description: "The carrier's service (for example `USPS/Priority`); left out: the carrier's cheapest." }) @Length(1, 100)
  serviceCode?: string;

  @Field({ nullable: true, description: "Price by the carrier's live rate plus `price` as handling (false: `price` is flat)." })
  carrierRated?: boolean;

  @Field(() => ShippingMethodKind, { nullable: true, description: 'PICKUP: collected at a STORE location (no label; not carrier-rated). Left out: DELIVERY.' })
  kind?: ShippingMethodKind;

  @Field() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' })
  currencyCode!: string;

  @Field(() => Int) @Min(0) @Max(365)
  minTransitDays!: number;

  @Field(() => Int) @Min(0) @Max(365)
  maxTransitDays!: number;

  @Field(() => [String], { nullable: true, description: 'ISO 3166 alpha-2 codes of the countries it delivers to; left out: every country.' })
  @ArrayMaxSize(250) @Matches(COUNTRY, { each: true, message: COUNTRY_MESSAGE })
  countries?: string[];
}

@InputType({ description: 'What changes on a shipping method; what is left out stays. Placed orders keep their price.' })
export class UpdateShippingMethodInput {
  @Field({ nullable: true }) @Length(1, 200)
  name?: string;

  @Field(() => MoneyScalar, { nullable: true }) @IsInt() @Min(0) @Max(MAX_AMOUNT)
  price?: number;

  @Field({ nullable: true }) @Length(1, 100)
  serviceCode?: string;

  @Field({ nullable: true })
  carrierRated?: boolean;

  @Field(() => Int, { nullable: true }) @Min(0) @Max(365)
  minTransitDays?: number;

  @Field(() => Int, { nullable: true }) @Min(0) @Max(365)
  maxTransitDays?: number;

  @Field(() => [String], { nullable: true, description: 'The countries it delivers to; an empty list: every country.' })
  @ArrayMaxSize(250) @Matches(COUNTRY, { each: true, message: COUNTRY_MESSAGE })
  countries?: string[];

  @Field({ nullable: true, description: 'false: no longer offered to new orders.' }) @IsBoolean()
  active?: boolean;
}

@InputType()
export class SetTaxRateInput {
  @Field() @Matches(/^[A-Z]{2}$/, { message: 'countryCode is an ISO 3166 alpha-2 code such as DE' })
  countryCode!: string;

  @Field(() => Float) @Min(0) @Max(100)
  ratePercent!: number;
}
