// Checkout holds: a cart's units reserved for a few minutes (docs/checkout-holds.md). Below orders/ in
// the folder order: placeOrder consumes a hold with `claimHold` in its own transaction.
import { defineModule } from '../kernel/module.js';
import type { Em } from '../kernel/db/orm.js';
import { CheckoutHold } from './checkout-hold.entity.js';
import { CheckoutHoldResolver } from './checkout-hold.resolver.js';
import { CheckoutHoldService } from './checkout-hold.service.js';

/**
 * A queue of its own rather than `housekeeping`: the sweep runs every few seconds, not every 15 minutes,
 * and must not wait behind a long housekeeping run (until it runs, expired holds keep units off sale).
 */
export const CHECKOUT_HOLDS_QUEUE = 'checkout-holds';

export const checkoutHolds = defineModule({
  name: 'checkout-holds',
  dependsOn: ['channels', 'catalog', 'inventory'],
  entities: [CheckoutHold],
  resolvers: [CheckoutHoldResolver],
  jobs: {
    'checkoutHolds.expire': { queue: CHECKOUT_HOLDS_QUEUE, handler: (_data, ctx) => ctx.app.service(CheckoutHoldService).expireDue(ctx.em as Em) },
  },
  repeatable: {
    'checkoutHolds.expire': { everyMs: (config) => config.checkoutHoldSweepMs, queue: CHECKOUT_HOLDS_QUEUE },
  },
});
