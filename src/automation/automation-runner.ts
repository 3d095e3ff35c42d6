// Runs rules: for an event (job `automation.event`, one per outbox event) or a scheduled window (the
// repeatable `automation.schedule`). One run per (rule, event key), whatever the retries and replays:
//
// 1. Under the order's lock (withOrder), in one transaction: the run row is claimed with
//    `INSERT … ON CONFLICT DO NOTHING RETURNING id` — nothing back means another run of this event did
//    it — then the condition is evaluated against the order's facts and the order-side actions (hold,
//    tag, note) are applied, with a history entry naming the rule for mail and webhooks too.
// 2. After the commit, the follow-ups: cancel-if-unpaid (OrderService.cancel, its own transaction, re-checked
//    under the lock), mail (NotificationService.mailOnce keyed by the run: once per run and recipient) and
//    webhooks (a job whose id is made from the run and the action). Each is once by itself, so a run whose
//    follow-ups were interrupted (`finishedAt` still null) has them done again by the next try.
import { DeadlockException, LockWaitTimeoutException, OptimisticLockError } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { DomainEvent } from '../kernel/module.js';
import { actorName, type Principal } from '../kernel/auth.js';
import { isOrdoError } from '../kernel/errors.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { escapeHtml } from '../notifications/templates.js';
import { NotificationService } from '../notifications/notification.service.js';
import { OrderService } from '../orders/order.service.js';
import { Order } from '../order-core/order.entity.js';
import { withOrder } from '../order-core/order-lock.js';
import { addHistory } from '../order-core/order-history.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { tagOrderIn } from '../order-core/order-tags.js';
import { addOrderNoteIn } from '../order-core/order-notes.js';
import { AutomationRule } from './automation-rule.entity.js';
import { AutomationRun } from './automation-run.entity.js';
import { AutomationActionType, describeAction, TRIGGERS, type AutomationActionRecord } from './automation-actions.js';
import { matches } from './automation-condition.js';
import { eventOnlyFacts, factsOf } from './automation-facts.js';

export const AUTOMATION_QUEUE = 'automation';
export const WEBHOOK_JOB = 'automation.webhook';
/** A scheduled window looks at no more orders than this (the oldest changes first). */
export const SCHEDULE_BATCH = 500;

export interface RunSubject {
  /** Unique per rule: `evt-<event id>` or `sch-<window end>-<order id>`. */
  key: string;
  type: string;
  eventId: number | null;
  data: Record<string, unknown>;
  orderId: string | null;
}

/** The principal a rule acts as: history and actors name the rule. */
export function rulePrincipal(rule: { name: string }): Principal {
  return { kind: 'admin', keyId: 'system', name: `rule "${rule.name.slice(0, 90)}"`, roles: ['orders'] };
}

/** A follow-up (mail, webhook, cancel) that failed: the run exists, so the job is tried again for it. */
class FollowUpFailed extends Error {
  constructor(readonly failure: unknown) {
    super(message(failure));
  }
}

const transient = (e: unknown) =>
  e instanceof FollowUpFailed || (isOrdoError(e) && e.code === 'CONFLICT') || e instanceof OptimisticLockError || e instanceof DeadlockException || e instanceof LockWaitTimeoutException;
const unpaid = (o: Order) => o.paymentStatus === PaymentStatus.PENDING || o.paymentStatus === PaymentStatus.DECLINED;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 2000);

