// Fulfillment: from a confirmed order to a delivered parcel, in jobs fed by the outbox (routing,
// shipments, labels, documents, tracking) plus the staff's steps and housekeeping.
import { defineModule } from '../kernel/module.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { TrackingEvent } from './tracking-event.entity.js';
import { OrderShipmentsField, ShipmentLineFields, ShipmentResolver } from './shipment.resolver.js';
import { FailedJobsResolver } from './failed-jobs.resolver.js';
import { ShipmentService } from './shipment.service.js';
import { fulfillmentHandlers, fulfillmentJobs, QUEUES } from './jobs.js';
import { carrierWebhookRoutes } from './carrier-webhook.route.js';
import { AutomationSweeper } from './automation-sweeper.js';

export const fulfillment = defineModule({
  name: 'fulfillment',
  dependsOn: ['orders', 'inventory', 'shipping', 'documents'],
  entities: [Shipment, ShipmentLine, TrackingEvent],
  resolvers: [ShipmentResolver, ShipmentLineFields, OrderShipmentsField, FailedJobsResolver],
  nodes: {
    shp: (ctx, id) => ctx.app.service(ShipmentService).readable(ctx.em, ctx.principal, id),
  },
  jobs: fulfillmentJobs,
  on: fulfillmentHandlers,
  routes: carrierWebhookRoutes,
  onStart: async (app) => {
    if (app.config.runWorkers) app.service(AutomationSweeper).start();
  },
  onStop: async (app) => app.service(AutomationSweeper).stop(),
  repeatable: {
    'housekeeping.cancelUnpaidOrders': { everyMs: (config) => config.housekeepingEveryMs, queue: QUEUES.housekeeping },
    'housekeeping.flagStuckShipments': { everyMs: (config) => config.housekeepingEveryMs, queue: QUEUES.housekeeping },
  },
});
