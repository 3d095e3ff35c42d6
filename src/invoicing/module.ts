// Invoicing: invoices when payment is captured (or at shipment, ORDO_INVOICE_ON=shipment), credit notes
// for refunds, gap-free numbers per channel and kind, PDFs behind signed links, and a reconciliation query.
import type { Em } from '../kernel/db/orm.js';
import { defineModule, onlyWhen, type EventHandler, type JobDefinition } from '../kernel/module.js';
import { Invoice } from './invoice.entity.js';
import { InvoiceLineFields, InvoiceResolver, OrderInvoicesField } from './invoice.resolver.js';
import { InvoiceService } from './invoice.service.js';
import { idField, jobOnEvent } from '../kernel/outbox/event-job.js';
import { DocumentService } from '../documents/document.service.js';

export const INVOICING_QUEUE = 'invoicing';

const jobs: Record<string, JobDefinition> = {
  'invoicing.issue': {
    queue: INVOICING_QUEUE,
    handler: (d: { orderId: string }, ctx) => ctx.app.service(InvoiceService).issueForOrder(ctx.em as Em, d.orderId),
  },
};

const orderIdOf = idField('orderId');
function issue(when?: 'capture' | 'shipment'): EventHandler {
  // The moment invoices are issued is configuration: the other kind of event is not even queued for it.
  return onlyWhen((_e, app) => !when || app.service(InvoiceService).issueOn === when, jobOnEvent(INVOICING_QUEUE, 'invoicing.issue', (event) => {
    const orderId = orderIdOf(event);
    return orderId ? { orderId } : null;
  }));
}

export const invoicing = defineModule({
  name: 'invoicing',
  dependsOn: ['orders', 'payments', 'documents', 'fulfillment'],
  entities: [Invoice],
  resolvers: [InvoiceResolver, InvoiceLineFields, OrderInvoicesField],
  nodes: {
    inv: (ctx, id) => ctx.app.service(InvoiceService).readable(ctx.em, ctx.principal, id),
  },
  jobs,
  // Drawn on their first download, not when issued (InvoiceService.renderPdf).
  onStart: async (app) => app.service(DocumentService).registerSource('invoices/', (key) => app.service(InvoiceService).renderPdf(key)),
  on: {
    'payment.captured': issue('capture'),
    'shipment.shipped': issue('shipment'),
    'payment.refunded': issue(),
  },
});
