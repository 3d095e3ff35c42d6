import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

export enum ChannelKind {
  WEB_STORE = 'WEB_STORE',
  MARKETPLACE = 'MARKETPLACE',
  SOCIAL = 'SOCIAL',
  POS = 'POS',
  MOBILE_APP = 'MOBILE_APP',
  API = 'API',
}
registerEnumType(ChannelKind, { name: 'ChannelKind' });

export const DEFAULT_CHANNEL_CODE = 'default';

@ObjectType({ implements: Node })
@Entity()
export class Channel {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('ch');

  @Field()
  @Property({ length: 64, unique: true })
  code!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => ChannelKind)
  @Enum({ items: () => ChannelKind })
  kind!: ChannelKind;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Property()
  createdAt: Date = new Date();
}
