import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** A counter per channel and kind of number (order, invoice, return), moved by one conditional UPDATE. */
@Entity()
export class NumberSequence {
  [PrimaryKeyProp]?: ['channelId', 'kind'];

  @PrimaryKey({ length: 40 })
  channelId!: string;

  @PrimaryKey({ length: 32 })
  kind!: string;

  @Property({ type: 'integer' })
  value!: number;
}
