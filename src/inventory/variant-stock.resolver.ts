// Stock fields on the catalog's ProductVariant: inventory extends the variant the way a plugin would.
import DataLoader from 'dataloader';
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, loader, type OrdoContext } from '../kernel/context.js';
import { manyBy } from '../kernel/loaders.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLevel } from './stock-level.entity.js';
import { availableBy } from './availability.js';

@Resolver(() => ProductVariant)
export class VariantStockFields {
  @FieldResolver(() => Int, { description: 'Units that can be sold now, summed over active stock locations.' })
  available(@Root() variant: ProductVariant, @Ctx() ctx: OrdoContext): Promise<number> {
    return loader(ctx, 'variant.available', () =>
      new DataLoader<string, number>(async (ids) => {
        const byId = await availableBy(ctx.em, 'variant_id', ids);
        return ids.map((id) => byId.get(id) ?? 0);
      }),
    ).load(variant.id);
  }

  @FieldResolver(() => [StockLevel], { description: 'Admin only.' })
  stockLevels(@Root() variant: ProductVariant, @Ctx() ctx: OrdoContext): Promise<StockLevel[]> {
    can(ctx, admin('inventory'));
    return manyBy(ctx, StockLevel, 'variant', (l) => l.variant.id).load(variant.id);
  }
}
