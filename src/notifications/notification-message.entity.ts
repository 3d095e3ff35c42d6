import { BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

export enum NotificationChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
}
registerEnumType(NotificationChannel, { name: 'NotificationChannel' });

export enum NotificationStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}
registerEnumType(NotificationStatus, { name: 'NotificationStatus', valuesConfig: { FAILED: { description: 'The last attempt failed; the job retries it.' } } });

/**
 * Every message sent to a customer, one row per (domain event, recipient, channel): the unique key is
 * what makes a retried job send nothing twice.
 */
@ObjectType({ description: 'A message sent (or being sent) to a customer because of a domain event.' })
@Entity()
@Unique({ properties: ['eventId', 'recipient', 'channel'] })
@Index({ properties: ['orderId', 'createdAt'] })
export class NotificationMessage {
  [OptionalProps]?: 'id' | 'status' | 'attempts' | 'createdAt' | 'sentAt' | 'claimedUntilMs' | 'providerMessageId' | 'error' | 'provider';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('ntf');

  /** The outbox event that caused it. */
  @Property({ type: new BigIntType('number') })
  eventId!: number;

  @Field({ description: 'The domain event that caused it, for example order.confirmed.' })
  @Property({ length: 100 })
  eventType!: string;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  orderId?: string | null;

  @Field(() => NotificationChannel)
  @Enum({ items: () => NotificationChannel })
  channel!: NotificationChannel;

  @Field()
  @Property({ length: 320 })
  recipient!: string;

  @Field()
  @Property({ length: 320 })
  sender!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 300, nullable: true })
  subject?: string | null;

  @Field({ description: 'The plain-text body (the SMS text, or the text part of the email).' })
  @Property({ type: 'text' })
  text!: string;

  @Field(() => NotificationStatus)
  @Enum({ items: () => NotificationStatus })
  status: NotificationStatus = NotificationStatus.PENDING;

  @Field({ description: 'smtp, file (no SMTP_URL: written as .eml), or the SMS provider code.' })
  @Property({ length: 64 })
  provider: string = '';

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 300, nullable: true })
  providerMessageId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  attempts: number = 0;

  /** A sender holds the row until then; another run waits for it (two workers never send one message twice). */
  @Property({ type: new BigIntType('number'), nullable: true })
  claimedUntilMs?: number | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  sentAt?: Date | null;
}
