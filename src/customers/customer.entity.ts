import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

@ObjectType({ implements: Node })
@Entity()
export class Customer {
  [OptionalProps]?: 'id' | 'createdAt';

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

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}
