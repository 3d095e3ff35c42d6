// Stock control: cycle counts and transfers between locations (docs/stock-control.md). Its own folder
// below inventory: it changes stock only through inventory's ledger, and nothing in inventory needs it.
import { defineModule } from '../kernel/module.js';
import { StockCount, StockCountLine } from './stock-count.entity.js';
import { StockCountResolver, StockLevelTransitFields, StockTransferResolver } from './stock-control.resolver.js';
import { StockTransfer, StockTransferLine } from './stock-transfer.entity.js';

export const stockControl = defineModule({
  name: 'stock-control',
  dependsOn: ['catalog', 'inventory'],
  entities: [StockCount, StockCountLine, StockTransfer, StockTransferLine],
  resolvers: [StockCountResolver, StockTransferResolver, StockLevelTransitFields],
});
