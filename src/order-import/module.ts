import { defineModule } from '../kernel/module.js';
import { ImportBatch } from './import-batch.entity.js';
import { OrderImportResolver } from './import.resolver.js';

export const orderImport = defineModule({
  name: 'order-import',
  dependsOn: ['channels', 'catalog', 'inventory', 'shipping', 'payments', 'orders'],
  entities: [ImportBatch],
  resolvers: [OrderImportResolver],
});
