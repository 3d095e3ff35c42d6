// Documents: the store, signed links and the route that serves them. Renderers (src/documents/pdf/) are
// plain functions the domains call from their jobs.
import { defineModule } from '../kernel/module.js';
import { documentRoutes } from './documents.route.js';

export const documents = defineModule({
  name: 'documents',
  routes: documentRoutes,
});
