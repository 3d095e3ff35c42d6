// Channel prices: set and removed by staff, each change in the variant's price history (catalog's
// recordPriceChange) and the outbox, in one transaction. Which price a buyer pays is `sellingPrice`
// (and, for placement's own statement, the same rule in SQL: orders/order-draft.ts VARIANTS).
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { actorName, type Principal } from '../kernel/auth.js';
import { badInput, notFound } from '../kernel/errors.js';
import { MAX_AMOUNT } from '../kernel/money.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { recordPriceChange } from '../catalog/price-history.js';
import { Channel } from '../channels/channel.entity.js';
import { VariantPrice } from './variant-price.entity.js';
import { PriceSource, type ChannelPrice } from './channel-price.types.js';

/**
 * What a buyer in `channel` pays for `variant`: its own price there, else the catalog price when the
 * catalog's currency is the channel's, else nothing (the SKU is not sold in that channel).
 */
export function sellingPrice(variant: ProductVariant, channel: Channel, own: VariantPrice | null): ChannelPrice | null {
  const base = { channelCode: channel.code, currencyCode: channel.currencyCode, includesTax: channel.pricesIncludeTax };
  if (own) return { ...base, amount: own.price, currencyCode: own.currencyCode, source: PriceSource.CHANNEL };
  if (variant.currencyCode === channel.currencyCode) return { ...base, amount: variant.price, source: PriceSource.CATALOG };
  return null;
}

export class PriceService {
  constructor(private readonly app: AppRuntime) {}

  /** Sets the variant's price in the channel (in the channel's currency); the same price again changes nothing. */
  async setVariantPrice(em: Em, principal: Principal, sku: string, channelCode: string, price: number): Promise<VariantPrice> {
    if (!Number.isSafeInteger(price) || price < 0 || price > MAX_AMOUNT) {
      throw badInput(`price must be a whole number of minor units from 0 to ${MAX_AMOUNT}.`, 'price');
    }
    const { variant, channel } = await this.target(em, sku, channelCode);
    // Two staff setting the first price at once: the second insert meets the unique key; once more, it updates.
    for (let tries = 1; ; tries++) {
      try {
        return await em.fork().transactional(async (tx) => {
          const own = await tx.findOne(VariantPrice, { variant: variant.id, channel: channel.id }, dialectOf(tx).lockedRead);
          const oldPrice = own?.price ?? null;
          const row = own ?? tx.create(VariantPrice, { variant: tx.getReference(ProductVariant, variant.id), channel: tx.getReference(Channel, channel.id), price, currencyCode: channel.currencyCode });
          if (oldPrice !== price) {
            row.price = price;
            row.currencyCode = channel.currencyCode;
            row.updatedAt = new Date();
            this.record(tx, principal, variant, channel, oldPrice, price);
          }
          tx.persist(row);
          await tx.flush();
          return row;
        });
      } catch (e) {
        if (e instanceof UniqueConstraintViolationException && tries < 2) continue;
        throw e;
      }
    }
  }

  /** Removes the variant's own price in the channel: buyers there pay the catalog price again (or cannot buy it). */
  async removeVariantPrice(em: Em, principal: Principal, sku: string, channelCode: string): Promise<ProductVariant> {
    const { variant, channel } = await this.target(em, sku, channelCode);
    await em.fork().transactional(async (tx) => {
      const own = await tx.findOne(VariantPrice, { variant: variant.id, channel: channel.id }, dialectOf(tx).lockedRead);
      if (!own) return; // nothing to remove: nothing changes, nothing is recorded
      this.record(tx, principal, variant, channel, own.price, null);
      tx.remove(own);
      await tx.flush();
    });
    return variant;
  }

  /** What a buyer in the channel pays (ProductVariant.priceIn); an unknown channel is NOT_FOUND. */
  async priceIn(em: Em, variant: ProductVariant, channelCode: string): Promise<ChannelPrice | null> {
    const channel = await em.findOne(Channel, { code: channelCode });
    if (!channel) throw notFound(`Channel "${channelCode}"`);
    const own = await em.findOne(VariantPrice, { variant: variant.id, channel: channel.id });
    return sellingPrice(variant, channel, own);
  }

  private async target(em: Em, sku: string, channelCode: string): Promise<{ variant: ProductVariant; channel: Channel }> {
    const variant = await em.findOne(ProductVariant, { sku: sku.trim() });
    if (!variant) throw notFound(`Product variant with SKU "${sku}"`);
    const channel = await em.findOne(Channel, { code: channelCode });
    if (!channel) throw notFound(`Channel "${channelCode}"`);
    return { variant, channel };
  }

  private record(tx: Em, principal: Principal, variant: ProductVariant, channel: Channel, oldPrice: number | null, newPrice: number | null): void {
    recordPriceChange(tx, {
      variant: tx.getReference(ProductVariant, variant.id), channelCode: channel.code, currencyCode: channel.currencyCode,
      oldPrice, newPrice, changedBy: actorName(principal),
    });
    recordEvent(tx, 'variant.price_changed', { sku: variant.sku, variantId: variant.id, channelCode: channel.code, currencyCode: channel.currencyCode, oldPrice, newPrice }, variant.id);
  }
}
