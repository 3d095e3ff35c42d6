import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { newId } from '../kernel/ids.js';
import type { Customer } from './customer.entity.js';

/** A signed-in customer's session. Only the SHA-256 of the token is stored. */
@Entity()
export class CustomerSession {
  [OptionalProps]?: 'id' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('ses');

  @ManyToOne('Customer')
  customer!: Rel<Customer>;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property()
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  @Property()
  createdAt: Date = new Date();
}
