import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../kernel/ids.js';

export enum PushKind {
  SHIPMENT = 'SHIPMENT',
  REFUND = 'REFUND',
  CANCELLATION = 'CANCELLATION',
}

/**
 * What was told to a channel, once each: a push job that finds its row does nothing (a replayed event, a
 * retried job). Written after the channel took the push; a worker killed in between pushes again with
 * the same idempotency key, which the channel answers without doing it twice.
 */
@Entity()
@Unique({ properties: ['channelId', 'kind', 'ref'] })
export class ChannelPush {
  [OptionalProps]?: 'id' | 'pushedAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('chp');

  @Property({ length: 40 })
  channelId!: string;

  @Enum({ items: () => PushKind })
  kind!: PushKind;

  /** The shipment, refund operation or order it was about. */
  @Property({ length: 40 })
  ref!: string;

  @Property({ length: 200 })
  externalId!: string;

  @Property()
  pushedAt: Date = new Date();
}
