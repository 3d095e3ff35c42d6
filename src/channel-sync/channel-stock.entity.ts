import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** What a channel was last told it may sell of a SKU (stock-sync.ts pushes only what differs from it). */
@Entity()
export class ChannelStock {
  @PrimaryKey({ length: 40 })
  channelId!: string;

  @PrimaryKey({ length: 100 })
  sku!: string;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property()
  pushedAt: Date = new Date();
}
