import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { Product } from './product.entity.js';
import { ProductVariant } from './variant.entity.js';
import type { CreateProductInput } from './catalog.inputs.js';

export class CatalogService {
  constructor(private readonly app: AppRuntime) {}

  async createProduct(em: Em, input: CreateProductInput): Promise<Product> {
    const skus = input.variants.map((v) => v.sku);
    if (new Set(skus).size !== skus.length) throw badInput('Each variant needs its own SKU.', 'variants');
    const product = em.create(Product, { name: input.name, description: input.description ?? null });
    for (const v of input.variants) {
      em.persist(em.create(ProductVariant, {
        product, sku: v.sku, name: v.name, price: v.price, currencyCode: v.currencyCode,
        weightGrams: v.weightGrams ?? null, trackInventory: v.trackInventory ?? true, allowBackorder: v.allowBackorder ?? false,
      }));
    }
    em.persist(product);
    try {
      await em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) {
        const taken = await em.fork().find(ProductVariant, { sku: { $in: skus } });
        throw new OrdoError('CONFLICT', `SKU ${taken.map((t) => t.sku).join(', ') || skus.join(', ')} is taken by another variant.`);
      }
      throw e;
    }
    return product;
  }

  async products(em: Em, first?: number | null, after?: string | null, search?: string | null): Promise<Page<Product>> {
    const where: Record<string, unknown> = { active: true };
    // Case-insensitive on both databases (Dialect.ilike).
    if (search) where.name = dialectOf(em).ilike(`%${search.replace(/[%_]/g, '')}%`);
    return pageOf(em, Product, where, first, after);
  }

  variant(em: Em, sku: string): Promise<ProductVariant | null> {
    return em.findOne(ProductVariant, { sku, active: true });
  }
}
