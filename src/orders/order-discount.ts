// Discounts on an order, as the pricing steps gave them at placement (kernel/pricing.ts). They are
// part of the order (a JSON column), taken off the total after tax like store credit, so line prices,
// line tax and the order's tax stay what the goods cost.
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { IsInt, Matches, Max, MaxLength, Min } from 'class-validator';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { MAX_AMOUNT } from '../kernel/money.js';

@ObjectType({ description: 'A discount taken off the order total at placement (loyalty points, for example).' })
export class OrderDiscount {
  @Field({ description: 'The pricing step that gave it, for example loyalty-points.' })
  kind!: string;

  @Field()
  label!: string;

  @Field(() => MoneyScalar, { description: 'Minor units off the total.' })
  amount!: number;
}

@InputType({ description: 'A discount the buyer asks for at placement; a pricing step of its kind answers it.' })
export class DiscountInput {
  @Field({ description: 'Which pricing step answers it, for example loyalty-points.' }) @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'kind is a lower-case name such as loyalty-points' })
  kind!: string;

  @Field({ nullable: true, description: 'A code the buyer typed, when the kind uses codes.' }) @MaxLength(100)
  code?: string;

  @Field(() => Int, { nullable: true, description: "How much is asked for, in the kind's unit (points for loyalty-points)." })
  @IsInt() @Min(1, { message: 'a discount amount must be at least 1' }) @Max(MAX_AMOUNT)
  amount?: number;
}

export const MAX_DISCOUNT_REQUESTS = 10;
