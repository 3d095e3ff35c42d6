// What salesReport and productPerformance answer (docs/analytics.md).
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { ReportGrouping } from './report-grouping.js';

@ObjectType({ description: 'Sales figures of a bucket or a whole report, in one currency (money in its minor units).' })
export class SalesFigures {
  @Field() currencyCode!: string;
  @Field(() => Int, { description: 'Orders placed, not cancelled.' }) orders!: number;
  @Field(() => Int, { description: 'Units ordered (cancelled units left out).' }) units!: number;
  @Field(() => MoneyScalar, { description: "The lines' value before tax and discounts (unit price × quantity; net of the tax in a tax-inclusive order)." }) grossSales!: number;
  @Field(() => MoneyScalar, { description: 'Price reductions (promotions, coupons, channel discounts), as the orders record them; not gift cards or store credit, which are payment.' }) discounts!: number;
  @Field(() => MoneyScalar, { description: "The returned units' share of their lines' value before tax and discounts." }) returns!: number;
  @Field(() => MoneyScalar, { description: 'grossSales − discounts − returns.' }) netSales!: number;
  @Field(() => MoneyScalar, { description: 'Tax charged on goods and shipping.' }) tax!: number;
  @Field(() => MoneyScalar, { description: 'Shipping charged, before tax.' }) shipping!: number;
  @Field(() => MoneyScalar, { description: 'netSales + tax + shipping.' }) totalSales!: number;
  @Field(() => MoneyScalar, { description: "Money refunded to the buyers' payments (settled refunds, for any reason)." }) refunds!: number;
  @Field(() => MoneyScalar, { description: '(grossSales − discounts) ÷ orders, rounded; 0 without orders.' }) averageOrderValue!: number;
}

@ObjectType()
export class SalesBucket extends SalesFigures {
  @Field({ description: "The bucket's first local day, 'YYYY-MM-DD' (a week starts on Monday, a month on the 1st)." }) start!: string;
}

@ObjectType()
export class CurrencySales {
  @Field() currencyCode!: string;
  @Field(() => [SalesBucket], { description: 'Every bucket of the range, oldest first (zero where nothing sold).' }) buckets!: SalesBucket[];
  @Field(() => SalesFigures) totals!: SalesFigures;
}

@ObjectType()
export class SalesReport {
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar) to!: Date;
  @Field(() => ReportGrouping) groupBy!: ReportGrouping;
  @Field(() => [String], { description: 'The channels the report covers (their codes).' }) channelCodes!: string[];
  @Field(() => [CurrencySales], { description: 'One entry per currency sold in.' }) currencies!: CurrencySales[];
}

@ObjectType()
export class ProductPerformance {
  @Field() sku!: string;
  @Field() currencyCode!: string;
  @Field(() => Int) unitsSold!: number;
  @Field(() => Int) unitsReturned!: number;
  @Field(() => MoneyScalar, { description: "The SKU's lines before tax, less their share of the discounts and the returned units' value." }) netSales!: number;
  @Field(() => Float, { nullable: true, description: 'unitsReturned ÷ unitsSold; null when none sold.' }) returnRate!: number | null;
  @Field(() => Int, { description: 'Units available now (on hand − reserved) at every location.' }) available!: number;
  @Field(() => Float, { nullable: true, description: 'available ÷ the average units sold per day over the period; null when none sold.' }) daysOfCover!: number | null;
}
