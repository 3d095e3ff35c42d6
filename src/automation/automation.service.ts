// Staff's rules: create, change, enable/disable, delete, list, their runs and a dry run over recent orders.
// Everything given is checked before anything is written (bad input changes nothing): the trigger, the
// condition's tree (automation-condition.ts), each action (automation-actions.ts), the channels.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { badInput, notFound } from '../kernel/errors.js';
import { Channel } from '../channels/channel.entity.js';
import { Order } from '../order-core/order.entity.js';
import { AutomationRule } from './automation-rule.entity.js';
import { AutomationRun } from './automation-run.entity.js';
import { AutomationActionType, checkAction, MAX_ACTIONS, TRIGGERS, type AutomationActionRecord } from './automation-actions.js';
import { assertCondition, matches } from './automation-condition.js';
import { factsOf } from './automation-facts.js';
import { AutomationRunner } from './automation-runner.js';
import type { AutomationActionInput, CreateAutomationRuleInput, UpdateAutomationRuleInput } from './automation.inputs.js';

export const DRY_RUN_MAX = 500;

export class AutomationService {
  constructor(private readonly app: AppRuntime) {}

  list(em: Em): Promise<AutomationRule[]> {
    return em.find(AutomationRule, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async get(em: Em, id: string): Promise<AutomationRule> {
    const rule = await em.findOne(AutomationRule, { id });
    if (!rule) throw notFound(`Automation rule ${id}`);
    return rule;
  }

  runs(em: Em, ruleId: string, first: number): Promise<AutomationRun[]> {
    return em.find(AutomationRun, { ruleId }, { orderBy: { id: 'desc' }, limit: Math.max(1, Math.min(first, 200)) });
  }

  async create(em: Em, input: CreateAutomationRuleInput): Promise<AutomationRule> {
    const trigger = checkTrigger(input.event, input.everyMinutes);
    if (input.condition != null) assertCondition(input.condition, 'input.condition');
    const actions = checkActions(input.actions, trigger.orderTrigger, []);
    const channelIds = await this.channelIds(em, input.channelCodes);
    const rule = em.create(AutomationRule, {
      name: input.name.trim(), triggerEvent: trigger.event, everyMinutes: trigger.everyMinutes,
      condition: input.condition ?? null, actions, enabled: input.enabled ?? true, channelIds,
    });
    await em.persist(rule).flush();
    await this.changed(em);
    return rule;
  }

  async update(em: Em, id: string, input: UpdateAutomationRuleInput): Promise<AutomationRule> {
    const rule = await this.get(em, id);
    const retrigger = input.event != null || input.everyMinutes != null;
    const trigger = retrigger ? checkTrigger(input.event, input.everyMinutes) : { event: rule.triggerEvent ?? null, everyMinutes: rule.everyMinutes ?? null, orderTrigger: !rule.triggerEvent || TRIGGERS[rule.triggerEvent]?.order !== false };
    if (input.condition != null && input.clearCondition) throw badInput('Give a condition or clearCondition, not both.', 'input.clearCondition');
    if (input.condition != null) assertCondition(input.condition, 'input.condition');
    const actions = input.actions ? checkActions(input.actions, trigger.orderTrigger, rule.actions) : rule.actions;
    // A new trigger that names no order must not keep actions that need one.
    if (!input.actions && retrigger) actions.forEach((a, i) => checkAction(a, `input.actions[${i}]`, trigger.orderTrigger));
    const channelIds = input.channelCodes ? await this.channelIds(em, input.channelCodes) : rule.channelIds;
    if (input.name != null) rule.name = input.name.trim();
    if (retrigger) {
      rule.triggerEvent = trigger.event;
      rule.everyMinutes = trigger.everyMinutes;
      rule.lastScheduledAt = null;
    }
    if (input.condition != null) rule.condition = input.condition;
    if (input.clearCondition) rule.condition = null;
    rule.actions = actions;
    rule.channelIds = channelIds;
    await em.flush();
    await this.changed(em);
    return rule;
  }

  async setEnabled(em: Em, id: string, enabled: boolean): Promise<AutomationRule> {
    const rule = await this.get(em, id);
    rule.enabled = enabled;
    // A scheduled rule enabled again starts its windows from now, not from before it was stopped.
    if (enabled) rule.lastScheduledAt = null;
    await em.flush();
    await this.changed(em);
    return rule;
  }

  async delete(em: Em, id: string): Promise<boolean> {
    await this.get(em, id);
    await em.transactional(async (tx) => {
      await tx.nativeDelete(AutomationRun, { ruleId: id });
      await tx.nativeDelete(AutomationRule, { id });
    });
    await this.changed(em);
    return true;
  }

  /** The most recent orders (placed, of the rule's channels) and which of them the condition (or `condition`, unsaved) matches. */
  async dryRun(em: Em, id: string, first: number, condition?: Record<string, unknown> | null): Promise<{ examined: number; matched: Order[] }> {
    const rule = await this.get(em, id);
    if (condition != null) assertCondition(condition, 'condition');
    const limit = Math.max(1, Math.min(first, DRY_RUN_MAX));
    const recent = await em.find(Order, rule.channelIds?.length ? { channel: { $in: rule.channelIds } } : {}, { orderBy: { placedAt: 'desc', id: 'desc' }, limit });
    const facts = await factsOf(em, recent.map((o) => o.id), { type: rule.triggerEvent ?? 'schedule', data: {} });
    const when = condition ?? rule.condition;
    return { examined: recent.length, matched: recent.filter((o) => matches(when, facts.get(o.id) ?? {})) };
  }

  private async channelIds(em: Em, codes: string[] | null | undefined): Promise<string[] | null> {
    if (!codes?.length) return null;
    const channels = await em.find(Channel, { code: { $in: codes } }, { fields: ['id', 'code'] });
    codes.forEach((c, i) => { if (!channels.some((ch) => ch.code === c)) throw badInput(`No channel ${c}.`, `input.channelCodes[${i}]`); });
    return channels.map((c) => c.id);
  }

  private changed(em: Em): Promise<void> {
    return this.app.service(AutomationRunner).refresh(em);
  }
}

function checkTrigger(event: string | null | undefined, everyMinutes: number | null | undefined) {
  if ((event == null) === (everyMinutes == null)) throw badInput('Give the trigger: an event or everyMinutes (one of them).', 'input.event');
  if (event != null && !TRIGGERS[event]) throw badInput(`Unknown trigger event "${event}"; one of ${Object.keys(TRIGGERS).join(', ')}.`, 'input.event');
  return { event: event ?? null, everyMinutes: everyMinutes ?? null, orderTrigger: event == null || TRIGGERS[event].order };
}

/** Each action checked under `input.actions[i]`; a webhook without a secret keeps the one the rule had for its url. */
function checkActions(given: AutomationActionInput[], orderTrigger: boolean, before: AutomationActionRecord[]): AutomationActionRecord[] {
  if (!given.length || given.length > MAX_ACTIONS) throw badInput(`A rule has 1 to ${MAX_ACTIONS} actions.`, 'input.actions');
  return given.map((a, i) => {
    const kept = a.type === AutomationActionType.WEBHOOK && !a.secret ? before.find((b) => b.type === AutomationActionType.WEBHOOK && b.url === a.url?.trim())?.secret : undefined;
    return checkAction({ ...a, secret: a.secret ?? kept ?? null }, `input.actions[${i}]`, orderTrigger);
  });
}
