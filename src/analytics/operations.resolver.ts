// Admin: fulfillmentReport, returnsReport, customerReport (docs/analytics.md, "Fulfillment, returns and
// customers"). The orders role; a channel-scoped principal reads its own channels only.
import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { OperationsReportService } from './operations-reports.js';
import { CustomerReport, FulfillmentReport, ReturnsReport } from './operations-types.js';

const service = new OperationsReportService();

@Resolver()
export class OperationsReportResolver {
  @Query(() => FulfillmentReport, { description: 'Admin (orders): shipments per location with lead times and on-time deliveries, backorder and split-shipment rates, over whole local days of the channel (one channel, or every channel the caller works on). From rollups fed by events.' })
  fulfillmentReport(
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('channelCode', () => String, { nullable: true }) channelCode: string | null | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<FulfillmentReport> {
    return service.fulfillment(ctx.em, ctx.principal, { from, to, channelCode });
  }

  @Query(() => ReturnsReport, { description: 'Admin (orders): returns per SKU and reason (returns requested in the period): units received, return rate against units shipped, refunds per currency, restock rate.' })
  returnsReport(
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('channelCode', () => String, { nullable: true }) channelCode: string | null | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ReturnsReport> {
    return service.returns(ctx.em, ctx.principal, { from, to, channelCode });
  }

  @Query(() => CustomerReport, { description: 'Admin (orders): new and returning customers, repeat purchase rate, and the `first` (1 to 500, default 10) customers per currency by net sales. Guests count by e-mail address.' })
  customerReport(
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('channelCode', () => String, { nullable: true }) channelCode: string | null | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | null | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<CustomerReport> {
    return service.customers(ctx.em, ctx.principal, { from, to, channelCode, first });
  }
}
