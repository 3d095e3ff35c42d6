import { Field, InputType } from 'type-graphql';
import { IsOptional, Length, Matches } from 'class-validator';
import { CapturePolicy, ChannelKind } from './channel.entity.js';

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
}

@InputType()
export class UpdateChannelInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 200)
  name?: string;

  @Field(() => CapturePolicy, { nullable: true })
  @IsOptional()
  capturePolicy?: CapturePolicy;
}
