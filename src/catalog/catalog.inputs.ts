import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { MAX_AMOUNT } from '../kernel/money.js';
import { MAX_OPTIONS, ProductOptionInput, VariantOptionInput } from './product-options.js';

@InputType()
export class CreateVariantInput {
  @Field() @Matches(/^[A-Za-z0-9][A-Za-z0-9._\-\/]{0,99}$/, { message: 'sku is letters, digits, . _ - / (up to 100)' })
  sku!: string;

  @Field() @Length(1, 300)
  name!: string;

  @Field(() => MoneyScalar) @IsInt() @Min(0) @Max(MAX_AMOUNT)
  price!: number;

  @Field() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' })
  currencyCode!: string;

  @Field(() => Int, { nullable: true }) @Min(0) @Max(1_000_000)
  weightGrams?: number;

  @Field({ nullable: true })
  trackInventory?: boolean;

  @Field({ nullable: true })
  allowBackorder?: boolean;

  @Field(() => [VariantOptionInput], { nullable: true, description: "Its value of each of the product's options." })
  @ArrayMaxSize(MAX_OPTIONS) @ValidateNested()
  options?: VariantOptionInput[];
}

@InputType()
export class CreateProductInput {
  @Field() @Length(1, 300)
  name!: string;

  @Field({ nullable: true }) @Length(0, 10_000)
  description?: string;

  @Field(() => [ProductOptionInput], { nullable: true, description: 'Options its variants choose from (size, colour), at most 3.' })
  @ArrayMaxSize(MAX_OPTIONS) @ValidateNested()
  options?: ProductOptionInput[];

  @Field(() => [CreateVariantInput]) @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested()
  variants!: CreateVariantInput[];
}
