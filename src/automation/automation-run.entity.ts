import { BigIntType, Entity, Index, JsonType, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';

/**
 * One run of a rule for one event (or one order of a scheduled window). The row is the claim: it is
 * inserted (`INSERT … ON CONFLICT DO NOTHING`, unique per rule and event key) in the transaction that
 * applies the order's actions, so a replayed or retried event finds it and does nothing twice. Mail and
 * webhooks follow the commit, keyed by the row's id; `finishedAt` says they were handed on.
 */
@ObjectType({ description: "One run of an automation rule: the event, the order, whether it matched and what was done." })
@Entity({ tableName: 'automation_run' })
@Unique({ properties: ['ruleId', 'eventKey'] })
@Index({ properties: ['ruleId', 'at'] })
export class AutomationRun {
  [OptionalProps]?: 'id' | 'eventId' | 'orderId' | 'matched' | 'actionsDone' | 'error' | 'at' | 'finishedAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 40 })
  ruleId!: string;

  /** `evt-<outbox event id>`, or `sch-<window end ms>-<order id>` for a scheduled rule. */
  @Property({ length: 120 })
  eventKey!: string;

  @Field({ description: 'The event type (order.placed, …), or "schedule".' })
  @Property({ length: 64 })
  event!: string;

  @Field(() => String, { nullable: true, description: 'The outbox event id, for an event rule.' })
  @Property({ type: new BigIntType('number'), nullable: true })
  eventId?: number | null;

  @Property({ type: 'string', length: 40, nullable: true })
  orderId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the condition held; null when the run failed before it was known.' })
  @Property({ type: 'boolean', nullable: true })
  matched?: boolean | null;

  @Field(() => [String], { description: 'What the actions did, in order (e.g. "hold", "tag vip", "mail staff@example.com", "hold skipped: order is SHIPPED").' })
  @Property({ type: JsonType })
  actionsDone: string[] = [];

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  at: Date = new Date();

  @Property({ type: Date, nullable: true })
  finishedAt?: Date | null;
}
