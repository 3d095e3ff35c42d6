// Channel prices in GraphQL: staff set and remove them (catalog role); anyone reads a variant's prices
// and what a buyer in a channel pays, as they read the catalog.
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { Channel } from '../channels/channel.entity.js';
import { VariantPrice } from './variant-price.entity.js';
import { ChannelPrice } from './channel-price.types.js';
import { PriceService } from './price.service.js';

@Resolver(() => VariantPrice)
export class VariantPriceResolver {
  @Mutation(() => VariantPrice, { description: "Admin (catalog): the variant's price in a channel, in minor units of the channel's currency (gross when the channel's prices include tax). Placed orders keep their prices; the change is in the variant's priceHistory." })
  setVariantPrice(
    @Arg('sku') sku: string,
    @Arg('channelCode') channelCode: string,
    @Arg('price', () => MoneyScalar) price: number,
    @Ctx() ctx: OrdoContext,
  ): Promise<VariantPrice> {
    const { em, principal } = can(ctx, admin('catalog'));
    return ctx.app.service(PriceService).setVariantPrice(em, principal, sku, channelCode, price);
  }

  @Mutation(() => ProductVariant, { description: "Admin (catalog): removes the variant's own price in a channel; buyers there pay the catalog price again when its currency is the channel's (else the SKU is not sold there)." })
  removeVariantPrice(@Arg('sku') sku: string, @Arg('channelCode') channelCode: string, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    const { em, principal } = can(ctx, admin('catalog'));
    return ctx.app.service(PriceService).removeVariantPrice(em, principal, sku, channelCode);
  }

  @FieldResolver(() => String, { description: 'The channel this price is for.' })
  async channelCode(@Root() p: VariantPrice, @Ctx() ctx: OrdoContext): Promise<string> {
    return p.channel.code ?? (await oneBy(ctx, Channel).load(p.channel.id))!.code;
  }

  @FieldResolver(() => String)
  async sku(@Root() p: VariantPrice, @Ctx() ctx: OrdoContext): Promise<string> {
    return p.variant.sku ?? (await oneBy(ctx, ProductVariant).load(p.variant.id))!.sku;
  }
}

@Resolver(() => ProductVariant)
export class VariantChannelPriceFields {
  @FieldResolver(() => [VariantPrice], { description: "The variant's own prices in channels (setVariantPrice)." })
  async prices(@Root() v: ProductVariant, @Ctx() ctx: OrdoContext): Promise<VariantPrice[]> {
    return manyBy(ctx, VariantPrice, 'variant', (p) => p.variant.id, { id: 'asc' }).load(v.id);
  }

  @FieldResolver(() => ChannelPrice, { nullable: true, description: "What a buyer in the channel pays per unit: the variant's price there, else the catalog price when the currencies match; null when the SKU is not sold in that channel." })
  priceIn(@Root() v: ProductVariant, @Arg('channelCode') channelCode: string, @Ctx() ctx: OrdoContext): Promise<ChannelPrice | null> {
    return ctx.app.service(PriceService).priceIn(ctx.em, v, channelCode);
  }
}
