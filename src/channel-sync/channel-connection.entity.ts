import { Entity, JsonType, OneToOne, OptionalProps, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { Channel } from '../channels/channel.entity.js';

/**
 * A channel's connector and where its pulls stand: the cursor is durable (a worker killed mid-poll
 * resumes from the last page whose orders were imported), failures back the next poll off.
 * The settings (credentials) are never shown through the API.
 */
@ObjectType('ChannelConnection')
@Entity()
export class ChannelConnection {
  [PrimaryKeyProp]?: 'channel';
  [OptionalProps]?: 'cursor' | 'failures' | 'nextAttemptAt' | 'lastError' | 'lastPolledAt' | 'createdAt' | 'stockBuffer' | 'stockSharePercent';

  @OneToOne(() => Channel, { primary: true, owner: true })
  channel!: Rel<Channel>;

  @Field({ description: 'The connector: sim-marketplace, or a plugin\'s.' })
  @Property({ length: 64 })
  connector!: string;

  @Property({ type: JsonType })
  config!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'Where the next pull starts, as the channel gave it.' })
  @Property({ type: 'string', length: 500, nullable: true })
  cursor?: string | null;

  @Field(() => Int, { description: 'Failed pulls in a row (the next waits longer each time).' })
  @Property({ type: 'integer' })
  failures: number = 0;

  @Field(() => DateTimeScalar, { nullable: true, description: 'No pull before this (backing off after failures, or as the channel asked).' })
  @Property({ type: Date, nullable: true })
  nextAttemptAt?: Date | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 1000, nullable: true })
  lastError?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  lastPolledAt?: Date | null;

  @Field(() => Int, { description: 'Units of each SKU held back from the channel (a safety buffer against selling what another channel just sold).' })
  @Property({ type: 'integer' })
  stockBuffer: number = 0;

  @Field(() => Int, { description: 'The share of the rest the channel may sell, in percent (20: the channel sees at most a fifth of what is available).' })
  @Property({ type: 'integer' })
  stockSharePercent: number = 100;

  @Property()
  createdAt: Date = new Date();
}
