import { defineModule } from '../kernel/module.js';
import { TokenService } from '../auth/token.service.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderHistoryEntry } from '../order-core/order-history.entity.js';
import { OrderResolver } from './order.resolver.js';
import { CustomerOrdersField, OrderFields, OrderLineFields, StockMovementOrderField } from './order-fields.resolver.js';
import { ORDER_TOKEN_PREFIX } from '../order-core/order-token.js';
import { OrderService } from './order.service.js';
import { orderMachine } from '../order-core/order-status.js';
import { DraftOrder } from './draft-order.entity.js';
import { DraftOrderResolver } from './draft-order.resolver.js';
import { DraftOrderService } from './draft-order.service.js';

export const orders = defineModule({
  name: 'orders',
  machines: [orderMachine],
  dependsOn: ['channels', 'catalog', 'customers', 'auth', 'inventory', 'shipping', 'payments'],
  entities: [Order, OrderLine, OrderHistoryEntry, DraftOrder],
  nodes: {
    ord: (ctx, id) => ctx.app.service(OrderService).readable(ctx.em, ctx.principal, id),
    dft: (ctx, id) => ctx.app.service(DraftOrderService).get(ctx.em, ctx.principal, id),
  },
  resolvers: [OrderResolver, DraftOrderResolver, OrderFields, OrderLineFields, CustomerOrdersField, StockMovementOrderField],
  onStart: async (app) => {
    // Order access tokens: looked up by their hash on the order row.
    app.service(TokenService).registerKind(ORDER_TOKEN_PREFIX, async (em, hash) => {
      const row = await em.findOne(Order, { accessTokenHash: hash }, { fields: ['id'] });
      return row ? { kind: 'order', orderId: row.id } : null;
    });
  },
});
