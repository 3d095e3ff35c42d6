import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { Product } from './product.entity.js';
import { ProductVariant } from './variant.entity.js';
import type { CreateProductInput } from './catalog.inputs.js';
import { choiceKey, choiceOf, cleanOptions } from './product-options.js';

export class CatalogService {
  constructor(private readonly app: AppRuntime) {}

  async createProduct(em: Em, input: CreateProductInput): Promise<Product> {
    const skus = input.variants.map((v) => v.sku);
    if (new Set(skus).size !== skus.length) throw badInput('Each variant needs its own SKU.', 'variants');
    const options = input.options?.length ? cleanOptions(input.options, 'input.options') : null;
    const product = em.create(Product, { name: input.name, description: input.description ?? null, options });
    const keys = new Set<string>();
    const variants = input.variants.map((v, i) => {
      const choice = choiceOf(options ?? [], v.options, `input.variants[${i}].options`);
      if (choice && keys.has(choiceKey(choice))) throw badInput(`Two variants have the same options.`, `input.variants[${i}].options`);
      keys.add(choiceKey(choice));
      return em.create(ProductVariant, {
        product, sku: v.sku, name: v.name, price: v.price, currencyCode: v.currencyCode, options: choice,
        weightGrams: v.weightGrams ?? null, trackInventory: v.trackInventory ?? true, allowBackorder: v.allowBackorder ?? false,
      });
    });
    await this.flushNewSkus(em, skus, () => em.persist([product, ...variants]));
    return product;
  }

  /** Persists new variants; a SKU another variant has is CONFLICT, naming it. */
  async flushNewSkus(em: Em, skus: string[], persist: () => void): Promise<void> {
    persist();
    try {
      await em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) {
        const taken = await em.fork().find(ProductVariant, { sku: { $in: skus } });
        throw new OrdoError('CONFLICT', `SKU ${taken.map((t) => t.sku).join(', ') || skus.join(', ')} is taken by another variant.`);
      }
      throw e;
    }
  }

  /** Buyers see active products; staff may ask for archived ones. `search` matches the name or a SKU. */
  async products(em: Em, first?: number | null, after?: string | null, search?: string | null, archived = false): Promise<Page<Product>> {
    const where: Record<string, unknown> = { active: !archived };
    const text = search?.replace(/[%_]/g, '').trim();
    if (text) {
      // Case-insensitive on both databases (Dialect.ilike); SKUs first, so the page query stays one table.
      const like = dialectOf(em).ilike(`%${text}%`);
      const bySku = await em.find(ProductVariant, { sku: like }, { fields: ['product'], limit: 500 });
      const ids = [...new Set(bySku.map((v) => v.product.id))];
      where.$or = ids.length ? [{ name: like }, { id: { $in: ids } }] : [{ name: like }];
    }
    return pageOf(em, Product, where, first, after);
  }

  variant(em: Em, sku: string, includeArchived = false): Promise<ProductVariant | null> {
    return em.findOne(ProductVariant, includeArchived ? { sku } : { sku, active: true });
  }
}
