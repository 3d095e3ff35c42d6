import { defineModule } from '../kernel/module.js';
import { InventoryResolver, StockLevelFields, StockMovementFields } from './inventory.resolver.js';
import { StockLevel } from './stock-level.entity.js';
import { StockLocation } from './stock-location.entity.js';
import { StockMovement } from './stock-movement.entity.js';
import { VariantStockFields } from './variant-stock.resolver.js';

export const inventory = defineModule({
  name: 'inventory',
  dependsOn: ['catalog'],
  entities: [StockLocation, StockLevel, StockMovement],
  nodes: { loc: (ctx, id) => ctx.em.findOne(StockLocation, { id }) },
  resolvers: [InventoryResolver, StockLevelFields, StockMovementFields, VariantStockFields],
});
