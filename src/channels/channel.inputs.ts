import { Field, InputType, Int } from 'type-graphql';
import { IsBoolean, IsInt, IsOptional, IsTimeZone, Length, Matches, Max, Min } from 'class-validator';
import { CapturePolicy, ChannelKind, ImportStockPolicy } from './channel.entity.js';

/** The return window of a channel, in both inputs; null in an update goes back to the engine default. */
function ReturnWindowDays(): PropertyDecorator {
  const message = 'returnWindowDays must be 0 to 3650';
  const all = [
    Field(() => Int, { nullable: true, description: 'Days after delivery a return can be requested (0 to 3650); null: the engine default (ORDO_RETURN_WINDOW_DAYS).' }),
    IsOptional(), IsInt({ message }), Min(0, { message }), Max(3650, { message }),
  ];
  return (target, key) => all.forEach((d) => d(target, key));
}

/** The channel's time zone, in both inputs: an IANA name the runtime knows. */
function TimeZone(): PropertyDecorator {
  const all = [
    Field({ nullable: true, description: "IANA time zone ('Europe/Berlin'; default UTC): the days of the channel's reports." }),
    IsOptional(), IsTimeZone({ message: 'timeZone must be an IANA time zone such as Europe/Berlin' }),
  ];
  return (target, key) => all.forEach((d) => d(target, key));
}

@InputType()
export class CreateChannelInput {
  @Field() @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'code is lower-case letters, digits and dashes (up to 64)' })
  code!: string;

  @Field() @Length(1, 200)
  name!: string;

  @Field(() => ChannelKind)
  kind!: ChannelKind;

  @Field() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' })
  currencyCode!: string;

  @Field(() => CapturePolicy, { nullable: true, description: 'When card payments are captured; default ON_FIRST_SHIPMENT.' })
  @IsOptional()
  capturePolicy?: CapturePolicy;

  @ReturnWindowDays()
  returnWindowDays?: number | null;

  @Field(() => ImportStockPolicy, { nullable: true, description: 'What importOrders does with an order the stock cannot cover; default RESERVE.' })
  @IsOptional()
  importStockPolicy?: ImportStockPolicy;

  @Field({ nullable: true, description: "Prices are gross, tax included (default false); changing it re-prices no placed order." })
  @IsOptional() @IsBoolean()
  pricesIncludeTax?: boolean;

  @TimeZone()
  timeZone?: string;
}

@InputType()
export class UpdateChannelInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 200)
  name?: string;

  @Field(() => CapturePolicy, { nullable: true })
  @IsOptional()
  capturePolicy?: CapturePolicy;

  @ReturnWindowDays()
  returnWindowDays?: number | null;

  @Field(() => ImportStockPolicy, { nullable: true, description: 'What importOrders does with an order the stock cannot cover; default RESERVE.' })
  @IsOptional()
  importStockPolicy?: ImportStockPolicy;

  @Field({ nullable: true, description: "Prices are gross, tax included (default false); changing it re-prices no placed order." })
  @IsOptional() @IsBoolean()
  pricesIncludeTax?: boolean;

  @TimeZone()
  timeZone?: string;
}
