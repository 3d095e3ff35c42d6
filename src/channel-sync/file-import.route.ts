// POST /channels/:code/import — a channel with the `file` connector posts its orders as a JSON or CSV file
// (order-files.ts), signed: `X-Ordo-Signature: sha256=<hex HMAC-SHA256 of the body with the channel's
// secret>`. The orders go through importOrders (up to 500 per file), the answer is its results as JSON.
// The call is idempotent: `Idempotency-Key` names it (the body's hash when left out), so a file posted
// again is answered, not imported twice; each order is once per (channel, externalId) anyway.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { SYSTEM_PRINCIPAL } from '../kernel/auth.js';
import { OrdoError, notFound } from '../kernel/errors.js';
import { sendWebhookError } from '../kernel/webhook-errors.js';
import { OrderImportService } from '../order-import/order-import.service.js';
import { ChannelConnection } from './channel-connection.entity.js';
import { FILE_CONNECTOR } from './connectors/file.js';
import { ordersOfFile } from './order-files.js';

export function fileImportRoutes(router: Router, app: AppRuntime): void {
  router.post('/channels/:code/import', express.text({ type: '*/*', limit: '5mb' }), async (req: Request, res: Response) => {
    const code = String(req.params.code);
    try {
      const body = typeof req.body === 'string' ? req.body : '';
      const em = app.orm.em.fork() as Em;
      const connection = await em.findOne(ChannelConnection, { channel: { code }, connector: FILE_CONNECTOR }, { populate: ['channel'] });
      // A channel reading its files from a folder only has no secret: it takes no posted files.
      if (!connection || typeof connection.config.secret !== 'string') throw notFound(`A channel "${code}" taking files`);
      const given = String(req.headers['x-ordo-signature'] ?? '').replace(/^sha256=/, '');
      const expected = createHmac('sha256', String(connection.config.secret)).update(body).digest('hex');
      if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
        throw new OrdoError('UNAUTHENTICATED', 'The file\'s X-Ordo-Signature is not the HMAC-SHA256 of its body with the channel\'s secret.');
      }
      const orders = ordersOfFile(body, String(req.headers['content-type'] ?? ''));
      const key = String(req.headers['idempotency-key'] ?? `file-${createHash('sha256').update(body).digest('hex').slice(0, 48)}`);
      const r = await app.service(OrderImportService).importOrders(em, SYSTEM_PRINCIPAL, code, orders, key);
      res.status(200).json({
        created: r.created, existing: r.existing, failed: r.failed,
        results: r.results.map((x) => ({ externalId: x.externalId, created: x.created, orderId: x.order?.id ?? null, number: x.order?.number ?? null, error: x.error ?? null })),
      });
    } catch (e) {
      sendWebhookError(res, e, app.log, { channel: code });
    }
  });
}
