import { Field, InputType, Int } from 'type-graphql';
import { IsInt, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { StockLocationKind } from './stock-location.entity.js';
import { StockAdjustmentReason } from './stock-movement.entity.js';
import { LocationAddressInput, ParcelBoxInput } from './ship-from.js';

/** What a location's create and update inputs share: how it is chosen and where and how it ships from. */
// An input type for its fields' sake: no field takes it, so the schema has only the two that extend it.
@InputType()
class StockLocationSettingsInput {
  @Field({ nullable: true }) @Length(0, 100)
  region?: string;

  @Field(() => Int, { nullable: true }) @Min(0) @Max(1_000_000)
  priority?: number;

  @Field({ nullable: true })
  autoFulfill?: boolean;

  @Field(() => LocationAddressInput, { nullable: true }) @ValidateNested()
  address?: LocationAddressInput;

  @Field(() => ParcelBoxInput, { nullable: true }) @ValidateNested()
  parcelBox?: ParcelBoxInput;
}

@InputType()
export class CreateStockLocationInput extends StockLocationSettingsInput {
  @Field() @Matches(/^[A-Za-z0-9][A-Za-z0-9-_]{0,63}$/, { message: 'code is letters, digits, - and _ (up to 64)' })
  code!: string;

  @Field() @Length(1, 200)
  name!: string;

  @Field(() => StockLocationKind)
  kind!: StockLocationKind;

  @Field() @Matches(/^[A-Z]{2}$/, { message: 'countryCode is an ISO 3166 alpha-2 code such as DE' })
  countryCode!: string;
}

@InputType({ description: 'What changes on a stock location; what is left out stays.' })
export class UpdateStockLocationInput extends StockLocationSettingsInput {
  @Field({ nullable: true }) @Length(1, 200)
  name?: string;
}

@InputType()
export class AdjustStockInput {
  @Field() @Length(1, 100)
  sku!: string;

  @Field() @Length(1, 64)
  locationCode!: string;

  @Field(() => Int) @IsInt() @Min(-1_000_000) @Max(1_000_000)
  delta!: number;

  @Field(() => StockAdjustmentReason)
  reason!: StockAdjustmentReason;

  @Field({ nullable: true }) @Length(0, 1000)
  note?: string;

  @Field(() => String, { nullable: true, description: 'A retry with the same key and input returns the stock level and changes nothing; the same key with another input is CONFLICT.' })
  idempotencyKey?: string | null;
}
