// What other folders call to price variants in a channel in their own transaction (order edits' added
// lines, exchanges' new variants): the rule of `sellingPrice`, for a few variants with one read.
import type { Em } from '../kernel/db/orm.js';
import type { ProductVariant } from '../catalog/variant.entity.js';
import { VariantPrice } from './variant-price.entity.js';

/**
 * Each variant's unit price for a buyer in the channel (by variant id): its own price there, else its
 * catalog price when the catalog's currency is the channel's, else null (not sold in that channel).
 */
export async function unitPricesIn(em: Em, channel: { id: string; currencyCode: string }, variants: readonly ProductVariant[]): Promise<Map<string, number | null>> {
  const own = variants.length
    ? await em.find(VariantPrice, { channel: channel.id, variant: { $in: variants.map((v) => v.id) } })
    : [];
  const byVariant = new Map(own.map((p) => [p.variant.id, p]));
  return new Map(variants.map((v) => {
    const p = byVariant.get(v.id);
    if (p && p.currencyCode === channel.currencyCode) return [v.id, p.price];
    return [v.id, v.currencyCode === channel.currencyCode ? v.price : null];
  }));
}
