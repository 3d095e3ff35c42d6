import { Entity, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import type { AdminRole } from '../kernel/auth.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

/** An admin API key. Only the SHA-256 of the key is stored, and never shown (no field for it). */
@ObjectType({ description: 'An admin API key as superadmins list it: never its secret.' })
@Entity()
export class ApiKey {
  [OptionalProps]?: 'id' | 'createdAt' | 'revokedAt' | 'lastUsedAt' | 'channelIds';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('key');

  @Field()
  @Property({ length: 100, unique: true })
  name!: string;

  @Field(() => [String])
  @Property({ type: JsonType })
  roles!: AdminRole[];

  /** The channels the key works on (ids); null: every channel. GraphQL shows their codes. */
  @Property({ type: JsonType, nullable: true })
  channelIds?: string[] | null;

  @Property({ length: 64, unique: true, hidden: true })
  tokenHash!: string;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a request last came with it (recorded at most once a minute).' })
  @Property({ type: Date, nullable: true })
  lastUsedAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  revokedAt?: Date | null;

  @Field(() => Boolean, { description: 'A revoked key is refused (UNAUTHENTICATED) on every request.' })
  get revoked(): boolean {
    return !!this.revokedAt;
  }
}
