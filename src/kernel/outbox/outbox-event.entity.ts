import { BigIntType, Entity, Index, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A domain event, written in the same transaction as the change it describes. Times are epoch
 * milliseconds so that the relay's claim and the sweeper's scan are the same SQL on both databases.
 */
@Entity()
// The relay's claim (the oldest events not yet published, in id order) and the sweeper's scan (published,
// never acknowledged): partial indexes, which hold only the versions of events on their way. The sweeper
// read the old index on the two columns over every event ever published (PostgreSQL chose a sequential
// scan: 20 ms at 300,000 events, 0.25 ms with its partial index). A claim still reads the entries of
// versions made dead since the last vacuum (a few thousand under load) with either index. The sweeper's
// holds published events only: an event's INSERT and its claim add no entry there (two index entries
// fewer per event, of the nine its four row versions wrote).
@Index({
  name: 'outbox_event_unpublished_index',
  expression: (table, columns, name) => `create index "${name}" on "${table.name}" ("${columns.id}") where "${columns.publishedAtMs}" is null`,
})
@Index({
  name: 'outbox_event_unprocessed_index',
  expression: (table, columns, name) =>
    `create index "${name}" on "${table.name}" ("${columns.publishedAtMs}") where "${columns.processedAtMs}" is null and "${columns.publishedAtMs}" is not null`,
})
export class OutboxEvent {
  [OptionalProps]?: 'id' | 'createdAtMs' | 'publishedAtMs' | 'processedAtMs' | 'claimedUntilMs' | 'attempts' | 'traceParent' | 'jobKey';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ length: 100 })
  type!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  aggregateId?: string | null;

  @Property({ type: JsonType })
  payload!: Record<string, unknown>;

  @Property({ type: new BigIntType('number') })
  createdAtMs: number = Date.now();

  @Property({ type: new BigIntType('number'), nullable: true })
  publishedAtMs?: number | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  processedAtMs?: number | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  claimedUntilMs?: number | null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  /** The W3C traceparent active when the event was recorded (tracing on: kernel/tracing.ts); its job joins that trace. */
  @Property({ type: 'string', length: 64, nullable: true })
  traceParent?: string | null;

  /**
   * The id of the group job that carried the event (kernel/outbox/event-group.ts), null for an event that
   * had a job of its own: a replay adds that group's job again, which BullMQ ignores while it is kept.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  jobKey?: string | null;
}
