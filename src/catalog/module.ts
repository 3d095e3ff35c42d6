import { defineModule } from '../kernel/module.js';
import { ProductResolver, VariantFields } from './catalog.resolver.js';
import { Product } from './product.entity.js';
import { ProductVariant } from './variant.entity.js';

export const catalog = defineModule({
  name: 'catalog',
  entities: [Product, ProductVariant],
  resolvers: [ProductResolver, VariantFields],
});
