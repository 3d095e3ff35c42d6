import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin, isAdmin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { connectionOf } from '../kernel/graphql-types.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import type { Page } from '../kernel/pagination.js';
import { CatalogService } from './catalog.service.js';
import { CreateProductInput } from './catalog.inputs.js';
import { ProductFilter } from './catalog-upkeep.inputs.js';
import { Product } from './product.entity.js';
import { ProductVariant } from './variant.entity.js';

export const ProductConnection = connectionOf(Product, 'Product');

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => ProductConnection)
  products(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('search', () => String, { nullable: true }) search: string | undefined,
    @Arg('filter', () => ProductFilter, { nullable: true, description: 'search: the name or a SKU; archived: staff only.' }) filter: ProductFilter | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<Product>> {
    if (filter?.archived) can(ctx, admin('catalog'));
    return ctx.app.service(CatalogService).products(ctx.em, first, after, filter?.search ?? search, !!filter?.archived);
  }

  @Query(() => ProductVariant, { nullable: true })
  variant(
    @Arg('sku', () => String) sku: string,
    @Arg('includeArchived', () => Boolean, { nullable: true, description: 'Staff only: answer an archived variant too.' }) includeArchived: boolean | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ProductVariant | null> {
    if (includeArchived) can(ctx, admin('catalog'));
    return ctx.app.service(CatalogService).variant(ctx.em, sku, !!includeArchived);
  }

  @Mutation(() => Product)
  createProduct(@Arg('input', () => CreateProductInput) input: CreateProductInput, @Ctx() ctx: OrdoContext): Promise<Product> {
    return ctx.app.service(CatalogService).createProduct(can(ctx, admin('catalog')).em, input);
  }

  @FieldResolver(() => [ProductVariant], { description: 'Its variants; archived ones only for staff (each says `archived`).' })
  async variants(@Root() product: Product, @Ctx() ctx: OrdoContext): Promise<ProductVariant[]> {
    const all = await manyBy(ctx, ProductVariant, 'product', (v) => v.product.id, { id: 'asc' }).load(product.id);
    return isAdmin(ctx.principal) ? all : all.filter((v) => v.active);
  }
}

@Resolver(() => ProductVariant)
export class VariantFields {
  @FieldResolver(() => Product)
  async product(@Root() variant: ProductVariant, @Ctx() ctx: OrdoContext): Promise<Product> {
    return (await oneBy(ctx, Product).load(variant.product.id))!;
  }
}
