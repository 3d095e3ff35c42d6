import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { notFound } from '../kernel/errors.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { SupplierService } from './supplier.service.js';
import { Supplier, SupplierItem } from './supplier.entity.js';
import { CreateSupplierInput, SetSupplierItemInput, UpdateSupplierInput } from './procurement.inputs.js';

const suppliers = (ctx: OrdoContext) => ctx.app.service(SupplierService);

@Resolver(() => Supplier)
export class SupplierResolver {
  @Query(() => [Supplier])
  suppliers(@Ctx() ctx: OrdoContext): Promise<Supplier[]> {
    return suppliers(ctx).list(can(ctx, admin('inventory')).em);
  }

  @Query(() => Supplier)
  async supplier(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Supplier> {
    const s = await can(ctx, admin('inventory')).em.findOne(Supplier, { id });
    if (!s) throw notFound('The supplier');
    return s;
  }

  @Mutation(() => Supplier)
  createSupplier(@Arg('input', () => CreateSupplierInput) input: CreateSupplierInput, @Ctx() ctx: OrdoContext): Promise<Supplier> {
    return suppliers(ctx).create(can(ctx, admin('inventory')).em, input);
  }

  @Mutation(() => Supplier)
  updateSupplier(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateSupplierInput) input: UpdateSupplierInput, @Ctx() ctx: OrdoContext): Promise<Supplier> {
    return suppliers(ctx).update(can(ctx, admin('inventory')).em, id, input);
  }

  @Mutation(() => SupplierItem, { description: "Sets a supplier's terms for a SKU (one item per supplier and SKU: a second call changes them)." })
  setSupplierItem(@Arg('input', () => SetSupplierItemInput) input: SetSupplierItemInput, @Ctx() ctx: OrdoContext): Promise<SupplierItem> {
    return suppliers(ctx).setItem(can(ctx, admin('inventory')).em, input);
  }

  @FieldResolver(() => [SupplierItem], { description: 'The SKUs it sells, by SKU.' })
  items(@Root() supplier: Supplier, @Ctx() ctx: OrdoContext): Promise<SupplierItem[]> {
    return manyBy(ctx, SupplierItem, 'supplier', (i) => i.supplier.id, { sku: 'asc' }).load(supplier.id);
  }
}

@Resolver(() => SupplierItem)
export class SupplierItemFields {
  @FieldResolver(() => ProductVariant)
  async variant(@Root() item: SupplierItem, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    return (await oneBy(ctx, ProductVariant).load(item.variant.id))!;
  }
}
