import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { oneBy } from '../kernel/loaders.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { InventoryService } from './inventory.service.js';
import { AdjustStockInput, CreateStockLocationInput, UpdateStockLocationInput } from './inventory.inputs.js';
import { StockLocation } from './stock-location.entity.js';
import { StockLevel } from './stock-level.entity.js';
import { StockMovement } from './stock-movement.entity.js';

const inventory = (ctx: OrdoContext) => ctx.app.service(InventoryService);

@Resolver()
export class InventoryResolver {
  @Query(() => [StockLocation])
  stockLocations(@Ctx() ctx: OrdoContext): Promise<StockLocation[]> {
    return inventory(ctx).locations(ctx.em);
  }

  @Query(() => [StockLevel])
  stockLevels(
    @Arg('sku', () => String, { nullable: true }) sku: string | undefined,
    @Arg('locationCode', () => String, { nullable: true }) locationCode: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<StockLevel[]> {
    return inventory(ctx).levels(can(ctx, admin('inventory')).em, sku, locationCode);
  }

  @Query(() => [StockMovement])
  stockMovements(
    @Arg('sku', () => String) sku: string,
    @Arg('locationCode', () => String, { nullable: true }) locationCode: string | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<StockMovement[]> {
    return inventory(ctx).movements(can(ctx, admin('inventory')).em, sku, locationCode, first);
  }

  @Mutation(() => StockLocation)
  createStockLocation(@Arg('input', () => CreateStockLocationInput) input: CreateStockLocationInput, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return inventory(ctx).createLocation(can(ctx, admin('inventory')).em, input);
  }

  @Mutation(() => StockLocation, { description: 'Changes a stock location: its name, priority, automation, the address it ships from and the box it packs in.' })
  updateStockLocation(
    @Arg('code') code: string,
    @Arg('input', () => UpdateStockLocationInput) input: UpdateStockLocationInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<StockLocation> {
    return inventory(ctx).updateLocation(can(ctx, admin('inventory')).em, code, input);
  }

  @Mutation(() => StockLevel)
  adjustStock(@Arg('input', () => AdjustStockInput) input: AdjustStockInput, @Ctx() ctx: OrdoContext): Promise<StockLevel> {
    return inventory(ctx).adjust(can(ctx, admin('inventory')).em, input, ctx.principal);
  }
}

@Resolver(() => StockLevel)
export class StockLevelFields {
  @FieldResolver(() => ProductVariant)
  async variant(@Root() level: StockLevel, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    return (await oneBy(ctx, ProductVariant).load(level.variant.id))!;
  }

  @FieldResolver(() => StockLocation)
  async location(@Root() level: StockLevel, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(level.location.id))!;
  }
}

@Resolver(() => StockMovement)
export class StockMovementFields {
  @FieldResolver(() => StockLocation)
  async location(@Root() m: StockMovement, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(m.location.id))!;
  }
}
