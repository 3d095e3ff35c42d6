// Every price change goes through here, in the transaction that changes the price, so the history
// cannot miss one (updateVariant's catalog price, setVariantPrice's channel prices).
import type { Em } from '../kernel/db/orm.js';
import { PriceChange } from './price-change.entity.js';
import type { ProductVariant } from './variant.entity.js';

export interface PriceChangeInput {
  variant: ProductVariant;
  /** null: the catalog price. */
  channelCode: string | null;
  currencyCode: string;
  oldPrice: number | null;
  newPrice: number | null;
  changedBy: string;
}

/** Persists a history row (flushed with the caller's transaction); a change to the same price is not one. */
export function recordPriceChange(em: Em, c: PriceChangeInput): PriceChange | null {
  if (c.oldPrice === c.newPrice) return null;
  const row = em.create(PriceChange, { ...c });
  em.persist(row);
  return row;
}
