// Reorder rules, replenishment suggestions and the purchase orders made from them (docs/procurement.md).
import { Arg, Ctx, Field, FieldResolver, Float, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { PurchaseOrder } from '../procurement/purchase-order.entity.js';
import { Supplier } from '../procurement/supplier.entity.js';
import { ReorderRule } from './reorder-rule.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { oneBy } from '../kernel/loaders.js';
import { ReplenishmentService } from './replenishment.service.js';

@InputType()
class ReorderRuleInput {
  @Field() @Length(1, 100) sku!: string;
  @Field() @Length(1, 64) locationCode!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(10_000_000) reorderPoint?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(10_000_000) target?: number;
  @Field({ nullable: true, description: 'Work the point and target out from demand (ORDO_REPLENISHMENT_* settings, the supplier\'s lead time) instead of setting them.' })
  auto?: boolean;
}

@ObjectType({ description: 'What to order now for a SKU at a location, and from whom.' })
class ReplenishmentSuggestion {
  @Field() sku!: string;
  @Field(() => Supplier, { nullable: true, description: 'The active supplier with the lowest cost price (then the shortest lead time); null: no supplier sells it.' }) supplier!: Supplier | null;
  @Field(() => Int, { description: 'On hand less reserved at the location.' }) available!: number;
  @Field(() => Int, { description: 'On open purchase orders for the location.' }) incoming!: number;
  @Field(() => Int) reorderPoint!: number;
  @Field(() => Int) target!: number;
  @Field(() => Float) demandPerDay!: number;
  @Field(() => Int, { description: 'Up to the target, in the supplier\'s packs, at least its minimum order quantity.' }) quantity!: number;
  @Field(() => Int, { nullable: true }) packSize!: number | null;
  @Field(() => Int, { nullable: true }) minimumOrderQuantity!: number | null;
}

@Resolver()
export class ReplenishmentResolver {
  @Query(() => [ReorderRule], { description: 'Admin (inventory): the reorder rules, of one location or all.' })
  reorderRules(@Arg('locationCode', () => String, { nullable: true }) locationCode: string | undefined, @Ctx() ctx: OrdoContext): Promise<ReorderRule[]> {
    return ctx.app.service(ReplenishmentService).rules(can(ctx, admin('inventory')).em, locationCode);
  }

  @Mutation(() => ReorderRule, { description: 'Admin (inventory): sets the reorder point and target of a SKU at a location, or has them worked out from demand (auto).' })
  setReorderRule(@Arg('input', () => ReorderRuleInput) input: ReorderRuleInput, @Ctx() ctx: OrdoContext): Promise<ReorderRule> {
    return ctx.app.service(ReplenishmentService).setRule(can(ctx, admin('inventory')).em, input);
  }

  @Mutation(() => Boolean, { description: 'Admin (inventory): removes a reorder rule; false when there was none.' })
  removeReorderRule(@Arg('sku') sku: string, @Arg('locationCode') locationCode: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    return ctx.app.service(ReplenishmentService).removeRule(can(ctx, admin('inventory')).em, sku, locationCode);
  }

  @Query(() => [ReplenishmentSuggestion], { description: 'Admin (inventory): what to order now for the location\'s reorder rules (auto points worked out afresh).' })
  async replenishmentSuggestions(@Arg('locationCode') locationCode: string, @Ctx() ctx: OrdoContext): Promise<ReplenishmentSuggestion[]> {
    const list = await ctx.app.service(ReplenishmentService).suggestions(can(ctx, admin('inventory')).em, locationCode);
    return list.map((s) => ({ ...s, packSize: s.supplierItem?.packSize ?? null, minimumOrderQuantity: s.supplierItem?.minimumOrderQuantity ?? null }));
  }

  @Mutation(() => [PurchaseOrder], { description: 'Admin (inventory): one DRAFT purchase order per supplier for the location\'s suggestions (of the SKUs given, else all).' })
  createPurchaseOrdersFromSuggestions(
    @Arg('locationCode') locationCode: string,
    @Arg('skus', () => [String], { nullable: true }) skus: string[] | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<PurchaseOrder[]> {
    const { em, principal } = can(ctx, admin('inventory'));
    return ctx.app.service(ReplenishmentService).orderSuggestions(em, principal, locationCode, skus);
  }
}

@Resolver(() => ReorderRule)
export class ReorderRuleFields {
  @FieldResolver(() => StockLocation, { description: 'The location the rule is for.' })
  async location(@Root() rule: ReorderRule, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(rule.location.id))!;
  }
}
