import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An outbox event a rollup has counted: the rollup's increments and this row commit together, so an
 * event handled twice (a retried job, a replay) is counted once.
 */
@Entity({ tableName: 'rollup_event' })
export class RollupEvent {
  @PrimaryKey({ type: 'bigint' })
  eventId!: string;

  /** Which rollup counted it ('sales', 'fulfillment', ...): one event feeds several. */
  @PrimaryKey({ length: 32 })
  rollup!: string;

  @Property()
  createdAt: Date = new Date();
}
