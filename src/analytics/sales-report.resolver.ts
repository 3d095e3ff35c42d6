// salesReport and productPerformance (staff with the orders role, kept to their channels), and
// rebuildReports (superadmin): docs/analytics.md.
import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { admin, adminIn, authorize } from '../kernel/auth.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { notFound } from '../kernel/errors.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { Channel } from '../channels/channel.entity.js';
import { ReportGrouping } from './report-grouping.js';
import { productPerformance, salesReport } from './sales-report.js';
import { checkFirst, MAX_FIRST, reportChannels } from './report-range.js';
import { ProductPerformance, SalesReport } from './sales-report.types.js';
import { analyzeRollups, rebuilders } from './rebuilders.js';

@ObjectType()
export class RebuiltRollup {
  @Field({ description: "The rollups rebuilt ('sales', ...)." }) name!: string;
  @Field(() => Int, { description: 'How many source rows (orders, ...) they were counted from.' }) counted!: number;
}

@Resolver()
export class SalesReportResolver {
  @Query(() => SalesReport, { description: 'Orders, units and money per bucket of local days and currency, read from the rollups (docs/analytics.md). Staff with the orders role; a channel-scoped one sees its channels.' })
  async salesReport(
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar, { description: 'Exclusive: the report covers the local days from the one holding `from` to the one holding the last instant before `to`.' }) to: Date,
    @Arg('groupBy', () => ReportGrouping, { nullable: true, description: 'DAY when left out.' }) groupBy: ReportGrouping | undefined,
    @Arg('channelCode', () => String, { nullable: true, description: 'One channel; every channel the caller may see when left out.' }) channelCode: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<SalesReport> {
    const channels = await reportChannels(ctx.em, ctx.principal, from, to, channelCode);
    const g = groupBy ?? ReportGrouping.DAY;
    const currencies = await salesReport(ctx.em as unknown as SqlRunner, channels, g);
    return Object.assign(new SalesReport(), { from, to, groupBy: g, channelCodes: channels.map((c) => c.code), currencies });
  }

  @Query(() => [ProductPerformance], { description: 'The SKUs with the highest net sales in the range (per currency), with returns and days of stock cover, read from the rollups.' })
  async productPerformance(
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('first', () => Int, { nullable: true, description: `How many SKUs (1–${MAX_FIRST}); 50 when left out.` }) first: number | undefined,
    @Arg('channelCode', () => String, { nullable: true }) channelCode: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ProductPerformance[]> {
    authorize(ctx.principal, adminIn('orders'));
    const n = checkFirst(first, 50);
    const channels = await reportChannels(ctx.em, ctx.principal, from, to, channelCode);
    return productPerformance(ctx.em as unknown as SqlRunner, channels, n);
  }

  @Mutation(() => [RebuiltRollup], { description: 'Recounts the report rollups from the orders, payments and returns (after a restore or a bulk load, or a change of a channel\'s time zone). Superadmin.' })
  async rebuildReports(
    @Arg('channelCode', () => String, { nullable: true }) channelCode: string | undefined,
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'Only the local days from the one holding this instant on.' }) from: Date | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<RebuiltRollup[]> {
    authorize(ctx.principal, admin('superadmin'));
    let channelId: string | null = null;
    if (channelCode) {
      const c = await ctx.em.findOne(Channel, { code: channelCode });
      if (!c) throw notFound(`Channel "${channelCode}"`);
      channelId = c.id;
    }
    const out: RebuiltRollup[] = [];
    for (const r of rebuilders) out.push(Object.assign(new RebuiltRollup(), { name: r.name, counted: await r.rebuild(ctx.em.fork(), { channelId, from: from ?? null }) }));
    await analyzeRollups(ctx.em);
    return out;
  }
}
