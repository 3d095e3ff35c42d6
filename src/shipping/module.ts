import { defineModule } from '../kernel/module.js';
import { ShippingMethod } from './shipping-method.entity.js';
import { ShippingResolver } from './shipping.resolver.js';
import { TaxRate } from './tax-rate.entity.js';

export const shipping = defineModule({
  name: 'shipping',
  entities: [ShippingMethod, TaxRate],
  nodes: { shm: (ctx, id) => ctx.em.findOne(ShippingMethod, { id }) },
  resolvers: [ShippingResolver],
});
