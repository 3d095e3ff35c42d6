// Documents: the store, signed links and the route that serves them. Renderers (src/documents/pdf/) are
// plain functions the domains call from their jobs.
import { defineModule } from '../kernel/module.js';
import { documentRoutes } from './documents.route.js';
import { DocumentService } from './document.service.js';
import type { DocumentStore } from './document-store.js';

export const documents = defineModule({
  name: 'documents',
  routes: documentRoutes,
  // `providers.documentStore`: where labels, invoices and packing slips are kept (default: a folder in the data directory).
  providerKinds: [{
    key: 'documentStore', many: false, needsCode: false, label: 'a document store', required: ['put', 'get'],
    install: (app, p: DocumentStore) => app.service(DocumentService).setStore(p),
  }],
});
