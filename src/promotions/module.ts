// Promotions and coupons: staff define them (promotion.service.ts), placeOrder and quoteOrder apply them
// through the pricing step (promotion-step.ts: automatic, and kind `coupon`), and a cancelled order gives
// its uses back (the `order.cancelled` handler below; idempotent: each redemption is released once).
import { defineModule, type DomainEvent, type EventHandler, type JobContext } from '../kernel/module.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { Promotion } from './promotion.entity.js';
import { PromotionCode, PromotionCustomerUse, PromotionRedemption } from './promotion-usage.entity.js';
import { PromotionResolver } from './promotion.resolver.js';
import { promotionStep } from './promotion-step.js';
import { releaseOrder } from './promotion-claims.js';

const giveUsesBack: EventHandler = async (event: DomainEvent, ctx: JobContext) => {
  const orderId = String((event.payload as { orderId?: unknown }).orderId ?? '');
  if (!orderId) return;
  await (ctx.em as Em).fork().transactional(async (tx) => {
    await releaseOrder(tx, dialectOf(tx), orderId);
  });
};

export const promotions = defineModule({
  name: 'promotions',
  dependsOn: ['catalog', 'channels', 'customers'],
  entities: [Promotion, PromotionCode, PromotionCustomerUse, PromotionRedemption],
  resolvers: [PromotionResolver],
  pricing: [promotionStep],
  on: { 'order.cancelled': giveUsesBack },
});
