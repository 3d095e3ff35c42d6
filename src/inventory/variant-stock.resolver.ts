// Stock fields on the catalog's ProductVariant: inventory extends the variant the way a plugin would.
import DataLoader from 'dataloader';
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, loader, type OrdoContext } from '../kernel/context.js';
import { manyBy } from '../kernel/loaders.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLevel } from './stock-level.entity.js';

const AVAILABLE = (n: number) => `
SELECT sl.variant_id, SUM(CASE WHEN sl.on_hand > sl.reserved THEN sl.on_hand - sl.reserved ELSE 0 END) AS available
FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id
WHERE l.active = true AND sl.variant_id IN (${Array(n).fill('?').join(',')})
GROUP BY sl.variant_id`;

@Resolver(() => ProductVariant)
export class VariantStockFields {
  @FieldResolver(() => Int, { description: 'Units that can be sold now, summed over active stock locations.' })
  available(@Root() variant: ProductVariant, @Ctx() ctx: OrdoContext): Promise<number> {
    return loader(ctx, 'variant.available', () =>
      new DataLoader<string, number>(async (ids) => {
        const rows = await ctx.em.execute(AVAILABLE(ids.length), [...ids]);
        const byId = new Map(rows.map((r: any) => [r.variant_id, Number(r.available)]));
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
