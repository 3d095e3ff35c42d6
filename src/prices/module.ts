import { defineModule } from '../kernel/module.js';
import { VariantPrice } from './variant-price.entity.js';
import { VariantChannelPriceFields, VariantPriceResolver } from './price.resolver.js';

export const prices = defineModule({
  name: 'prices',
  dependsOn: ['catalog', 'channels'],
  entities: [VariantPrice],
  resolvers: [VariantPriceResolver, VariantChannelPriceFields],
});
