import { Entity, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { AdminRole } from '../kernel/auth.js';
import { newId } from '../kernel/ids.js';

/** An admin API key. Only the SHA-256 of the key is stored. */
@Entity()
export class ApiKey {
  [OptionalProps]?: 'id' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('key');

  @Property({ length: 100, unique: true })
  name!: string;

  @Property({ type: JsonType })
  roles!: AdminRole[];

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property()
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;
}
