import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Customer } from './customer.entity.js';

/** A signed-in customer's session. Only the SHA-256 of the token is stored. */
@ObjectType('CustomerSession', { description: 'A signed-in session of the customer (mySessions): never its token.' })
@Entity()
export class CustomerSession {
  [OptionalProps]?: 'id' | 'createdAt' | 'revokedAt' | 'lastUsedAt' | 'userAgent' | 'ip';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('ses');

  @ManyToOne('Customer')
  customer!: Rel<Customer>;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Field(() => DateTimeScalar)
  @Property()
  expiresAt!: Date;

  @Property({ type: Date, nullable: true })
  revokedAt?: Date | null;

  /** Written at most once a minute per session (auth's TokenService), outside the request's statements. */
  @Field(() => DateTimeScalar, { nullable: true, description: 'When a request last came with the session (to the minute); null: not since sign-in.' })
  @Property({ type: Date, nullable: true })
  lastUsedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The User-Agent of the request that signed in.' })
  @Property({ type: 'string', length: 300, nullable: true })
  userAgent?: string | null;

  @Field(() => String, { nullable: true, description: 'The address the sign-in came from (behind a proxy: as `trust proxy` sees it).' })
  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}
