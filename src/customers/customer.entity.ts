import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

@ObjectType({ implements: Node })
@Entity()
export class Customer {
  [OptionalProps]?: 'id' | 'createdAt' | 'passwordResetHash' | 'passwordResetExpiresAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('cus');

  /** Stored lower-cased: one account per address. */
  @Field()
  @Property({ length: 320, unique: true })
  email!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  name?: string | null;

  @Property({ length: 300, hidden: true })
  passwordHash!: string;

  /** A requested password reset: the SHA-256 of its token (never the token) and when it stops working. */
  @Property({ length: 64, nullable: true, unique: true, hidden: true })
  passwordResetHash?: string | null;

  @Property({ type: 'datetime', nullable: true, hidden: true })
  passwordResetExpiresAt?: Date | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}
