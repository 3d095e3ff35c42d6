// Replenishment (docs/procurement.md): reorder rules, suggestions, purchase orders from them, stock.low.
import { defineModule } from '../kernel/module.js';
import type { Em } from '../kernel/db/orm.js';
import { ReorderRule } from './reorder-rule.entity.js';
import { ReorderRuleFields, ReplenishmentResolver } from './replenishment.resolver.js';
import { ReplenishmentService } from './replenishment.service.js';
import { LowStock, lowStockHandlers, REPLENISHMENT_QUEUE } from './low-stock.js';

export const replenishment = defineModule({
  name: 'replenishment',
  dependsOn: ['catalog', 'inventory', 'procurement'],
  entities: [ReorderRule],
  resolvers: [ReplenishmentResolver, ReorderRuleFields],
  on: lowStockHandlers,
  jobs: {
    'replenishment.checkLow': { queue: REPLENISHMENT_QUEUE, handler: (_data, ctx) => ctx.app.service(LowStock).check(ctx.em as Em) },
    // Daily: auto rules follow demand, and what crossed their new points is heard of.
    'replenishment.recompute': {
      queue: REPLENISHMENT_QUEUE,
      handler: async (_data, ctx) => {
        await ctx.app.service(ReplenishmentService).recompute(ctx.em.fork() as Em);
        await ctx.app.service(LowStock).check(ctx.em as Em);
      },
    },
  },
  repeatable: {
    'replenishment.recompute': { everyMs: () => 86_400_000, queue: REPLENISHMENT_QUEUE },
  },
  onStart: async (app) => {
    await app.service(LowStock).check(app.orm.em.fork() as Em);
    app.service(LowStock).watch(Math.max(app.config.referenceCacheMs, 5_000));
  },
  onStop: async (app) => app.service(LowStock).unwatch(),
});
