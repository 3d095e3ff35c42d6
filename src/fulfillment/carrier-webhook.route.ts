// POST /webhooks/carriers/:code — tracking pushed by a carrier. The provider checks the request is
// authentic (it gets the raw body for signatures) and turns it into events; unknown tracking numbers and
// repeats are skipped, so a carrier that resends gets 200 and nothing changes twice.
import express, { type Request, type Response, type Router } from 'express';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { sendWebhookError } from '../kernel/webhook-errors.js';
import { CarrierService } from './carriers/carrier.service.js';
import { ShipmentService } from './shipment.service.js';
import { ShipmentStatus } from './shipment-status.js';

export function carrierWebhookRoutes(router: Router, app: AppRuntime): void {
  router.post('/webhooks/carriers/:code', express.text({ type: '*/*', limit: '1mb' }), async (req: Request, res: Response) => {
    const code = String(req.params.code);
    try {
      const carrier = app.service(CarrierService).get(code);
      const events = await carrier.parseWebhook(typeof req.body === 'string' ? req.body : '', req.headers);
      const applied = await app.service(ShipmentService).ingestCarrierEvents(app.orm.em.fork() as Em, code, events.map((e) => ({
        trackingNumber: e.trackingNumber, status: ShipmentStatus[e.status], occurredAt: e.occurredAt ?? null,
        location: e.location ?? null, description: e.description ?? null, estimatedDeliveryAt: e.estimatedDeliveryAt ?? null,
      })));
      res.status(200).json({ received: events.length, applied });
    } catch (e) {
      sendWebhookError(res, e, app.log, { carrier: code });
    }
  });
}
