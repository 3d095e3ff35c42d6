import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from './ids.js';

/**
 * One idempotency key that a mutation was applied with (idempotency.ts writes it, in the mutation's
 * transaction): the key is unique within its scope (the operation and who asked), so a repeat finds the
 * first request's fingerprint and result instead of applying again.
 */
@Entity({ tableName: 'idempotency_record' })
@Unique({ properties: ['scope', 'keyHash'] })
export class IdempotencyRecord {
  [OptionalProps]?: 'id' | 'resultId' | 'createdAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('idk');

  /** The operation and the key's owner, e.g. `adjustStock:staff`, `requestReturn:customer:cus_…`. */
  @Property({ length: 200 })
  scope!: string;

  /** SHA-256 of the client's key (base64url): fixed length, whatever the client put in it. */
  @Property({ length: 64 })
  keyHash!: string;

  /** SHA-256 of the request's fingerprint: the same key with another request is a CONFLICT. */
  @Property({ length: 64 })
  requestHash!: string;

  /** The id of what the first request answered with (set in the same transaction as the claim). */
  @Property({ type: 'string', length: 64, nullable: true })
  resultId?: string | null;

  @Property()
  createdAt: Date = new Date();
}
