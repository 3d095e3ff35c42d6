import { Entity, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { newId } from '../kernel/ids.js';
import type { Channel } from '../channels/channel.entity.js';

/** What one order of a batch came to, kept so that a repeat of the batch answers the same. */
export interface ImportOutcome {
  externalId: string;
  orderId: string | null;
  created: boolean;
  error: { code: string; message: string; field: string | null } | null;
}

/**
 * One importOrders call per (channel, idempotency key): claimed before the first order is written, its
 * outcomes stored once every order has been tried. A repeat with the same orders answers the stored
 * outcomes; one that finds no outcomes (the first was interrupted, or still runs) imports again, and each
 * order's own key, (channel, externalId), keeps it from being made twice.
 */
@Entity()
@Unique({ properties: ['channel', 'keyHash'] })
export class ImportBatch {
  [OptionalProps]?: 'id' | 'createdAt' | 'outcomes' | 'finishedAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('imp');

  @ManyToOne('Channel')
  channel!: Rel<Channel>;

  @Property({ length: 64 })
  keyHash!: string;

  @Property({ length: 64 })
  requestHash!: string;

  @Property({ type: 'integer' })
  orderCount!: number;

  @Property({ type: JsonType, nullable: true })
  outcomes?: ImportOutcome[] | null;

  @Property()
  createdAt: Date = new Date();

  @Property({ type: Date, nullable: true })
  finishedAt?: Date | null;
}
