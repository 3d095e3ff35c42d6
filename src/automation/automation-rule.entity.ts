import { Entity, Index, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { AutomationActionRecord } from './automation-actions.js';

/**
 * A merchant's rule, as data: when (an outbox event type, or every N minutes), if (a JsonLogic condition
 * over the facts of automation-facts.ts), do (actions, in order). GraphQL fields that need shaping
 * (condition, actions without their secrets, channel codes, runs) are in automation.resolver.ts.
 */
@ObjectType({ description: 'An automation rule: a trigger, a JsonLogic condition and actions (docs/automation.md).' })
@Entity({ tableName: 'automation_rule' })
@Index({ properties: ['triggerEvent', 'enabled'] })
export class AutomationRule {
  [OptionalProps]?: 'id' | 'enabled' | 'triggerEvent' | 'everyMinutes' | 'condition' | 'channelIds' | 'lastScheduledAt' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('aur');

  @Field()
  @Property({ length: 100 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The outbox event that runs the rule (order.placed, shipment.exception, stock.low, …); null for a scheduled rule.' })
  @Property({ type: 'string', length: 64, nullable: true })
  triggerEvent?: string | null;

  @Field(() => Int, { nullable: true, description: 'A scheduled rule runs this often over the orders changed since its last run; null for an event rule.' })
  @Property({ type: 'integer', nullable: true })
  everyMinutes?: number | null;

  /** JsonLogic; null: every event (or every changed order) matches. */
  @Property({ type: JsonType, nullable: true })
  condition?: Record<string, unknown> | null;

  /** What it does, in order; a webhook's secret is kept here and never shown. */
  @Property({ type: JsonType })
  actions!: AutomationActionRecord[];

  @Field()
  @Property()
  enabled: boolean = true;

  /** Only orders of these channels; null: every channel. */
  @Property({ type: JsonType, nullable: true })
  channelIds?: string[] | null;

  /** A scheduled rule's last window ended here (the next covers orders changed after it). */
  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  lastScheduledAt?: Date | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
