// What a channel sends for each order: its own id, the buyer, the lines at the prices and taxes it charged
// (not repriced here), shipping, and what it was paid. Shapes are checked by the schema and class-validator
// (a malformed batch is refused whole); what needs the database (SKUs, stock, a repeat) is per order.
import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { AddressInput } from '../order-core/address.js';
import { MAX_LINES, OrderLineInput } from '../orders/order.inputs.js';

export const MAX_IMPORT_BATCH = 500;

/** A storefront's line (sku, quantity) with what the channel charged for it. */
@InputType()
export class ImportOrderLineInput extends OrderLineInput {
  @Field(() => MoneyScalar, { description: 'What the channel charged for one unit, before tax, in the minor unit of the channel currency.' })
  @Min(0, { message: 'unitPrice must not be negative' })
  unitPrice!: number;

  @Field(() => MoneyScalar, { description: 'The tax the channel charged on the whole line.' })
  @Min(0, { message: 'taxTotal must not be negative' })
  taxTotal!: number;

  @Field({ nullable: true, description: "The line's name as the channel showed it; the variant's name when left out." }) @IsOptional() @Length(1, 300)
  name?: string;
}

@InputType()
export class ImportOrderInput {
  @Field({ description: "The order's id in the channel's own system: one order per (channel, externalId)." })
  @Matches(/^[\w\-.:#/]{1,200}$/, { message: 'externalId is 1 to 200 letters, digits or - _ . : # /' })
  externalId!: string;

  @Field() @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the buyer ordered on the channel; now when left out.' })
  placedAt?: Date;

  @Field({ nullable: true, description: "Checked against the channel's currency when given." }) @IsOptional() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' })
  currencyCode?: string;

  @Field(() => [ImportOrderLineInput]) @ArrayMinSize(1, { message: 'an order needs at least one line' }) @ArrayMaxSize(MAX_LINES) @ValidateNested()
  lines!: ImportOrderLineInput[];

  @Field(() => AddressInput) @ValidateNested()
  shippingAddress!: AddressInput;

  @Field(() => AddressInput, { nullable: true }) @IsOptional() @ValidateNested()
  billingAddress?: AddressInput;

  @Field({ nullable: true, description: "The engine's shipping method the order ships by (its carrier and service for the label)." }) @IsOptional() @Length(1, 64)
  shippingMethodCode?: string;

  @Field(() => MoneyScalar, { description: 'Shipping charged, before tax.' }) @Min(0, { message: 'shippingTotal must not be negative' })
  shippingTotal!: number;

  @Field(() => MoneyScalar, { nullable: true, description: 'Tax charged on shipping; 0 when left out.' }) @IsOptional() @Min(0, { message: 'shippingTax must not be negative' })
  shippingTax?: number;

  @Field(() => MoneyScalar, { nullable: true, description: 'Discounts the channel gave, taken off the total; 0 when left out.' }) @IsOptional() @Min(0, { message: 'discountTotal must not be negative' })
  discountTotal?: number;

  @Field(() => MoneyScalar, { description: 'What the buyer paid: must equal the lines, shipping and taxes less the discounts.' }) @Min(0, { message: 'total must not be negative' })
  total!: number;

  @Field({ nullable: true, description: "The channel's reference of the payment (its transaction or settlement id)." }) @IsOptional() @Length(1, 200)
  paymentReference?: string;

  @Field({ nullable: true, description: 'The channel fulfilled the order itself (its own warehouse): no stock is reserved, no shipment is made, the order is SHIPPED.' })
  fulfilledByChannel?: boolean;

  @Field({ nullable: true }) @IsOptional() @MaxLength(2000)
  note?: string;
}

