import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { OrderFilter } from '../orders/order.inputs.js';
import { ExportLink } from './export-link.js';
import { ExportService } from './export.service.js';

const exportsOf = (ctx: OrdoContext) => ctx.app.service(ExportService);

// Mutations, not queries: each hands out a bearer link to data (customer emails, every channel's stock),
// so each is written to the audit log (kernel/audit) like every admin mutation.
@Resolver()
export class ExportResolver {
  @Mutation(() => ExportLink, { description: 'A link to a CSV of the orders the filter selects (as orders(filter) lists them for you: a channel-scoped key or member gets their channels only), newest first. Valid for 15 minutes.' })
  exportOrders(@Arg('filter', () => OrderFilter, { nullable: true }) filter: OrderFilter | undefined, @Ctx() ctx: OrdoContext): Promise<ExportLink> {
    return exportsOf(ctx).ordersLink(ctx.em, ctx.principal, filter);
  }

  @Mutation(() => ExportLink, { description: 'A link to a CSV of stock levels (on hand, reserved, available, in transit, incoming), by SKU; of one location and/or SKU when given. Valid for 15 minutes.' })
  exportStockLevels(
    @Arg('locationCode', () => String, { nullable: true }) locationCode: string | undefined,
    @Arg('sku', () => String, { nullable: true }) sku: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ExportLink> {
    return exportsOf(ctx).stockLevelsLink(ctx.em, ctx.principal, locationCode, sku);
  }

  @Mutation(() => ExportLink, { description: 'A link to a CSV of the stock ledger\'s movements with from <= at < to, oldest first; of one SKU and/or location when given. Valid for 15 minutes.' })
  exportStockMovements(
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('sku', () => String, { nullable: true }) sku: string | undefined,
    @Arg('locationCode', () => String, { nullable: true }) locationCode: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ExportLink> {
    return exportsOf(ctx).stockMovementsLink(ctx.em, ctx.principal, from, to, sku, locationCode);
  }
}
