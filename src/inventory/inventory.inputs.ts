import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
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

  @Field({ nullable: true, description: 'IANA time zone (Europe/Berlin) of the cut-off time and working days.' }) @Length(1, 64)
  timeZone?: string;

  @Field({ nullable: true, description: 'HH:MM (24 hours, local): orders placed later ship the next working day.' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'cutoffTime is HH:MM (24 hours), for example 15:00' })
  cutoffTime?: string;

  @Field(() => [Int], { nullable: true, description: 'ISO weekdays it ships on, 1 (Monday) to 7 (Sunday).' })
  @ArrayMinSize(1, { message: 'workingDays needs at least one day' }) @ArrayMaxSize(7)
  @IsInt({ each: true }) @Min(1, { each: true, message: 'workingDays are 1 (Monday) to 7 (Sunday)' }) @Max(7, { each: true, message: 'workingDays are 1 (Monday) to 7 (Sunday)' })
  workingDays?: number[];

  @Field(() => Int, { nullable: true, description: 'Working days between an order and its handover (0: the same day).' }) @IsInt() @Min(0) @Max(60)
  handlingDays?: number;
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
