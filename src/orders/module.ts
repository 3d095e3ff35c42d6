import { defineModule } from '../kernel/module.js';
import { TokenService } from '../auth/token.service.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderHistoryEntry } from '../order-core/order-history.entity.js';
import { OrderTag } from '../order-core/order-tag.entity.js';
import { OrderNotesResolver } from './order-notes.resolver.js';
import { OrderResolver } from './order.resolver.js';
import { CustomerOrdersField, OrderFields, OrderLineFields, StockMovementOrderField } from './order-fields.resolver.js';
import { CustomerOrderStatsFields } from './customer-order-stats.resolver.js';
import { ORDER_TOKEN_PREFIX } from '../order-core/order-token.js';
import { OrderService } from './order.service.js';
import { orderMachine } from '../order-core/order-status.js';
import { DraftOrder } from './draft-order.entity.js';
import { DraftOrderResolver } from './draft-order.resolver.js';
import { DraftOrderService } from './draft-order.service.js';
import { SYSTEM_PRINCIPAL } from '../kernel/auth.js';
import { isOrdoError } from '../kernel/errors.js';
import type { Em } from '../kernel/db/orm.js';
import { OrderStatus } from '../order-core/order-status.js';
import { PaymentStatus } from '../order-core/payment-status.js';

export const orders = defineModule({
  name: 'orders',
  machines: [orderMachine],
  dependsOn: ['channels', 'catalog', 'customers', 'auth', 'inventory', 'shipping', 'payments', 'checkout-holds'],
  entities: [Order, OrderLine, OrderHistoryEntry, OrderTag, DraftOrder],
  nodes: {
    ord: (ctx, id) => ctx.app.service(OrderService).readable(ctx.em, ctx.principal, id),
    dft: (ctx, id) => ctx.app.service(DraftOrderService).get(ctx.em, ctx.principal, id),
  },
  resolvers: [OrderResolver, OrderNotesResolver, DraftOrderResolver, OrderFields, OrderLineFields, CustomerOrdersField, CustomerOrderStatsFields, StockMovementOrderField],
  on: {
    // A payment that waited for the buyer's step (3-D Secure) failed: an order left with nothing to pay it
    // is cancelled and its stock goes back on sale. Checked again under the order's lock.
    'payment.declined': async (event, ctx) => {
      const orderId = (event.payload as { orderId?: unknown }).orderId;
      if (typeof orderId !== 'string') return;
      const unpaid = (o: Order) => o.status === OrderStatus.PENDING && o.paymentStatus === PaymentStatus.DECLINED;
      try {
        await ctx.app.service(OrderService).cancel((ctx.em as Em).fork(), SYSTEM_PRINCIPAL, orderId, 'the payment failed', unpaid);
      } catch (e) {
        if (!(isOrdoError(e) && (e.code === 'INVALID_STATE_TRANSITION' || e.code === 'CONFLICT'))) throw e;
      }
    },
  },
  onStart: async (app) => {
    // Order access tokens: looked up by their hash on the order row.
    app.service(TokenService).registerKind(ORDER_TOKEN_PREFIX, async (em, hash) => {
      const row = await em.findOne(Order, { accessTokenHash: hash }, { fields: ['id'] });
      return row ? { kind: 'order', orderId: row.id } : null;
    });
  },
});
