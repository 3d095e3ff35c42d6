// Cycle counts and transfers: the `inventory` role, like adjustStock.
import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, loader, type OrdoContext } from '../kernel/context.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { StockLevel } from '../inventory/stock-level.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { StockCount, StockCountLine, StockCountStatus, StockCountVariance } from './stock-count.entity.js';
import { StockCountService } from './stock-count.service.js';
import { StockTransfer, StockTransferLine, StockTransferStatus } from './stock-transfer.entity.js';
import { StockTransferService } from './stock-transfer.service.js';
import { CreateStockTransferInput, StockTransferLineInput } from './stock-control.inputs.js';

const counts = (ctx: OrdoContext) => ctx.app.service(StockCountService);
const transfers = (ctx: OrdoContext) => ctx.app.service(StockTransferService);
const staff = (ctx: OrdoContext) => can(ctx, admin('inventory')).em;
const KEY = { nullable: true, description: 'A retry with the same key answers the first result and books nothing again.' } as const;

@Resolver(() => StockCount)
export class StockCountResolver {
  @Query(() => [StockCount], { description: 'Cycle counts, newest first (200 at most).' })
  stockCounts(
    @Arg('locationCode', () => String, { nullable: true }) locationCode: string | undefined,
    @Arg('status', () => StockCountStatus, { nullable: true }) status: StockCountStatus | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<StockCount[]> {
    return counts(ctx).list(staff(ctx), locationCode, status);
  }

  @Query(() => StockCount, { nullable: true })
  stockCount(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<StockCount | null> {
    return counts(ctx).get(staff(ctx), id);
  }

  @Query(() => StockCountVariance, { description: 'What applying the count would book: counted − on hand when counted, per SKU.' })
  stockCountVariance(@Arg('countId', () => ID) countId: string, @Ctx() ctx: OrdoContext): Promise<StockCountVariance> {
    return counts(ctx).variance(staff(ctx), countId);
  }

  @Mutation(() => StockCount, { description: 'Opens a cycle count of these SKUs at a location.' })
  startStockCount(@Arg('locationCode') locationCode: string, @Arg('skus', () => [String]) skus: string[], @Ctx() ctx: OrdoContext): Promise<StockCount> {
    return counts(ctx).start(staff(ctx), locationCode, skus);
  }

  @Mutation(() => StockCountLine, { description: 'What was counted of a SKU, kept with the on-hand of this moment; a second record replaces the first.' })
  recordStockCount(
    @Arg('countId', () => ID) countId: string, @Arg('sku') sku: string, @Arg('counted', () => Int) counted: number, @Ctx() ctx: OrdoContext,
  ): Promise<StockCountLine> {
    return counts(ctx).record(staff(ctx), countId, sku, counted);
  }

  @Mutation(() => StockCount, { description: 'Books each counted SKU\'s variance as a COUNT movement, all or nothing (INSUFFICIENT_STOCK when one would go below the reserved units).' })
  applyStockCount(
    @Arg('countId', () => ID) countId: string, @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | undefined, @Ctx() ctx: OrdoContext,
  ): Promise<StockCount> {
    return counts(ctx).apply(staff(ctx), countId, idempotencyKey, ctx.principal);
  }

  @Mutation(() => StockCount, { description: 'Gives an OPEN count up: nothing is booked.' })
  cancelStockCount(@Arg('countId', () => ID) countId: string, @Ctx() ctx: OrdoContext): Promise<StockCount> {
    return counts(ctx).cancel(staff(ctx), countId);
  }

  @FieldResolver(() => StockLocation)
  async location(@Root() c: StockCount, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(c.location.id))!;
  }

  @FieldResolver(() => [StockCountLine])
  lines(@Root() c: StockCount, @Ctx() ctx: OrdoContext): Promise<StockCountLine[]> {
    return manyBy(ctx, StockCountLine, 'count', (l) => l.count.id, { sku: 'asc' }).load(c.id);
  }
}

@Resolver(() => StockTransfer)
export class StockTransferResolver {
  @Query(() => [StockTransfer], { description: 'Transfers, newest first (200 at most); with a location code, those leaving or reaching it.' })
  stockTransfers(
    @Arg('status', () => StockTransferStatus, { nullable: true }) status: StockTransferStatus | undefined,
    @Arg('locationCode', () => String, { nullable: true }) locationCode: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<StockTransfer[]> {
    return transfers(ctx).list(staff(ctx), status, locationCode);
  }

  @Query(() => StockTransfer, { nullable: true })
  stockTransfer(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<StockTransfer | null> {
    return transfers(ctx).get(staff(ctx), id);
  }

  @Mutation(() => StockTransfer, { description: 'A DRAFT transfer: nothing moves until it is shipped.' })
  createStockTransfer(@Arg('input', () => CreateStockTransferInput) input: CreateStockTransferInput, @Ctx() ctx: OrdoContext): Promise<StockTransfer> {
    return transfers(ctx).create(staff(ctx), input);
  }

  @Mutation(() => StockTransfer, { description: 'Every line out of the source location (TRANSFER_OUT), or nothing: the units are in transit.' })
  shipStockTransfer(@Arg('id', () => ID) id: string, @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | undefined, @Ctx() ctx: OrdoContext): Promise<StockTransfer> {
    return transfers(ctx).ship(staff(ctx), id, idempotencyKey, ctx.principal);
  }

  @Mutation(() => StockTransfer, { description: 'Units on hand at the destination (TRANSFER_IN; waiting backorders are served): the lines given, at most what is in transit, or everything in transit.' })
  receiveStockTransfer(
    @Arg('id', () => ID) id: string,
    @Arg('lines', () => [StockTransferLineInput], { nullable: true }) lines: StockTransferLineInput[] | undefined,
    @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<StockTransfer> {
    return transfers(ctx).receive(staff(ctx), id, lines, idempotencyKey, ctx.principal);
  }

  @Mutation(() => StockTransfer, { description: 'Gives a DRAFT transfer up.' })
  cancelStockTransfer(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<StockTransfer> {
    return transfers(ctx).cancel(staff(ctx), id);
  }

  @FieldResolver(() => StockLocation)
  async fromLocation(@Root() t: StockTransfer, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(t.fromLocation.id))!;
  }

  @FieldResolver(() => StockLocation)
  async toLocation(@Root() t: StockTransfer, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(t.toLocation.id))!;
  }

  @FieldResolver(() => [StockTransferLine])
  lines(@Root() t: StockTransfer, @Ctx() ctx: OrdoContext): Promise<StockTransferLine[]> {
    return manyBy(ctx, StockTransferLine, 'transfer', (l) => l.transfer.id, { sku: 'asc' }).load(t.id);
  }

  @FieldResolver(() => Int, { description: 'Units shipped and not yet received, over all lines.' })
  async inTransit(@Root() t: StockTransfer, @Ctx() ctx: OrdoContext): Promise<number> {
    return (await this.lines(t, ctx)).reduce((n, l) => n + l.inTransit, 0);
  }
}

@Resolver(() => StockLevel)
export class StockLevelTransitFields {
  @FieldResolver(() => Int, { description: 'Units shipped by transfers to this location and not yet received (not available).' })
  inTransitIn(@Root() level: StockLevel, @Ctx() ctx: OrdoContext): Promise<number> {
    // One grouped statement for every level of the page.
    return loader(ctx, 'stockLevel.inTransitIn', () => new DataLoader<string, number>(async (keys) => {
      const variantIds = [...new Set(keys.map((k) => k.split('|')[0]))];
      const rows = await ctx.em.execute(
        `SELECT l.variant_id, t.to_location_id, SUM(l.shipped - l.received) AS n FROM stock_transfer_line l JOIN stock_transfer t ON t.id = l.transfer_id
         WHERE t.status = ? AND l.variant_id IN (${variantIds.map(() => '?').join(', ')}) GROUP BY l.variant_id, t.to_location_id`,
        [StockTransferStatus.IN_TRANSIT, ...variantIds],
      );
      const by = new Map(rows.map((r: any) => [`${r.variant_id}|${r.to_location_id}`, Number(r.n)]));
      return keys.map((k) => by.get(k) ?? 0);
    })).load(`${level.variant.id}|${level.location.id}`);
  }
}
