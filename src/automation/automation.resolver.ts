// Automation rules (docs/automation.md): admin `orders` role, every channel's (a channel-scoped
// principal is refused: a rule may act on any channel's orders).
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { JSONObjectScalar } from '../kernel/graphql-types.js';
import { Channel } from '../channels/channel.entity.js';
import { Order } from '../order-core/order.entity.js';
import { AutomationRule } from './automation-rule.entity.js';
import { AutomationRun } from './automation-run.entity.js';
import { AutomationService } from './automation.service.js';
import { AutomationAction, AutomationDryRun, CreateAutomationRuleInput, UpdateAutomationRuleInput } from './automation.inputs.js';

@Resolver(() => AutomationRule)
export class AutomationRuleResolver {
  @Query(() => [AutomationRule], { description: 'Admin (orders): the automation rules, oldest first.' })
  automationRules(@Ctx() ctx: OrdoContext): Promise<AutomationRule[]> {
    return ctx.app.service(AutomationService).list(can(ctx, admin('orders')).em);
  }

  @Query(() => AutomationRule, { description: 'Admin (orders): one automation rule.' })
  automationRule(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<AutomationRule> {
    return ctx.app.service(AutomationService).get(can(ctx, admin('orders')).em, id);
  }

  @Query(() => AutomationDryRun, { description: 'Admin (orders): which of the most recent orders (first, at most 500) the rule — or the condition given, unsaved — would have matched. Changes nothing.' })
  dryRunAutomationRule(
    @Arg('id', () => ID) id: string,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('condition', () => JSONObjectScalar, { nullable: true, validate: false }) condition: Record<string, unknown> | null | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<AutomationDryRun> {
    return ctx.app.service(AutomationService).dryRun(can(ctx, admin('orders')).em, id, first, condition);
  }

  @Mutation(() => AutomationRule, { description: 'Admin (orders): a rule — a trigger, a JsonLogic condition and actions. A malformed condition is BAD_USER_INPUT naming its path.' })
  createAutomationRule(@Arg('input', () => CreateAutomationRuleInput) input: CreateAutomationRuleInput, @Ctx() ctx: OrdoContext): Promise<AutomationRule> {
    return ctx.app.service(AutomationService).create(can(ctx, admin('orders')).em, input);
  }

  @Mutation(() => AutomationRule, { description: 'Admin (orders): changes a rule; what is left out stays.' })
  updateAutomationRule(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateAutomationRuleInput) input: UpdateAutomationRuleInput, @Ctx() ctx: OrdoContext): Promise<AutomationRule> {
    return ctx.app.service(AutomationService).update(can(ctx, admin('orders')).em, id, input);
  }

  @Mutation(() => AutomationRule, { description: 'Admin (orders): stops a rule (its runs stay).' })
  disableAutomationRule(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<AutomationRule> {
    return ctx.app.service(AutomationService).setEnabled(can(ctx, admin('orders')).em, id, false);
  }

  @Mutation(() => AutomationRule, { description: 'Admin (orders): starts a stopped rule again (from the next event; a scheduled rule from now).' })
  enableAutomationRule(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<AutomationRule> {
    return ctx.app.service(AutomationService).setEnabled(can(ctx, admin('orders')).em, id, true);
  }

  @Mutation(() => Boolean, { description: 'Admin (orders): removes a rule and its runs (what it did to orders stays in their history).' })
  deleteAutomationRule(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    return ctx.app.service(AutomationService).delete(can(ctx, admin('orders')).em, id);
  }

  @FieldResolver(() => JSONObjectScalar, { nullable: true, description: 'The JsonLogic condition; null: always.' })
  condition(@Root() rule: AutomationRule): Record<string, unknown> | null {
    return rule.condition ?? null;
  }

  @FieldResolver(() => [AutomationAction])
  actions(@Root() rule: AutomationRule): AutomationAction[] {
    return rule.actions.map(({ secret: _secret, ...shown }) => shown);
  }

  @FieldResolver(() => [String], { nullable: true, description: 'Only orders of these channels; null: every channel.' })
  async channelCodes(@Root() rule: AutomationRule, @Ctx() ctx: OrdoContext): Promise<string[] | null> {
    if (!rule.channelIds?.length) return null;
    const rows = await ctx.em.find(Channel, { id: { $in: rule.channelIds } }, { fields: ['code'], orderBy: { code: 'asc' } });
    return rows.map((c) => c.code);
  }

  @FieldResolver(() => [AutomationRun], { description: 'Its most recent runs, newest first (at most 200).' })
  runs(@Root() rule: AutomationRule, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: OrdoContext): Promise<AutomationRun[]> {
    return ctx.app.service(AutomationService).runs(ctx.em, rule.id, first);
  }
}

@Resolver(() => AutomationRun)
export class AutomationRunResolver {
  @FieldResolver(() => Order, { nullable: true, description: 'The order the run was about (null: the event names none, or it is gone).' })
  order(@Root() run: AutomationRun, @Ctx() ctx: OrdoContext): Promise<Order | null> {
    return run.orderId ? ctx.em.findOne(Order, { id: run.orderId }) : Promise.resolve(null);
  }
}
