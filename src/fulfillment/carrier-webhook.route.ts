// POST /webhooks/carriers/:code — tracking pushed by a carrier. The provider checks the request is
// authentic (it gets the raw body for signatures) and turns it into events; unknown tracking numbers and
// repeats are skipped, so a carrier that resends gets 200 and nothing changes twice.
import express, { type Request, type Response, type Router } from 'express';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db.js';
import { isOrdoError } from '../kernel/errors.js';
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
      if (isOrdoError(e)) {
        const status = e.code === 'FORBIDDEN' || e.code === 'UNAUTHENTICATED' ? 401 : e.code === 'BAD_USER_INPUT' ? 400 : e.code === 'CONFLICT' ? 409 : 422;
        res.status(status).json({ error: e.code, message: e.message });
        return;
      }
      app.log.error({ err: e, carrier: code }, 'carrier webhook failed');
      // 5xx: the carrier retries later, which is what we want after a database hiccup.
      res.status(500).json({ error: 'INTERNAL_SERVER_ERROR' });
    }
  });
}
