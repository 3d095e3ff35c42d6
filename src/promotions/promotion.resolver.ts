// Promotions for staff with the catalog role (what is sold at what price), every channel: a promotion is
// shared by the channels it names, so channel-scoped principals are refused (admin() fails closed).
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { connectionOf } from '../kernel/graphql-types.js';
import type { Page } from '../kernel/pagination.js';
import { Promotion } from './promotion.entity.js';
import { PromotionCode, PromotionRedemption } from './promotion-usage.entity.js';
import { CreatePromotionInput, UpdatePromotionInput } from './promotion.inputs.js';
import { PromotionService } from './promotion.service.js';

export const PromotionConnection = connectionOf(Promotion, 'Promotion');
const service = (ctx: OrdoContext) => ctx.app.service(PromotionService);
const staff = (ctx: OrdoContext) => can(ctx, admin('catalog')).em;

@Resolver(() => Promotion)
export class PromotionResolver {
  @Query(() => PromotionConnection, { description: 'Staff (catalog role, every channel). Newest first.' })
  promotions(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<Promotion>> {
    return service(ctx).list(staff(ctx), first, after);
  }

  @Query(() => Promotion, { description: 'Staff (catalog role, every channel). NOT_FOUND for an unknown id.' })
  promotion(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Promotion> {
    return service(ctx).byId(staff(ctx), id);
  }

  @Mutation(() => Promotion, { description: 'Staff (catalog role). A coupon promotion may have one `code`; generateCouponCodes adds many.' })
  createPromotion(@Arg('input', () => CreatePromotionInput) input: CreatePromotionInput, @Ctx() ctx: OrdoContext): Promise<Promotion> {
    return service(ctx).create(staff(ctx), input);
  }

  @Mutation(() => Promotion, { description: 'Staff (catalog role). Orders placed before keep their discounts.' })
  updatePromotion(@Arg('id', () => ID) id: string, @Arg('input', () => UpdatePromotionInput) input: UpdatePromotionInput, @Ctx() ctx: OrdoContext): Promise<Promotion> {
    return service(ctx).update(staff(ctx), id, input);
  }

  @Mutation(() => Promotion, { description: 'Staff (catalog role). Ends the promotion: no new order gets it, its codes are refused (COUPON_EXPIRED).' })
  archivePromotion(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Promotion> {
    return service(ctx).archive(staff(ctx), id);
  }

  @Mutation(() => [PromotionCode], { description: 'Staff (catalog role). `count` new unique codes (PREFIX + 10 random characters), each usable `usageLimit` times (default 1; null: only the promotion\'s limits).' })
  generateCouponCodes(
    @Arg('promotionId', () => ID) promotionId: string,
    @Arg('count', () => Int) count: number,
    @Arg('prefix', () => String, { nullable: true }) prefix: string | undefined,
    @Arg('usageLimit', () => Int, { nullable: true, defaultValue: 1 }) usageLimit: number | null,
    @Ctx() ctx: OrdoContext,
  ): Promise<PromotionCode[]> {
    return service(ctx).generateCodes(staff(ctx), promotionId, count, prefix, usageLimit);
  }

  @FieldResolver(() => [PromotionCode], { description: 'Its codes, oldest first (at most `first`, default 100).' })
  codes(@Root() p: Promotion, @Arg('first', () => Int, { nullable: true }) first: number | undefined, @Ctx() ctx: OrdoContext): Promise<PromotionCode[]> {
    return ctx.em.find(PromotionCode, { promotion: p.id }, { orderBy: { id: 'asc' }, limit: Math.min(Math.max(first ?? 100, 0), 1000) });
  }

  @FieldResolver(() => Int, { description: 'Orders that got it and were not cancelled.' })
  timesUsed(@Root() p: Promotion, @Ctx() ctx: OrdoContext): Promise<number> {
    return ctx.em.count(PromotionRedemption, { promotionId: p.id, releasedAt: null });
  }
}
