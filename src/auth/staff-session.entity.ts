import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { newId } from '../kernel/ids.js';
import type { StaffMember } from './staff-member.entity.js';

/** A signed-in staff member's session (`ss_…` token). Only the SHA-256 of the token is stored. */
@Entity()
export class StaffSession {
  [OptionalProps]?: 'id' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('sss');

  @ManyToOne('StaffMember')
  staffMember!: Rel<StaffMember>;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property()
  expiresAt!: Date;

  @Property({ type: Date, nullable: true })
  revokedAt?: Date | null;

  @Property()
  createdAt: Date = new Date();
}
