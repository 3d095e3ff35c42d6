import { defineModule } from '../kernel/module.js';
import { Customer } from './customer.entity.js';
import { CustomerResolver } from './customer.resolver.js';

export const customers = defineModule({
  name: 'customers',
  entities: [Customer],
  resolvers: [CustomerResolver],
});
