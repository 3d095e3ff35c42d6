import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, Length, Max, Min, ValidateNested } from 'class-validator';

@InputType()
export class StockTransferLineInput {
  @Field() @Length(1, 100)
  sku!: string;

  @Field(() => Int) @IsInt() @Min(1) @Max(1_000_000)
  quantity!: number;
}

@InputType()
export class CreateStockTransferInput {
  @Field({ description: 'The location the units leave.' }) @Length(1, 100)
  fromLocationCode!: string;

  @Field({ description: 'The location they go to (not the same).' }) @Length(1, 100)
  toLocationCode!: string;

  @Field(() => [StockTransferLineInput]) @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested()
  lines!: StockTransferLineInput[];

  @Field({ nullable: true }) @Length(0, 1000)
  note?: string;
}
