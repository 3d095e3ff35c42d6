import { Entity, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

@ObjectType({ implements: Node })
@Entity()
export class Customer {
  [OptionalProps]?: 'id' | 'createdAt' | 'passwordResetHash' | 'passwordResetExpiresAt' | 'tags' | 'phone' | 'defaultShippingAddressId' | 'defaultBillingAddressId';

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

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  phone?: string | null;

  @Property({ length: 300, hidden: true })
  passwordHash!: string;

  /** The address book's defaults (ids of the customer's CustomerAddress rows; cleared when one is removed). */
  @Property({ type: 'string', length: 40, nullable: true, hidden: true })
  defaultShippingAddressId?: string | null;

  @Property({ type: 'string', length: 40, nullable: true, hidden: true })
  defaultBillingAddressId?: string | null;

  /** A requested password reset: the SHA-256 of its token (never the token) and when it stops working. */
  @Property({ length: 64, nullable: true, unique: true, hidden: true })
  passwordResetHash?: string | null;

  @Property({ type: Date, nullable: true, hidden: true })
  passwordResetExpiresAt?: Date | null;

  /**
   * Staff's labels for the customer (`vip`, `wholesale`, …), lower-cased, at most MAX_CUSTOMER_TAGS.
   * A customer group is a tag: promotions' customer conditions match these (docs/customers.md).
   */
  // GraphQL: `Customer.tags` (customer-fields.resolver.ts), shown to the customer and to staff only.
  @Property({ type: JsonType, default: '[]' })
  tags: string[] = [];

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}
