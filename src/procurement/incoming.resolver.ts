// `incoming` and `nextExpectedAt` on stock levels and variants, from open purchase orders: procurement
// extends inventory's and the catalog's types the way a plugin would. One grouped statement per request
// for all the variants asked about (DataLoader).
import DataLoader from 'dataloader';
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, loader, type OrdoContext } from '../kernel/context.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLevel } from '../inventory/stock-level.entity.js';
import { incomingBy, total, type Incoming } from './incoming.js';

const NONE: Incoming = { quantity: 0, nextExpectedAt: null };

function incomingOf(ctx: OrdoContext, variantId: string): Promise<Map<string, Incoming> | undefined> {
  return loader(ctx, 'variant.incoming', () =>
    new DataLoader<string, Map<string, Incoming> | undefined>(async (ids) => {
      const byVariant = await incomingBy(ctx.em, ids);
      return ids.map((id) => byVariant.get(id));
    }),
  ).load(variantId);
}

@Resolver(() => StockLevel)
export class StockLevelIncomingFields {
  @FieldResolver(() => Int, { description: 'Units sent purchase orders still bring to this location.' })
  async incoming(@Root() level: StockLevel, @Ctx() ctx: OrdoContext): Promise<number> {
    return ((await incomingOf(ctx, level.variant.id))?.get(level.location.id) ?? NONE).quantity;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'When the next of those units is expected.' })
  async nextExpectedAt(@Root() level: StockLevel, @Ctx() ctx: OrdoContext): Promise<Date | null> {
    return ((await incomingOf(ctx, level.variant.id))?.get(level.location.id) ?? NONE).nextExpectedAt;
  }
}

@Resolver(() => ProductVariant)
export class VariantIncomingFields {
  @FieldResolver(() => Int, { description: 'Admin only: units sent purchase orders still bring, over all locations.' })
  async incoming(@Root() variant: ProductVariant, @Ctx() ctx: OrdoContext): Promise<number> {
    can(ctx, admin('inventory'));
    return total(await incomingOf(ctx, variant.id)).quantity;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'When the next units of a sent purchase order are expected ("back in stock around …"); null when none are on their way.' })
  async nextExpectedAt(@Root() variant: ProductVariant, @Ctx() ctx: OrdoContext): Promise<Date | null> {
    return total(await incomingOf(ctx, variant.id)).nextExpectedAt;
  }
}
