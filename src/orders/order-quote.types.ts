// What quoteOrder answers: the order as placeOrder would price it now, the shipping methods that serve
// the address, and every problem as data (a checkout shows them all at once instead of one per try).
import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { OrderDiscount } from './order-discount.js';
import { PickupOption } from './pickup.js';
import { SourcingOption } from './quote-sourcing.js';

@ObjectType({ description: 'Something that stops the order from being placed as it stands.' })
export class OrderProblemType {
  @Field({ description: 'Where in PlaceOrderInput, for example `lines[1].quantity`, `shippingMethodCode` or `discounts[0]`.' })
  path!: string;

  @Field({ description: 'The error code placeOrder would answer: BAD_USER_INPUT, INSUFFICIENT_STOCK, ...' })
  code!: string;

  @Field()
  message!: string;
}

@ObjectType()
export class QuoteLine {
  @Field() sku!: string;
  @Field() name!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => MoneyScalar, { description: "The channel's price (else the catalog's): gross when pricesIncludeTax." }) unitPrice!: number;
  @Field(() => MoneyScalar, { description: 'Tax on the line (destination rate, rounded half-up; taken out of the gross when pricesIncludeTax).' }) taxTotal!: number;
  @Field(() => MoneyScalar, { description: 'What the line costs with tax: unitPrice × quantity + tax, or unitPrice × quantity when pricesIncludeTax.' }) lineTotal!: number;

  @Field(() => Int, { nullable: true, description: 'Units that can be sold now over all active locations; null when the SKU is not stock-tracked.' })
  available!: number | null;

  @Field(() => Int, { description: 'Units that would wait for stock (only for SKUs that may be backordered).' })
  backordered!: number;

  @Field(() => Int, { description: 'Units that would be preordered: all of a preorder SKU\'s units before its release (docs/preorders.md).' })
  preordered!: number;
}

@ObjectType({ description: 'A shipping method that delivers to the address, priced for this order.' })
export class ShippingOption {
  @Field() code!: string;
  @Field() name!: string;
  @Field() carrierCode!: string;
  @Field(() => MoneyScalar, { description: "The price as the method lists it: before tax, or with tax when the channel's prices include tax." }) price!: number;
  @Field(() => MoneyScalar, { description: 'Tax on the price at the destination rate (added to it, or the part of it that is tax).' }) taxTotal!: number;
  @Field() currencyCode!: string;
  @Field(() => Int) minTransitDays!: number;
  @Field(() => Int) maxTransitDays!: number;
  @Field(() => DateTimeScalar, { description: 'Delivery at the latest, if the order were placed now.' }) estimatedDeliveryAt!: Date;
  @Field({ description: 'The method the input chose.' }) selected!: boolean;
}

@ObjectType({ description: 'An order priced as placeOrder would price it now; nothing is written or reserved.' })
export class OrderQuote {
  @Field() currencyCode!: string;
  @Field({ description: "Whether unit and shipping prices include tax (the channel's pricesIncludeTax); subtotal and shippingTotal are net either way." })
  pricesIncludeTax!: boolean;
  @Field(() => [QuoteLine]) lines!: QuoteLine[];
  @Field(() => [ShippingOption], { description: 'The methods that deliver to the shipping address in the channel\'s currency, cheapest first.' })
  shippingMethods!: ShippingOption[];
  @Field(() => [PickupOption], { description: 'Click & collect: stores the order can be collected at, nearest to the shipping address first; empty when no PICKUP method is offered.' })
  pickupLocations!: PickupOption[];
  @Field(() => [SourcingOption], { description: 'Delivery promises: the order sourced for each goal (earliest delivery, fewest shipments), with its parcels and dates; pass the chosen goal to placeOrder. Empty for a pickup order or one with nothing stocked.' })
  sourcingOptions!: SourcingOption[];
  @Field(() => [OrderDiscount], { description: 'What the pricing steps would grant.' }) discounts!: OrderDiscount[];
  @Field(() => MoneyScalar, { description: "The lines' net amounts." }) subtotal!: number;
  @Field(() => MoneyScalar, { description: 'Shipping, net.' }) shippingTotal!: number;
  @Field(() => MoneyScalar) taxTotal!: number;
  @Field(() => MoneyScalar) discountTotal!: number;
  @Field(() => MoneyScalar, { description: 'What placeOrder would charge: subtotal + shippingTotal + taxTotal - discountTotal.' }) total!: number;
  @Field(() => DateTimeScalar, { nullable: true, description: 'With the chosen method, if the order were placed now.' }) estimatedDeliveryAt!: Date | null;
  @Field(() => [OrderProblemType], { description: 'Empty when placeOrder would accept the order as it stands (payment aside).' })
  problems!: OrderProblemType[];
  @Field({ description: 'True when there are no problems.' }) placeable!: boolean;
}
