import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { PreorderInfo, PreorderService, preorderOf } from './preorder.js';
import { ProductVariant } from './variant.entity.js';

@Resolver(() => ProductVariant)
export class PreorderResolver {
  @Mutation(() => ProductVariant, { description: 'Sells the SKU as a preorder until releaseDate: orders are accepted up to `limit` units (beyond that INSUFFICIENT_STOCK, reason PREORDER_LIMIT), captured when they ship, shipped once released and in stock (docs/preorders.md).' })
  setVariantPreorder(
    @Arg('sku', () => String) sku: string,
    @Arg('releaseDate', () => DateTimeScalar) releaseDate: Date,
    @Arg('limit', () => Int) limit: number,
    @Ctx() ctx: OrdoContext,
  ): Promise<ProductVariant> {
    return ctx.app.service(PreorderService).set(can(ctx, admin('catalog')).em, sku, releaseDate, limit);
  }

  @Mutation(() => ProductVariant, { description: 'No longer a preorder: units already preordered are released (served like backorders) by the next housekeeping run.' })
  clearVariantPreorder(@Arg('sku', () => String) sku: string, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    return ctx.app.service(PreorderService).clear(can(ctx, admin('catalog')).em, sku);
  }

  @FieldResolver(() => PreorderInfo, { nullable: true, description: 'Its preorder terms and how many units are taken; null when it is not sold as a preorder.' })
  preorder(@Root() variant: ProductVariant): PreorderInfo | null {
    return preorderOf(variant);
  }
}
