import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
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

/** When a channel's card payments are captured: by a job after confirmation, or when the first shipment ships. */
export enum CapturePolicy {
  ON_PLACEMENT = 'ON_PLACEMENT',
  ON_FIRST_SHIPMENT = 'ON_FIRST_SHIPMENT',
  PER_SHIPMENT = 'PER_SHIPMENT',
}
registerEnumType(CapturePolicy, {
  name: 'CapturePolicy',
  valuesConfig: {
    ON_PLACEMENT: { description: 'Captured once the order is confirmed.' },
    ON_FIRST_SHIPMENT: { description: 'Captured in full when the first shipment ships.' },
    PER_SHIPMENT: { description: 'Each shipment captures what it carries (its lines with tax, the shipping charge with the first); the last captures the rest of what the order owes.' },
  },
});

/** What an imported order (importOrders) does when the stock it asks for is not there. */
export enum ImportStockPolicy {
  RESERVE = 'RESERVE',
  BACKORDER = 'BACKORDER',
}
registerEnumType(ImportStockPolicy, {
  name: 'ImportStockPolicy',
  valuesConfig: {
    RESERVE: { description: 'Every unit is reserved at import; an order the stock cannot cover is refused (a per-order error of the batch), the others go through.' },
    BACKORDER: { description: 'What stock there is is reserved; the rest waits as a backorder (the order is BACKORDERED).' },
  },
});

export const DEFAULT_CHANNEL_CODE = 'default';

@ObjectType({ implements: Node })
@Entity()
export class Channel {
  [OptionalProps]?: 'id' | 'createdAt' | 'capturePolicy' | 'importStockPolicy' | 'sourcingStrategy' | 'pricesIncludeTax';

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

  @Field(() => CapturePolicy)
  @Enum({ items: () => CapturePolicy, default: CapturePolicy.ON_FIRST_SHIPMENT })
  capturePolicy: CapturePolicy = CapturePolicy.ON_FIRST_SHIPMENT;

  @Field(() => Int, { nullable: true, description: 'Days after delivery a return can be requested; null: the engine default (ORDO_RETURN_WINDOW_DAYS).' })
  @Property({ type: 'integer', nullable: true })
  returnWindowDays?: number | null;

  @Field(() => ImportStockPolicy, { description: 'What importOrders does with an order the stock cannot cover.' })
  @Enum({ items: () => ImportStockPolicy, default: ImportStockPolicy.RESERVE })
  importStockPolicy: ImportStockPolicy = ImportStockPolicy.RESERVE;

  @Field({ description: "How the channel's orders choose the locations they are reserved and shipped from (setChannelSourcing; `sourcingStrategies` lists them): priority, nearest, earliest-delivery, fewest-shipments or a plugin's." })
  @Property({ length: 64, default: 'priority' })
  sourcingStrategy: string = 'priority';

  @Field({ description: "Whether the channel's prices (catalog, channel and shipping prices) are gross, tax included (EU shops): tax is then taken out of each line, half-up (docs/prices.md). Orders keep the mode they were placed in (Order.pricesIncludeTax)." })
  @Property({ default: false })
  pricesIncludeTax: boolean = false;

  @Field({ description: "The channel's IANA time zone ('Europe/Berlin'; default UTC): the days, weeks and months its reports are bucketed in." })
  @Property({ length: 64, default: 'UTC' })
  timeZone: string = 'UTC';

  @Property()
  createdAt: Date = new Date();
}
