import { adminIn, authorize } from '../kernel/auth.js';
import { defineModule } from '../kernel/module.js';
import { Customer } from './customer.entity.js';
import { CustomerSession } from './customer-session.entity.js';
import { CustomerResolver } from './customer.resolver.js';

export const customers = defineModule({
  name: 'customers',
  entities: [Customer, CustomerSession],
  nodes: {
    // A customer record is the customer's own business, and staff's.
    cus: async (ctx, id) => {
      const p = ctx.principal;
      if (!(p.kind === 'customer' && p.customerId === id)) authorize(p, adminIn('orders'));
      return ctx.em.findOne(Customer, { id });
    },
  },
  resolvers: [CustomerResolver],
});
