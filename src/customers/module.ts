import { admin, authorize } from '../kernel/auth.js';
import { defineModule } from '../kernel/module.js';
import { Customer } from './customer.entity.js';
import { CustomerSession } from './customer-session.entity.js';
import { CustomerAddress } from './customer-address.entity.js';
import { CustomerResolver } from './customer.resolver.js';
import { CustomerAdminResolver } from './customer-admin.resolver.js';
import { CustomerAccountResolver, CustomerSessionFields } from './customer-account.resolver.js';

export const customers = defineModule({
  name: 'customers',
  entities: [Customer, CustomerSession, CustomerAddress],
  nodes: {
    // A customer record is the customer's own business, and staff's.
    cus: async (ctx, id) => {
      const p = ctx.principal;
      // Customers buy in every channel: staff kept to channels reach them through their channels' orders only.
      if (!(p.kind === 'customer' && p.customerId === id)) authorize(p, admin('orders'));
      return ctx.em.findOne(Customer, { id });
    },
  },
  resolvers: [CustomerResolver, CustomerAdminResolver, CustomerAccountResolver, CustomerSessionFields],
});
