import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Customer } from './customer.entity.js';

/**
 * An address in a customer's address book. The fields and their limits are those of an order's address
 * (order-core/address.ts), so a saved address can be sent as placeOrder's shippingAddress as it is.
 */
@ObjectType({ description: 'An address in the signed-in customer\'s address book (the fields of an order\'s Address, plus a label).' })
@Entity()
@Index({ properties: ['customer', 'id'] })
export class CustomerAddress {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'label' | 'line2' | 'region' | 'phone';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('cad');

  @ManyToOne('Customer')
  customer!: Rel<Customer>;

  @Field(() => String, { nullable: true, description: 'The customer\'s name for it ("Home", "Office").' })
  @Property({ type: 'string', length: 100, nullable: true })
  label?: string | null;

  @Field() @Property({ length: 200 }) name!: string;
  @Field() @Property({ length: 300 }) line1!: string;
  @Field(() => String, { nullable: true }) @Property({ type: 'string', length: 300, nullable: true }) line2?: string | null;
  @Field() @Property({ length: 200 }) city!: string;
  @Field(() => String, { nullable: true }) @Property({ type: 'string', length: 100, nullable: true }) region?: string | null;
  @Field() @Property({ length: 32 }) postalCode!: string;
  @Field() @Property({ length: 2 }) countryCode!: string;
  @Field(() => String, { nullable: true }) @Property({ type: 'string', length: 40, nullable: true }) phone?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
