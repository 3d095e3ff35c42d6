import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { pageSize } from '../kernel/pagination.js';
import { CatalogUpkeepService } from './catalog-upkeep.service.js';
import { UpdateProductInput, UpdateVariantInput, VariantChoiceInput } from './catalog-upkeep.inputs.js';
import { CreateVariantInput } from './catalog.inputs.js';
import { PriceChange } from './price-change.entity.js';
import { Product } from './product.entity.js';
import { ProductOption, VariantOption, VariantOptionInput } from './product-options.js';
import { ProductVariant } from './variant.entity.js';

const staff = (ctx: OrdoContext) => can(ctx, admin('catalog'));

@Resolver(() => Product)
export class CatalogUpkeepResolver {
  @Mutation(() => Product, { description: 'Changes a product: name, description, options (with the variants\' values in `variants`). Orders keep what they were placed with.' })
  updateProduct(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateProductInput) input: UpdateProductInput,
    @Arg('variants', () => [VariantChoiceInput], { nullable: true, description: "Variants' option values, set together with new options." }) variants: VariantChoiceInput[] | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Product> {
    const c = staff(ctx);
    return ctx.app.service(CatalogUpkeepService).updateProduct(c.em, c.principal, id, input, variants ?? []);
  }

  @Mutation(() => ProductVariant, { description: "Changes a variant: name, catalog price (kept in priceHistory; orders keep theirs), weight, stock tracking, backorders, option values." })
  updateVariant(@Arg('sku', () => String) sku: string, @Arg('input', () => UpdateVariantInput) input: UpdateVariantInput, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    const c = staff(ctx);
    return ctx.app.service(CatalogUpkeepService).updateVariant(c.em, c.principal, sku, input);
  }

  @Mutation(() => ProductVariant, { description: 'Adds a variant to a product (a new size, say); archived with it if the product is archived.' })
  addVariant(@Arg('productId', () => ID) productId: string, @Arg('input', () => CreateVariantInput) input: CreateVariantInput, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    return ctx.app.service(CatalogUpkeepService).addVariant(staff(ctx).em, productId, input);
  }

  @Mutation(() => Product, { description: 'No longer sold: hidden from buyers, its SKUs refused at placement (SKU_ARCHIVED); orders that have them keep them.' })
  archiveProduct(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Product> {
    const c = staff(ctx);
    return ctx.app.service(CatalogUpkeepService).setProductArchived(c.em, c.principal, id, true);
  }

  @Mutation(() => Product, { description: 'Sold again, with all its variants.' })
  unarchiveProduct(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Product> {
    const c = staff(ctx);
    return ctx.app.service(CatalogUpkeepService).setProductArchived(c.em, c.principal, id, false);
  }

  @Mutation(() => ProductVariant, { description: 'One SKU no longer sold (SKU_ARCHIVED at placement); orders that have it keep it.' })
  archiveVariant(@Arg('sku', () => String) sku: string, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    const c = staff(ctx);
    return ctx.app.service(CatalogUpkeepService).setVariantArchived(c.em, c.principal, sku, true);
  }

  @Mutation(() => ProductVariant)
  unarchiveVariant(@Arg('sku', () => String) sku: string, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    const c = staff(ctx);
    return ctx.app.service(CatalogUpkeepService).setVariantArchived(c.em, c.principal, sku, false);
  }

  @Query(() => ProductVariant, { nullable: true, description: 'The variant of a product with these option values (Size: M, Colour: Blue); null when none has them.' })
  variantByOptions(
    @Arg('productId', () => ID) productId: string,
    @Arg('options', () => [VariantOptionInput]) options: VariantOptionInput[],
    @Ctx() ctx: OrdoContext,
  ): Promise<ProductVariant | null> {
    return ctx.app.service(CatalogUpkeepService).variantByOptions(ctx.em, productId, options, false);
  }

  @FieldResolver(() => [ProductOption], { description: 'The options its variants choose from; empty when it has none.' })
  options(@Root() p: Product): ProductOption[] {
    return p.options ?? [];
  }

  @FieldResolver(() => Boolean)
  archived(@Root() p: Product): boolean {
    return !p.active;
  }
}

@Resolver(() => ProductVariant)
export class VariantUpkeepFields {
  @FieldResolver(() => [VariantOption], { description: "Its value of each of the product's options." })
  options(@Root() v: ProductVariant): VariantOption[] {
    return (v.options ?? []);
  }

  @FieldResolver(() => Boolean, { description: 'True once archived: no longer sold.' })
  archived(@Root() v: ProductVariant): boolean {
    return !v.active;
  }

  @FieldResolver(() => [PriceChange], { description: 'Staff: changes of its catalog price and its channel prices, newest first.' })
  priceHistory(@Root() v: ProductVariant, @Arg('first', () => Int, { nullable: true }) first: number | undefined, @Ctx() ctx: OrdoContext): Promise<PriceChange[]> {
    return staff(ctx).em.find(PriceChange, { variant: v.id }, { orderBy: { changedAt: 'desc', id: 'desc' }, limit: pageSize(first) });
  }
}
