import { authorize, orderReader } from '../kernel/auth.js';
import { defineModule } from '../kernel/module.js';
import { Payment } from './payment.entity.js';

export const payments = defineModule({
  name: 'payments',
  entities: [Payment],
  nodes: {
    pay: async (ctx, id) => {
      const payment = await ctx.em.findOne(Payment, { id }, { populate: ['order'] });
      if (payment) authorize(ctx.principal, orderReader({ id: payment.order.id, customerId: payment.order.customer?.id }));
      return payment;
    },
  },
});
