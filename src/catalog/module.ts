import { defineModule } from '../kernel/module.js';
import { ProductResolver, VariantFields } from './catalog.resolver.js';
import { Product } from './product.entity.js';
import { ProductVariant } from './variant.entity.js';

export const catalog = defineModule({
  name: 'catalog',
  entities: [Product, ProductVariant],
  nodes: {
    prd: (ctx, id) => ctx.em.findOne(Product, { id }),
    var: (ctx, id) => ctx.em.findOne(ProductVariant, { id }),
  },
  resolvers: [ProductResolver, VariantFields],
});
