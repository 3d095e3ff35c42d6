import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** Engine-wide values kept in the database (the generated secret, for instance). */
@Entity()
export class Setting {
  [PrimaryKeyProp]?: 'key';

  @PrimaryKey({ length: 100 })
  key!: string;

  @Property({ type: 'text' })
  value!: string;
}
