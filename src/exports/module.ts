// Exports (docs/exports.md): CSV files of orders, stock levels and movements behind signed links, streamed.
import { defineModule } from '../kernel/module.js';
import { ExportResolver } from './export.resolver.js';
import { exportRoutes } from './export.route.js';

export const exportsModule = defineModule({
  name: 'exports',
  dependsOn: ['channels', 'catalog', 'inventory', 'orders', 'stock-control', 'procurement'],
  resolvers: [ExportResolver],
  routes: exportRoutes,
});
