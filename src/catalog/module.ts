import { defineModule } from '../kernel/module.js';
import { ProductResolver, VariantFields } from './catalog.resolver.js';
import { CatalogUpkeepResolver, VariantUpkeepFields } from './catalog-upkeep.resolver.js';
import { Product } from './product.entity.js';
import { ProductVariant } from './variant.entity.js';
import { PriceChange } from './price-change.entity.js';
import { PreorderResolver } from './preorder.resolver.js';

export const catalog = defineModule({
  name: 'catalog',
  entities: [Product, ProductVariant, PriceChange],
  nodes: {
    prd: (ctx, id) => ctx.em.findOne(Product, { id }),
    var: (ctx, id) => ctx.em.findOne(ProductVariant, { id }),
  },
  resolvers: [ProductResolver, VariantFields, CatalogUpkeepResolver, VariantUpkeepFields, PreorderResolver],
});
