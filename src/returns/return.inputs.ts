import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, MaxLength, Min, ValidateNested } from 'class-validator';
import { ItemDisposition, RefundDestination, ReturnReason, ReturnResolution } from './return-status.js';

@InputType()
export class ReturnLineInput {
  @Field(() => ID) orderLineId!: string;
  @Field(() => Int) @IsInt() @Min(1, { message: 'quantity must be at least 1' }) quantity!: number;
  @Field(() => ReturnReason) reason!: ReturnReason;
  @Field(() => String, { nullable: true, description: 'With resolution EXCHANGE only: the replacement ships this active SKU (another size or colour) instead of the returned one; the price difference is charged or refunded.' })
  @MaxLength(100) exchangeSku?: string | null;
}

@InputType()
export class RequestReturnInput {
  @Field(() => ID) orderId!: string;
  @Field(() => [ReturnLineInput]) @ArrayMinSize(1, { message: 'a return needs at least one line' }) @ArrayMaxSize(200) @ValidateNested({ each: true })
  lines!: ReturnLineInput[];
  @Field(() => ReturnResolution) resolution!: ReturnResolution;
  @Field(() => RefundDestination, { nullable: true, description: 'With resolution REFUND: where the money goes (ORIGINAL_PAYMENT when left out); STORE_CREDIT for orders of a signed-in customer only.' })
  refundTo?: RefundDestination | null;
  @Field(() => String, { nullable: true }) @MaxLength(2000) customerNote?: string | null;
}

@InputType()
export class ReceiveReturnLineInput {
  @Field(() => ID) returnLineId!: string;
  @Field(() => Int) @IsInt() @Min(0, { message: 'quantity must not be negative' }) quantity!: number;
  @Field(() => ItemDisposition) disposition!: ItemDisposition;
}
