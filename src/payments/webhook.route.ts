// POST /payments/webhooks/:code — asynchronous answers of a payment provider (a refund settled, money
// received, a payment the buyer authenticated). The provider verifies the request (raw body for
// signatures) and reads its events; each is applied idempotently, so a provider that resends gets 200 and
// nothing changes twice. A plugin may mount the same handler at the path its provider documents
// (`paymentWebhookHandler(app, 'stripe')` at /webhooks/stripe).
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { sendWebhookError } from '../kernel/webhook-errors.js';
import { PaymentService } from './payment.service.js';
import { applyWebhook } from './payment-webhooks.js';

/** The raw body, then the provider's verification and the events applied; `code` fixed, or from the path. */
export function paymentWebhookHandler(app: AppRuntime, fixedCode?: string): RequestHandler[] {
  return [express.raw({ type: '*/*', limit: '1mb' }), async (req: Request, res: Response) => {
    const code = fixedCode ?? String(req.params.code);
    try {
      const service = app.service(PaymentService);
      const provider = service.provider(code);
      if (!provider.webhook) {
        res.status(404).json({ error: 'NOT_FOUND', message: `Payment method ${code} takes no webhooks.` });
        return;
      }
      const events = await provider.webhook({ headers: req.headers, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
      let applied = 0;
      for (const e of events) if (await applyWebhook(app, app.orm.em.fork() as Em, code, e)) applied++;
      res.status(200).json({ received: events.length, applied });
    } catch (e) {
      sendWebhookError(res, e, app.log, { provider: code });
    }
  }];
}

export function paymentWebhookRoutes(router: Router, app: AppRuntime): void {
  router.post('/payments/webhooks/:code', ...paymentWebhookHandler(app));
}
