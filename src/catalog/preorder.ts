// Preorders (docs/preorders.md). A variant with a release date and a preorder limit is sold before it is
// released: until `releaseDate` every unit ordered is a preorder (even when units already sit in a
// warehouse: they must not ship before the street date), accepted while the units preordered stay within
// `preorderLimit`. `product_variant.preordered` counts the units accepted and not yet released or
// cancelled; it changes only by the conditional UPDATEs below, in the caller's transaction (placement,
// cancellation, release), so concurrent orders can never take more than the limit.
import { Field, Int, ObjectType } from 'type-graphql';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { ProductVariant } from './variant.entity.js';

@ObjectType({ description: 'A variant sold before its release: orders are accepted up to `limit` units and ship once it is released.' })
export class PreorderInfo {
  @Field(() => DateTimeScalar, { description: 'Units ordered before this ship after it, once stock is there.' }) releaseDate!: Date;
  @Field(() => Int, { description: 'How many units may be preordered.' }) limit!: number;
  @Field(() => Int, { description: 'Units preordered and not yet released or cancelled.' }) ordered!: number;
  @Field(() => Int, { description: 'Units that can still be preordered.' }) remaining!: number;
}

/** The preorder settings placement reads with a variant (order-draft.ts's VARIANTS). */
export interface PreorderTerms {
  /** Epoch ms, or null. */
  releaseAt: number | null;
  preorderLimit: number | null;
  /** Preorders wait for stock: a variant that stopped tracking it (updateVariant) is sold as usual. */
  trackInventory?: boolean;
}

/** True while units of the variant are taken as preorders (settings set and the release still ahead). */
export const isPreorder = (v: PreorderTerms, now: number): boolean =>
  v.preorderLimit !== null && v.releaseAt !== null && now < v.releaseAt && v.trackInventory !== false;

/** A raw datetime column as epoch ms (PostgreSQL answers a Date, SQLite the stored epoch milliseconds). */
export function epochOf(raw: unknown): number | null {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return raw.getTime();
  return typeof raw === 'number' || /^-?\d+$/.test(String(raw)) ? Number(raw) : new Date(String(raw)).getTime();
}

export const preorderOf = (v: ProductVariant): PreorderInfo | null =>
  v.preorderLimit === null || v.preorderLimit === undefined || !v.releaseDate ? null : {
    releaseDate: v.releaseDate, limit: v.preorderLimit, ordered: v.preordered, remaining: Math.max(0, v.preorderLimit - v.preordered),
  };

const TAKE = 'UPDATE product_variant SET preordered = preordered + ? WHERE id = ? AND preorder_limit IS NOT NULL AND preordered + ? <= preorder_limit RETURNING id';
const GIVE_BACK = 'UPDATE product_variant SET preordered = preordered - ? WHERE id = ? AND preordered >= ? RETURNING id';

/** Counts `quantity` more preordered units if the limit allows (one conditional UPDATE); false when it does not. */
export async function takePreorderUnits(db: SqlRunner, variantId: string, quantity: number): Promise<boolean> {
  return (await db.execute(TAKE, [quantity, variantId, quantity])).length === 1;
}

/** Preordered units released or cancelled: no longer counted (the guard keeps the counter from going below zero). */
export async function givePreorderUnitsBack(db: SqlRunner, variantId: string, quantity: number): Promise<void> {
  if (quantity > 0) await db.execute(GIVE_BACK, [quantity, variantId, quantity]);
}

export class PreorderService {
  /** Makes the SKU a preorder variant (or changes its date or limit); units already preordered stay counted. */
  async set(em: Em, sku: string, releaseDate: Date, limit: number): Promise<ProductVariant> {
    if (!Number.isSafeInteger(limit) || limit < 0 || limit > 10_000_000) throw badInput('limit must be a whole number from 0 to 10,000,000.', 'limit');
    if (!(releaseDate instanceof Date) || Number.isNaN(releaseDate.getTime()) || releaseDate.getTime() <= Date.now()) {
      throw badInput('releaseDate must be in the future (to release a preorder now, clearVariantPreorder).', 'releaseDate');
    }
    const v = await this.variant(em, sku);
    if (!v.trackInventory) throw badInput(`SKU ${sku} does not track stock: preorders wait for stock, so it cannot be preordered.`, 'sku');
    v.releaseDate = releaseDate;
    v.preorderLimit = limit;
    await em.flush();
    return v;
  }

  /**
   * Not a preorder variant any more. Units already preordered are released by the next housekeeping run
   * (`housekeeping.releasePreorders`) and served like backorders from then on.
   */
  async clear(em: Em, sku: string): Promise<ProductVariant> {
    const v = await this.variant(em, sku);
    v.releaseDate = null;
    v.preorderLimit = null;
    await em.flush();
    return v;
  }

  private async variant(em: Em, sku: string): Promise<ProductVariant> {
    const v = await em.findOne(ProductVariant, { sku });
    if (!v) throw new OrdoError('NOT_FOUND', `There is no variant with SKU ${sku}.`, { field: 'sku' });
    return v;
  }
}
