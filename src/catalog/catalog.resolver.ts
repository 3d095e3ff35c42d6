import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { connectionOf } from '../kernel/graphql-types.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import type { Page } from '../kernel/pagination.js';
import { CatalogService } from './catalog.service.js';
import { CreateProductInput } from './catalog.inputs.js';
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
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<Product>> {
    return ctx.app.service(CatalogService).products(ctx.em, first, after, search);
  }

  @Query(() => ProductVariant, { nullable: true })
  variant(@Arg('sku', () => String) sku: string, @Ctx() ctx: OrdoContext): Promise<ProductVariant | null> {
    return ctx.app.service(CatalogService).variant(ctx.em, sku);
  }

  @Mutation(() => Product)
  createProduct(@Arg('input', () => CreateProductInput) input: CreateProductInput, @Ctx() ctx: OrdoContext): Promise<Product> {
    return ctx.app.service(CatalogService).createProduct(can(ctx, admin('catalog')).em, input);
  }

  @FieldResolver(() => [ProductVariant])
  variants(@Root() product: Product, @Ctx() ctx: OrdoContext): Promise<ProductVariant[]> {
    return manyBy(ctx, ProductVariant, 'product', (v) => v.product.id, { id: 'asc' }).load(product.id);
  }
}

@Resolver(() => ProductVariant)
export class VariantFields {
  @FieldResolver(() => Product)
  async product(@Root() variant: ProductVariant, @Ctx() ctx: OrdoContext): Promise<Product> {
    return (await oneBy(ctx, Product).load(variant.product.id))!;
  }
}
