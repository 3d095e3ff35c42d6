// A rule's webhook: one POST per (run, action), its job id made from both so a replay adds nothing, with
// `Idempotency-Key: automation-<run>-<action>` for the receiver (a retry after a lost answer sends the same
// key) and the body signed like the webhooks plugin's: `x-ordo-signature: t=<unix s>,v1=<hex HMAC-SHA256
// of "<t>.<body>">` with the action's secret. Not 2xx: the job fails and is retried with backoff.
import { createHmac } from 'node:crypto';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { Order } from '../order-core/order.entity.js';
import { AutomationRule } from './automation-rule.entity.js';
import { AutomationRun } from './automation-run.entity.js';
import { AutomationActionType } from './automation-actions.js';

const TIMEOUT_MS = 10_000;

export function signAutomationWebhook(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export interface WebhookJob {
  runId: number;
  index: number;
}

export async function deliverWebhook(app: AppRuntime, em: Em, job: WebhookJob): Promise<void> {
  const run = await em.findOne(AutomationRun, { id: job.runId });
  const rule = run ? await em.findOne(AutomationRule, { id: run.ruleId }) : null;
  const action = rule?.actions[job.index];
  // The rule was deleted or its actions changed since: nothing to call.
  if (!run || !rule || action?.type !== AutomationActionType.WEBHOOK || !action.url || !action.secret) return;
  const order = run.orderId ? await em.findOne(Order, { id: run.orderId }, { fields: ['number', 'status', 'total', 'currencyCode'] }) : null;
  const body = JSON.stringify({
    id: `${run.id}-${job.index}`,
    rule: { id: rule.id, name: rule.name },
    event: { type: run.event, id: run.eventId ?? null },
    order: order ? { id: order.id, number: order.number, status: order.status, total: order.total, currencyCode: order.currencyCode } : null,
    at: run.at.toISOString(),
  });
  const res = await fetch(action.url, {
    method: 'POST',
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Ordo-Automation/1',
      'idempotency-key': `automation-${run.id}-${job.index}`,
      'x-ordo-rule': rule.id,
      'x-ordo-signature': signAutomationWebhook(action.secret, body),
    },
  });
  if (res.status < 200 || res.status > 299) {
    app.log.warn({ ruleId: rule.id, runId: run.id, status: res.status }, 'automation: webhook refused');
    throw new Error(`The webhook answered ${res.status}.`);
  }
}
