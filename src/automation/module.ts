// Automation (docs/automation.md): the merchant's rules as data (trigger, JsonLogic condition, actions), run in jobs.
import { defineModule, onlyWhen, type EventHandler } from '../kernel/module.js';
import { jobOnEvent } from '../kernel/outbox/event-job.js';
import type { Em } from '../kernel/db/orm.js';
import { AutomationRule } from './automation-rule.entity.js';
import { AutomationRun } from './automation-run.entity.js';
import { AutomationRuleResolver, AutomationRunResolver } from './automation.resolver.js';
import { AUTOMATION_QUEUE, AutomationRunner, WEBHOOK_JOB } from './automation-runner.js';
import { TRIGGERS } from './automation-actions.js';
import { deliverWebhook, type WebhookJob } from './automation-webhook.js';

interface EventJob {
  event: { id: number; type: string; payload: Record<string, unknown> };
}

/** Every trigger event: one `automation.event` job per event (its id made from the event's), only while some enabled rule listens. */
const handlers: Record<string, EventHandler> = Object.fromEntries(Object.keys(TRIGGERS).map((type) => [
  type,
  onlyWhen((e, app) => app.service(AutomationRunner).wants(e.type), jobOnEvent<EventJob>(AUTOMATION_QUEUE, 'automation.event', (e) => ({
    event: { id: e.id, type: e.type, payload: e.payload },
  }))),
]));

export const automation = defineModule({
  name: 'automation',
  dependsOn: ['channels', 'orders', 'fulfillment', 'notifications'],
  entities: [AutomationRule, AutomationRun],
  resolvers: [AutomationRuleResolver, AutomationRunResolver],
  on: handlers,
  jobs: {
    'automation.event': { queue: AUTOMATION_QUEUE, attempts: 8, handler: (data: EventJob, ctx) => ctx.app.service(AutomationRunner).onEvent(ctx.em as Em, data.event) },
    'automation.schedule': { queue: AUTOMATION_QUEUE, handler: (_data, ctx) => ctx.app.service(AutomationRunner).onSchedule(ctx.em as Em) },
    [WEBHOOK_JOB]: { queue: AUTOMATION_QUEUE, attempts: 8, handler: (data: WebhookJob, ctx) => deliverWebhook(ctx.app, ctx.em as Em, data) },
  },
  repeatable: {
    // Every minute: the scheduled rules that are due (each keeps its own everyMinutes).
    'automation.schedule': { everyMs: 60_000, queue: AUTOMATION_QUEUE },
  },
  onStart: async (app) => {
    await app.service(AutomationRunner).refresh(app.orm.em.fork() as Em);
    app.service(AutomationRunner).watch(Math.max(app.config.referenceCacheMs, 5_000));
  },
  onStop: async (app) => app.service(AutomationRunner).unwatch(),
});
