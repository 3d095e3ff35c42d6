// How a plain HTTP route (a provider's webhook) answers an error: OrdoErrors with their code and a
// status the sender understands; anything else is logged and answered 500, so the sender retries later.
import type { Response } from 'express';
import type { Logger } from './logger.js';
import { isOrdoError } from './errors.js';

export function sendWebhookError(res: Response, e: unknown, log: Logger, what: Record<string, unknown>): void {
  if (isOrdoError(e)) {
    const status = e.code === 'FORBIDDEN' || e.code === 'UNAUTHENTICATED' ? 401 : e.code === 'BAD_USER_INPUT' ? 400 : e.code === 'CONFLICT' ? 409 : 422;
    res.status(status).json({ error: e.code, message: e.message });
    return;
  }
  log.error({ err: e, ...what }, 'webhook failed');
  res.status(500).json({ error: 'INTERNAL_SERVER_ERROR' });
}
