// What a buyer in a channel pays for a variant (ProductVariant.priceIn), and where that price comes from.
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { MoneyScalar } from '../kernel/graphql-types.js';

export enum PriceSource {
  CHANNEL = 'CHANNEL',
  CATALOG = 'CATALOG',
}
registerEnumType(PriceSource, {
  name: 'PriceSource',
  valuesConfig: {
    CHANNEL: { description: "The variant's own price in the channel (setVariantPrice)." },
    CATALOG: { description: "The catalog price: the variant has no price of its own in the channel and its currency is the channel's." },
  },
});

@ObjectType({ description: 'The unit price a buyer in a channel pays for a variant.' })
export class ChannelPrice {
  @Field() channelCode!: string;
  @Field(() => MoneyScalar, { description: 'In minor units of currencyCode.' }) amount!: number;
  @Field() currencyCode!: string;
  @Field(() => PriceSource) source!: PriceSource;
  @Field({ description: "Whether the amount includes tax (the channel's pricesIncludeTax)." }) includesTax!: boolean;
}
