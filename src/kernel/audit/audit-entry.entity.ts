import { Entity, Index, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../graphql-types.js';
import { newId } from '../ids.js';

/**
 * One admin mutation, as it was asked and how it ended (audit-middleware.ts writes it): who (the API key),
 * what (the operation and its arguments, secrets redacted), when, and the outcome. Append-only: the engine
 * has no code path that updates or deletes a row.
 */
@ObjectType({ description: 'One admin mutation: who asked, what, when, and how it ended.' })
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['actorId', 'id'] })
@Index({ properties: ['operation', 'id'] })
export class AuditEntry {
  [OptionalProps]?: 'id' | 'at' | 'requestId' | 'errorMessage';

  /** Time-ordered: newest first is id descending (kernel/ids.ts). */
  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('aud');

  @Field(() => DateTimeScalar)
  @Property()
  at: Date = new Date();

  @Field({ description: 'The API key (or staff member) id.' })
  @Property({ length: 64 })
  actorId!: string;

  @Field({ description: "The key's name when it was used." })
  @Property({ length: 200 })
  actorName!: string;

  @Field({ description: 'The mutation field, for example cancelOrder.' })
  @Property({ length: 100 })
  operation!: string;

  @Field(() => JSONObjectScalar, { description: 'Its arguments; passwords, tokens and secrets replaced by "[redacted]".' })
  @Property({ type: JsonType })
  arguments!: Record<string, unknown>;

  @Field({ description: '`ok`, or the error code it was answered with (FORBIDDEN, BAD_USER_INPUT, ...).' })
  @Property({ length: 40 })
  outcome!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  errorMessage?: string | null;

  @Field(() => String, { nullable: true, description: 'The request id (x-request-id): the request log lines of the same request carry it.' })
  @Property({ type: 'string', length: 128, nullable: true })
  requestId?: string | null;
}
