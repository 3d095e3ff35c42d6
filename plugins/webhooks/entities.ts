// The webhooks plugin's tables: the endpoints an admin registers, and one delivery row per (endpoint, event).
import { BigIntType, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, newId } from '../../src/index.js';

@ObjectType({ description: 'A URL that receives signed POSTs of domain events (webhooks plugin).' })
@Entity()
export class WebhookEndpoint {
  [OptionalProps]?: 'id' | 'enabled' | 'failureCount' | 'createdAt' | 'eventTypes';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('whe');

  @Field()
  @Property({ length: 2000 })
  url!: string;

  /** The HMAC key of the x-ordo-signature header; shown once, when the endpoint is created. */
  @Property({ length: 200 })
  secret!: string;

  /** Comma-separated event types; `*` is every event. */
  @Property({ type: 'text' })
  eventTypeList!: string;

  @Field(() => [String], { description: 'The event types sent, for example order.confirmed; * is every event.' })
  get eventTypes(): string[] {
    return this.eventTypeList.split(',').filter(Boolean);
  }

  @Field({ description: 'False once too many deliveries in a row have failed (or when switched off).' })
  @Property()
  enabled: boolean = true;

  @Field(() => Int, { description: 'Deliveries that failed in a row (every retry used up); reset by a success.' })
  @Property({ type: 'integer' })
  failureCount: number = 0;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  wants(type: string): boolean {
    return this.eventTypes.includes('*') || this.eventTypes.includes(type);
  }
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: { PENDING: { description: 'Not delivered yet; retried with backoff.' }, FAILED: { description: 'Every retry was used up.' } },
});

@ObjectType({ description: 'One event sent to one webhook endpoint, with its attempts.' })
@Entity()
@Unique({ properties: ['endpoint', 'eventId'] })
@Index({ properties: ['endpoint', 'createdAt'] })
export class WebhookDelivery {
  [OptionalProps]?: 'id' | 'status' | 'attempts' | 'responseStatus' | 'lastError' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('whd');

  // No index of its own (SQLite would add one by default): the class's unique (endpoint, eventId) and its
  // (endpoint, createdAt) index both start with endpoint_id, and the first migrations made none.
  @ManyToOne(() => WebhookEndpoint, { index: false })
  endpoint!: Rel<WebhookEndpoint>;

  @Field(() => ID, { description: 'The outbox event id (also in the body, so receivers can drop repeats).' })
  @Property({ type: new BigIntType('number') })
  eventId!: number;

  @Field()
  @Property({ length: 100 })
  eventType!: string;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int)
  @Property({ type: 'integer' })
  attempts: number = 0;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt (null when it got no answer).' })
  @Property({ type: 'integer', nullable: true })
  responseStatus?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