export class AutomationRunner {
  /** Event types some enabled rule listens to (null: not read yet, so every trigger is wanted). */
  private triggers: Set<string> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly app: AppRuntime) {}

  /** For `onlyWhen`: whether an event of this type is worth a job. */
  wants(type: string): boolean {
    return this.triggers === null || this.triggers.has(type);
  }

  async refresh(em: Em): Promise<void> {
    const rows = await em.fork().find(AutomationRule, { enabled: true, triggerEvent: { $ne: null } }, { fields: ['triggerEvent'] });
    this.triggers = new Set(rows.map((r) => r.triggerEvent!));
  }

  /** Keeps `wants` current when another process changes the rules. */
  watch(everyMs: number): void {
    this.unwatch();
    this.timer = setInterval(() => {
      this.refresh(this.app.orm.em.fork() as Em).catch((err) => this.app.log.warn({ err }, 'automation: could not read the rules'));
    }, everyMs);
    this.timer.unref();
  }

  unwatch(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Job `automation.event`: every enabled rule of the event's type; a transient failure retries the job. */
  async onEvent(em: Em, event: Pick<DomainEvent, 'id' | 'type' | 'payload'>): Promise<void> {
    const rules = await em.fork().find(AutomationRule, { triggerEvent: event.type, enabled: true }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const orderId = TRIGGERS[event.type]?.order && typeof event.payload.orderId === 'string' ? event.payload.orderId : null;
    await this.runAll(em, rules.map((rule) => [rule, { key: `evt-${event.id}`, type: event.type, eventId: event.id, data: event.payload, orderId }]));
  }

  /** Job `automation.schedule`: each due scheduled rule over the orders changed since its last window. */
  async onSchedule(em: Em, now = new Date()): Promise<number> {
    const rules = await em.fork().find(AutomationRule, { enabled: true, everyMinutes: { $ne: null } });
    const work: [AutomationRule, RunSubject][] = [];
    for (const rule of rules) {
      const every = rule.everyMinutes! * 60_000;
      const last = rule.lastScheduledAt ?? null;
      if (last && now.getTime() - last.getTime() < every) continue;
      // The window is taken by a compare-and-set: two workers never run one window twice.
      const took = await em.fork().nativeUpdate(AutomationRule, { id: rule.id, lastScheduledAt: last }, { lastScheduledAt: now });
      if (took !== 1) continue;
      const from = last ?? new Date(now.getTime() - every);
      const orders = await em.fork().find(Order, {
        updatedAt: { $gt: from, $lte: now }, ...(rule.channelIds?.length ? { channel: { $in: rule.channelIds } } : {}),
      }, { fields: ['id'], orderBy: { updatedAt: 'asc', id: 'asc' }, limit: SCHEDULE_BATCH });
      const data = { windowStart: from.toISOString(), windowEnd: now.toISOString() };
      for (const o of orders) work.push([rule, { key: `sch-${now.getTime()}-${o.id}`, type: 'schedule', eventId: null, data, orderId: o.id }]);
    }
    await this.runAll(em, work);
    return work.length;
  }

  private async runAll(em: Em, work: [AutomationRule, RunSubject][]): Promise<void> {
    let retry: unknown = null;
    for (const [rule, subject] of work) {
      try {
        await this.run(em, rule, subject);
      } catch (e) {
        if (transient(e)) retry ??= e;
        else await this.recordFailure(em, rule, subject, e);
      }
    }
    if (retry) throw retry instanceof FollowUpFailed ? retry.failure : retry;
  }

  /** One rule for one subject: claim, evaluate and apply in one transaction, then the follow-ups. */
  async run(em: Em, rule: AutomationRule, subject: RunSubject): Promise<void> {
    const actor = actorName(rulePrincipal(rule));
    const apply = async (tx: Em, order: Order | null): Promise<number | null> => {
      const runId = await this.claim(tx, rule, subject);
      if (runId === null) return null;
      let matched: boolean;
      if (order && rule.channelIds?.length && !rule.channelIds.includes(order.channel.id)) matched = false;
      else {
        const ev = { type: subject.type, data: subject.data };
        const facts = order ? (await factsOf(tx, [order.id], ev)).get(order.id)! : eventOnlyFacts(ev);
        matched = matches(rule.condition, facts);
      }
      const done: string[] = [];
      if (matched) for (const a of rule.actions) done.push(await this.applyInTx(tx, order, a, actor, rule));
      await tx.execute(`UPDATE automation_run SET matched = ${matched ? 'true' : 'false'}, actions_done = ? WHERE id = ?`, [JSON.stringify(done), runId], 'run');
      return runId;
    };
    if (subject.orderId) await withOrder(em, subject.orderId, apply);
    else await em.fork().transactional((tx) => apply(tx as Em, null));
    const row = await em.fork().findOne(AutomationRun, { ruleId: rule.id, eventKey: subject.key });
    if (!row || !row.matched || row.finishedAt) return;
    try {
      await this.followUps(em, rule, row, subject);
    } catch (e) {
      throw new FollowUpFailed(e);
    }
  }

  /** The run's row, or null when this (rule, event) already has one. Same transaction as the actions. */
  private async claim(tx: Em, rule: AutomationRule, s: RunSubject): Promise<number | null> {
    const rows: { id: number | string }[] = await tx.execute(
      `INSERT INTO automation_run (rule_id, event_key, event, event_id, order_id, actions_done, at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule_id, event_key) DO NOTHING RETURNING id`,
      [rule.id, s.key, s.type, s.eventId, s.orderId, '[]', dialectDate(tx, new Date())],
    );
    return rows.length ? Number(rows[0].id) : null;
  }

  /** An order-side action in the run's transaction; what it did, as the run lists it. */
  private async applyInTx(tx: Em, order: Order | null, a: AutomationActionRecord, actor: string, rule: AutomationRule): Promise<string> {
    if (!order) return describeAction(a);
    switch (a.type) {
      case AutomationActionType.HOLD: {
        // In this transaction, so that the hold and the run's claim commit together.
        if (!orderMachine.canMove(order.status, OrderStatus.ON_HOLD)) return `hold skipped: order is ${order.status}`;
        await this.app.service(OrderService).holdIn(tx, order, actor, a.reason ?? 'automation rule');
        return 'hold';
      }
      case AutomationActionType.TAG: {
        const added = await tagOrderIn(tx, order, a.tags ?? [], actor);
        return added.length ? `tag ${added.join(', ')}` : `tag skipped: already ${(a.tags ?? []).join(', ')}`;
      }
      case AutomationActionType.NOTE:
        addOrderNoteIn(tx, order, a.text ?? '', actor);
        return 'note';
      case AutomationActionType.NOTIFY_STAFF:
        addHistory(tx, order, { type: 'NOTE', actor, message: `Automation rule "${rule.name}" mailed ${(a.emails ?? []).join(', ')} about this order.` });
        return describeAction(a);
      case AutomationActionType.WEBHOOK:
        addHistory(tx, order, { type: 'NOTE', actor, message: `Automation rule "${rule.name}" called the webhook ${new URL(a.url!).origin}.` });
        return describeAction(a);
      case AutomationActionType.CANCEL_IF_UNPAID:
        return describeAction(a);
    }
  }

  /** Cancel, mail and webhooks, each once by itself; then the run is finished. A failure is noted on the run and retried. */
  private async followUps(em: Em, rule: AutomationRule, run: AutomationRun, s: RunSubject): Promise<void> {
    const done = [...run.actionsDone];
    const principal = rulePrincipal(rule);
    try {
      for (const [i, a] of rule.actions.entries()) {
        if (a.type === AutomationActionType.CANCEL_IF_UNPAID && s.orderId) {
          const order = await em.fork().findOne(Order, { id: s.orderId });
          if (!order || order.status === OrderStatus.CANCELLED) continue;
          if (!unpaid(order)) {
            done[i] = `cancel skipped: payment is ${order.paymentStatus}`;
            continue;
          }
          try {
            await this.app.service(OrderService).cancel(em.fork(), principal, s.orderId, a.reason, (o) => unpaid(o));
            done[i] = 'cancel';
          } catch (e) {
            if (!(isOrdoError(e) && e.code === 'INVALID_STATE_TRANSITION')) throw e;
            done[i] = `cancel skipped: ${e.message}`;
          }
        } else if (a.type === AutomationActionType.NOTIFY_STAFF) {
          await this.mail(em, rule, run, s, a);
        } else if (a.type === AutomationActionType.WEBHOOK) {
          await this.app.queue.add(AUTOMATION_QUEUE, WEBHOOK_JOB, { runId: run.id, index: i }, { jobId: `automation-webhook-${run.id}-${i}`, attempts: 8, backoffMs: 1_000 });
        }
      }
    } catch (e) {
      await em.fork().nativeUpdate(AutomationRun, { id: run.id }, { error: message(e) });
      throw e;
    }
    await em.fork().nativeUpdate(AutomationRun, { id: run.id }, { actionsDone: done, error: null, finishedAt: new Date() });
  }

  private async mail(em: Em, rule: AutomationRule, run: AutomationRun, s: RunSubject, a: AutomationActionRecord): Promise<void> {
    const order = s.orderId ? await em.fork().findOne(Order, { id: s.orderId }, { fields: ['number', 'total', 'currencyCode', 'status'] }) : null;
    const about = order ? `order ${order.number} (${order.status})` : `${s.type} ${JSON.stringify(s.data).slice(0, 500)}`;
    const lines = [`The automation rule "${rule.name}" matched ${about}.`, a.text ?? '', `Trigger: ${s.type}.`].filter(Boolean);
    // Keyed by the run (its id, negated so it never meets an outbox event's id): once per rule, event and
    // recipient, where mailOnce's own key (event, recipient) would let one rule's mail stand for another's.
    const key: DomainEvent = { id: -run.id, type: 'automation.mail', aggregateId: s.orderId, payload: {}, at: run.at };
    for (const to of a.emails ?? []) {
      await this.app.service(NotificationService).mailOnce(em.fork() as Em, key, to, {
        subject: `[Ordo] Rule "${rule.name}": ${order ? `order ${order.number}` : s.type}`,
        text: `${lines.join('\n\n')}\n`,
        html: `<!doctype html><html><body style="font-family:sans-serif">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`,
      });
    }
  }

  /** A run that failed for good (a bug, a deleted order): recorded so the merchant sees it, and not tried again. */
  private async recordFailure(em: Em, rule: AutomationRule, s: RunSubject, e: unknown): Promise<void> {
    this.app.log.warn({ err: e, ruleId: rule.id, key: s.key }, 'automation: a rule failed');
    const tx = em.fork();
    await tx.execute(
      `INSERT INTO automation_run (rule_id, event_key, event, event_id, order_id, actions_done, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule_id, event_key) DO NOTHING`,
      [rule.id, s.key, s.type, s.eventId, s.orderId, '[]', message(e), dialectDate(tx, new Date())],
    );
  }
}

const dialectDate = (em: Em, d: Date) => dialectOf(em).date(d);
