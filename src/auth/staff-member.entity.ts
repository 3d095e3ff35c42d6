import { Entity, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { AdminRole } from '../kernel/auth.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

export enum StaffStatus {
  INVITED = 'INVITED',
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}
registerEnumType(StaffStatus, { name: 'StaffStatus', description: 'INVITED until the invitation is accepted (a password set); DISABLED members cannot sign in.' });

/**
 * A person who works in the back office: signs in with email and password (`staffLogin`), holds roles
 * like an API key, and may be kept to some sales channels (`channelIds`; null: every channel).
 * Only hashes of the password and of the invitation token are stored.
 */
@ObjectType({ description: 'A staff member as superadmins list them: never a password or an invitation token.' })
@Entity()
export class StaffMember {
  [OptionalProps]?: 'id' | 'createdAt' | 'channelIds' | 'passwordHash' | 'invitationHash' | 'invitationExpiresAt' | 'disabledAt' | 'lastLoginAt' | 'status';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('stf');

  @Field()
  @Property({ length: 254, unique: true })
  email!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => [String])
  @Property({ type: JsonType })
  roles!: AdminRole[];

  /** The channels this member works on (ids); null: every channel. GraphQL shows their codes. */
  @Property({ type: JsonType, nullable: true })
  channelIds?: string[] | null;

  @Property({ length: 200, nullable: true, hidden: true })
  passwordHash?: string | null;

  @Property({ length: 64, nullable: true, unique: true, hidden: true })
  invitationHash?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the invitation stops working (INVITED members only).' })
  @Property({ type: Date, nullable: true })
  invitationExpiresAt?: Date | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  lastLoginAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  disabledAt?: Date | null;

  @Field(() => StaffStatus)
  get status(): StaffStatus {
    if (this.disabledAt) return StaffStatus.DISABLED;
    return this.passwordHash ? StaffStatus.ACTIVE : StaffStatus.INVITED;
  }
}
