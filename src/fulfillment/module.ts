// Fulfillment: from a confirmed order to a delivered parcel, in jobs fed by the outbox (routing,
// shipments, labels, documents, tracking) plus the staff's steps and housekeeping.
import { CancellationResolver } from './cancellation.resolver.js';
import { defineModule } from '../kernel/module.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { TrackingEvent } from './tracking-event.entity.js';
import { OrderShipmentsField, ShipmentLineFields, ShipmentResolver } from './shipment.resolver.js';
import { PickupResolver } from './pickup.resolver.js';
import { FailedJobsResolver } from './failed-jobs.resolver.js';
import { ShipmentService } from './shipment.service.js';
import { fulfillmentHandlers, fulfillmentJobs, QUEUES } from './jobs.js';
import { carrierWebhookRoutes } from './carrier-webhook.route.js';
import { AutomationSweeper } from './automation-sweeper.js';
import { shipmentMachine } from './shipment-status.js';
import { DocumentService } from '../documents/document.service.js';
import { FulfillmentDocuments } from './fulfillment-documents.js';
import { LabelService } from './labels.js';
import { CarrierService } from './carriers/carrier.service.js';
import type { CarrierProvider } from './carriers/carrier.js';

export const fulfillment = defineModule({
  name: 'fulfillment',
  machines: [shipmentMachine],
  // `providers.carrier: [...]`: a shipping method names one by carrierCode (`sim` is built in and may be replaced).
  providerKinds: [{
    key: 'carrier', many: true, label: 'carriers', required: ['createLabel', 'cancelLabel', 'parseWebhook'],
    install: (app, p: CarrierProvider) => app.service(CarrierService).register(p),
  }],
  dependsOn: ['orders', 'inventory', 'shipping', 'documents'],
  entities: [Shipment, ShipmentLine, TrackingEvent],
  resolvers: [ShipmentResolver, ShipmentLineFields, OrderShipmentsField, FailedJobsResolver, CancellationResolver, PickupResolver],
  nodes: {
    shp: (ctx, id) => ctx.app.service(ShipmentService).readable(ctx.em, ctx.principal, id),
  },
  jobs: fulfillmentJobs,
  on: fulfillmentHandlers,
  routes: carrierWebhookRoutes,
  onStart: async (app) => {
    // Drawn on their first download, not when the shipment moves (fulfillment-documents.ts, labels.ts).
    app.service(DocumentService).registerSource('packing-slips/', (key) => app.service(FulfillmentDocuments).renderPackingSlip(key));
    app.service(DocumentService).registerSource('labels/', (key) => app.service(LabelService).renderLabel(key));
    if (app.config.runWorkers) app.service(AutomationSweeper).start();
  },
  onStop: async (app) => app.service(AutomationSweeper).stop(),
  repeatable: {
    'housekeeping.cancelUnpaidOrders': { everyMs: (config) => config.housekeepingEveryMs, queue: QUEUES.housekeeping },
    'housekeeping.flagStuckShipments': { everyMs: (config) => config.housekeepingEveryMs, queue: QUEUES.housekeeping },
    'housekeeping.cancelUncollectedPickups': { everyMs: (config) => config.housekeepingEveryMs, queue: QUEUES.housekeeping },
    'housekeeping.releasePreorders': { everyMs: (config) => config.housekeepingEveryMs, queue: QUEUES.housekeeping },
  },
});
