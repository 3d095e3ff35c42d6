// Order editing after placement (staff: lines, shipping method; the buyer: the shipping address until a
// shipment is picked). After fulfillment in the import order: an edit re-routes unpicked shipments.
import { defineModule } from '../kernel/module.js';
import { OrderEdit } from './order-edit.entity.js';
import { OrderEditResolver, OrderEditsField } from './order-edit.resolver.js';
import { OrderEditService } from './order-edit.service.js';

export const orderEdits = defineModule({
  name: 'order-edits',
  dependsOn: ['orders', 'payments', 'inventory', 'shipping', 'fulfillment'],
  entities: [OrderEdit],
  resolvers: [OrderEditResolver, OrderEditsField],
  nodes: {
    edt: (ctx, id) => ctx.app.service(OrderEditService).get(ctx.em, ctx.principal, id),
  },
});
