// Catalog upkeep after createProduct: names, prices (with their history), weights, options, new variants,
// archiving. Orders never read these back for money: a line keeps the unit price it was placed at.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, type Principal } from '../kernel/auth.js';
import { badInput, notFound } from '../kernel/errors.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { Product } from './product.entity.js';
import { ProductVariant } from './variant.entity.js';
import { recordPriceChange } from './price-history.js';
import { choiceKey, choiceOf, cleanOptions, type VariantOptionInput } from './product-options.js';
import type { UpdateProductInput, UpdateVariantInput } from './catalog-upkeep.inputs.js';
import type { CreateVariantInput } from './catalog.inputs.js';
import { CatalogService } from './catalog.service.js';

export class CatalogUpkeepService {
  constructor(private readonly app: AppRuntime) {}

  async updateProduct(em: Em, principal: Principal, id: string, input: UpdateProductInput, choices: { sku: string; options: VariantOptionInput[] }[] = []): Promise<Product> {
    return em.transactional(async (tx) => {
      const product = await tx.findOne(Product, { id });
      if (!product) throw notFound(`Product ${id}`);
      if (input.name !== undefined) product.name = input.name;
      if (input.description !== undefined) product.description = input.description;
      const variants = await tx.find(ProductVariant, { product }, { orderBy: { id: 'asc' } });
      if (input.options !== undefined || choices.length) {
        if (input.options !== undefined) product.options = input.options.length ? cleanOptions(input.options, 'input.options') : null;
        // Every variant keeps (or is given, by `variants`) one value of each option, and no two share one.
        const given = new Map(choices.map((c) => [c.sku, c.options]));
        for (const sku of given.keys()) if (!variants.some((v) => v.sku === sku)) throw badInput(`SKU ${sku} is not a variant of this product.`, 'variants');
        for (const v of variants) v.options = choiceOf(product.options ?? [], given.get(v.sku) ?? (v.options ?? []), `variants (${v.sku})`);
        assertDistinct(variants);
      }
      recordEvent(tx, 'product.updated', { productId: product.id, actor: actorName(principal) }, product.id);
      return product;
    });
  }

  async updateVariant(em: Em, principal: Principal, sku: string, input: UpdateVariantInput): Promise<ProductVariant> {
    return em.transactional(async (tx) => {
      const v = await tx.findOne(ProductVariant, { sku }, { populate: ['product'] });
      if (!v) throw notFound(`SKU ${sku}`);
      const changed: string[] = [];
      if (input.price !== undefined && input.price !== v.price) {
        recordPriceChange(tx, { variant: v, channelCode: null, currencyCode: v.currencyCode, oldPrice: v.price, newPrice: input.price, changedBy: actorName(principal) });
        v.price = input.price;
        changed.push('price');
      }
      if (input.name !== undefined && input.name !== v.name) (v.name = input.name), changed.push('name');
      if (input.weightGrams !== undefined && input.weightGrams !== v.weightGrams) (v.weightGrams = input.weightGrams), changed.push('weightGrams');
      if (input.trackInventory != null && input.trackInventory !== v.trackInventory) (v.trackInventory = input.trackInventory), changed.push('trackInventory');
      if (input.allowBackorder != null && input.allowBackorder !== v.allowBackorder) (v.allowBackorder = input.allowBackorder), changed.push('allowBackorder');
      if (input.options !== undefined) {
        v.options = choiceOf(v.product.options ?? [], input.options, 'input.options');
        assertDistinct(await tx.find(ProductVariant, { product: v.product }));
        changed.push('options');
      }
      if (changed.length) recordEvent(tx, 'variant.updated', { variantId: v.id, sku: v.sku, changed, price: v.price, currencyCode: v.currencyCode, actor: actorName(principal) }, v.id);
      return v;
    });
  }

  async addVariant(em: Em, productId: string, input: CreateVariantInput): Promise<ProductVariant> {
    const product = await em.findOne(Product, { id: productId });
    if (!product) throw notFound(`Product ${productId}`);
    const options = choiceOf(product.options ?? [], input.options, 'input.options');
    const siblings = await em.find(ProductVariant, { product });
    const v = em.create(ProductVariant, {
      product, sku: input.sku, name: input.name, price: input.price, currencyCode: input.currencyCode, options,
      weightGrams: input.weightGrams ?? null, trackInventory: input.trackInventory ?? true, allowBackorder: input.allowBackorder ?? false,
      active: product.active,
    });
    assertDistinct([...siblings, v]);
    await this.app.service(CatalogService).flushNewSkus(em, [input.sku], () => em.persist(v));
    return v;
  }

  /** Archiving a product archives all its variants; bringing it back brings them all back. */
  async setProductArchived(em: Em, principal: Principal, id: string, archived: boolean): Promise<Product> {
    return em.transactional(async (tx) => {
      const product = await tx.findOne(Product, { id });
      if (!product) throw notFound(`Product ${id}`);
      product.active = !archived;
      await tx.nativeUpdate(ProductVariant, { product }, { active: !archived });
      recordEvent(tx, archived ? 'product.archived' : 'product.unarchived', { productId: id, actor: actorName(principal) }, id);
      return product;
    });
  }

  async setVariantArchived(em: Em, principal: Principal, sku: string, archived: boolean): Promise<ProductVariant> {
    return em.transactional(async (tx) => {
      const v = await tx.findOne(ProductVariant, { sku }, { populate: ['product'] });
      if (!v) throw notFound(`SKU ${sku}`);
      if (!archived && !v.product.active) throw badInput(`The product of ${sku} is archived: unarchive the product.`, 'sku');
      v.active = !archived;
      recordEvent(tx, archived ? 'variant.archived' : 'variant.unarchived', { variantId: v.id, sku, actor: actorName(principal) }, v.id);
      return v;
    });
  }

  /** The variant of a product with exactly these option values (case-insensitive); null when none has them. */
  async variantByOptions(em: Em, productId: string, options: VariantOptionInput[], includeArchived: boolean): Promise<ProductVariant | null> {
    const product = await em.findOne(Product, { id: productId });
    if (!product || (!product.active && !includeArchived)) return null;
    const key = choiceKey(choiceOf(product.options ?? [], options, 'options'));
    const variants = await em.find(ProductVariant, includeArchived ? { product } : { product, active: true });
    return variants.find((v) => choiceKey(v.options) === key) ?? null;
  }
}

function assertDistinct(variants: ProductVariant[]): void {
  const seen = new Map<string, string>();
  for (const v of variants) {
    const key = choiceKey(v.options);
    if (!key) continue;
    const other = seen.get(key);
    if (other) throw badInput(`${other} and ${v.sku} would have the same options (${(v.options ?? []).map((o) => `${o.name}: ${o.value}`).join(', ')}).`, 'options');
    seen.set(key, v.sku);
  }
}
