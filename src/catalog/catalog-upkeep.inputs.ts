import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsInt, Length, Max, Min, ValidateNested } from 'class-validator';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { MAX_AMOUNT } from '../kernel/money.js';
import { MAX_OPTIONS, ProductOptionInput, VariantOptionInput } from './product-options.js';

@InputType({ description: 'What to change on a product; fields left out stay as they are.' })
export class UpdateProductInput {
  @Field({ nullable: true }) @Length(1, 300)
  name?: string;

  @Field(() => String, { nullable: true }) @Length(0, 10_000)
  description?: string | null;

  @Field(() => [ProductOptionInput], { nullable: true, description: "The product's options; every variant must then choose a value of each (send the variants' options with updateVariant first when adding one)." })
  @ArrayMaxSize(MAX_OPTIONS) @ValidateNested()
  options?: ProductOptionInput[];
}

@InputType({ description: "What to change on a variant; fields left out stay as they are. Orders keep the prices they were placed at." })
export class UpdateVariantInput {
  @Field({ nullable: true }) @Length(1, 300)
  name?: string;

  @Field(() => MoneyScalar, { nullable: true, description: 'The catalog price, in minor units of the variant currency (recorded in priceHistory).' })
  @IsInt() @Min(0) @Max(MAX_AMOUNT)
  price?: number;

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
export class ProductFilter {
  @Field({ nullable: true, description: "Part of the product's name or of one of its SKUs, case-insensitive." }) @Length(0, 200)
  search?: string;

  @Field({ nullable: true, description: 'Staff only: true lists archived products only, false (the default) active ones.' })
  archived?: boolean;
}

@InputType({ description: "A variant's option values, by SKU (updateProduct's `variants`)." })
export class VariantChoiceInput {
  @Field() @Length(1, 100)
  sku!: string;

  @Field(() => [VariantOptionInput]) @ArrayMaxSize(MAX_OPTIONS) @ValidateNested()
  options!: VariantOptionInput[];
}
