// The GraphQL shapes of fulfillmentReport, returnsReport and customerReport (operations.resolver.ts).
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { ReturnReason } from '../returns/return-status.js';

@ObjectType({ description: "A stock location's shipments in the period (by the channel's local day they left) and its deliveries (by the day they arrived)." })
export class FulfillmentLocationFigures {
  @Field(() => ID) locationId!: string;
  @Field() locationCode!: string;
  @Field(() => Int, { description: 'Shipments handed over (SHIPPED).' }) shipments!: number;
  @Field(() => Int, { nullable: true, description: 'Median hours from placement to handover: the lower bound of its histogram bucket (1 hour wide up to 336 hours, then 24).' })
  leadTimeP50Hours!: number | null;
  @Field(() => Int, { nullable: true, description: 'The 90th percentile, as leadTimeP50Hours.' }) leadTimeP90Hours!: number | null;
  @Field(() => Int, { description: 'Shipments delivered.' }) delivered!: number;
  @Field(() => Int, { description: 'Of them, those whose order had a promised delivery date (Order.promisedDeliveryAt).' }) deliveredWithPromise!: number;
  @Field(() => Int, { description: 'Of those, the ones delivered by the promised date.' }) deliveredOnTime!: number;
  @Field(() => Float, { nullable: true, description: 'deliveredOnTime ÷ deliveredWithPromise; null when none had a promise.' }) onTimeRate!: number | null;
}

@ObjectType()
export class FulfillmentReport {
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar) to!: Date;
  @Field(() => [FulfillmentLocationFigures]) locations!: FulfillmentLocationFigures[];
  @Field(() => Int, { description: 'Orders placed in the period.' }) ordersPlaced!: number;
  @Field(() => Int, { description: 'Of them, orders that waited for stock (BACKORDERED at some point).' }) backorderedOrders!: number;
  @Field(() => Float, { nullable: true, description: 'backorderedOrders ÷ ordersPlaced.' }) backorderRate!: number | null;
  @Field(() => Int, { description: 'Orders whose last unit shipped in the period.' }) shippedOrders!: number;
  @Field(() => Int, { description: 'Of them, orders shipped in more than one shipment.' }) splitShipmentOrders!: number;
  @Field(() => Float, { nullable: true, description: 'splitShipmentOrders ÷ shippedOrders.' }) splitShipmentRate!: number | null;
}

@ObjectType({ description: 'Money in one currency.' })
export class ReturnsRefund {
  @Field() currencyCode!: string;
  @Field(() => MoneyScalar) amount!: number;
}

@ObjectType({ description: 'Returns of one SKU for one reason, requested in the period.' })
export class ReturnsReportRow {
  @Field() sku!: string;
  @Field(() => ReturnReason) reason!: ReturnReason;
  @Field(() => Int, { description: 'Units received back.' }) returnedUnits!: number;
  @Field(() => Int, { description: 'Units of the SKU shipped in the period (every reason alike).' }) shippedUnits!: number;
  @Field(() => Float, { nullable: true, description: 'returnedUnits ÷ shippedUnits; null when none shipped in the period.' }) returnRate!: number | null;
  @Field(() => Int, { description: 'Of the received units, those restocked (disposition RESTOCK).' }) restockedUnits!: number;
  @Field(() => Float, { nullable: true, description: 'restockedUnits ÷ returnedUnits.' }) restockRate!: number | null;
  @Field(() => [ReturnsRefund], { description: "Refunded to the orders' payments, per currency: each return's refund shared among its received lines by their worth." })
  refunds!: ReturnsRefund[];
}

@ObjectType()
export class ReturnsReport {
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar) to!: Date;
  @Field(() => [ReturnsReportRow]) rows!: ReturnsReportRow[];
}

@ObjectType({ description: 'A customer (or a guest, by e-mail address) by net sales in one currency.' })
export class TopCustomer {
  @Field() currencyCode!: string;
  @Field(() => ID, { nullable: true, description: 'Null for a guest.' }) customerId!: string | null;
  @Field() email!: string;
  @Field(() => Int, { description: 'Orders placed in the period, not cancelled.' }) orders!: number;
  @Field(() => MoneyScalar, { description: 'Their totals less what returns refunded.' }) netSales!: number;
}

@ObjectType()
export class CustomerReport {
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar) to!: Date;
  @Field(() => Int, { description: 'Customers with an order (not cancelled) placed in the period.' }) customers!: number;
  @Field(() => Int, { description: 'Of them, those whose first order ever (in the channels read) was placed in the period.' }) newCustomers!: number;
  @Field(() => Int, { description: 'Of them, those who had ordered before the period.' }) returningCustomers!: number;
  @Field(() => Int, { description: 'Of them, those with two or more orders in the period.' }) repeatCustomers!: number;
  @Field(() => Float, { nullable: true, description: 'repeatCustomers ÷ customers.' }) repeatPurchaseRate!: number | null;
  @Field(() => [TopCustomer], { description: '`first` customers per currency, by net sales.' }) topCustomers!: TopCustomer[];
}
