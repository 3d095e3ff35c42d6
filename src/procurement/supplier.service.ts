// Suppliers and the SKUs they sell. Plain rows: nothing else changes when a supplier does (purchase
// orders copy the currency, supplier SKU and cost when they are written).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { badInput, notFound } from '../kernel/errors.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { Supplier, SupplierItem } from './supplier.entity.js';
import type { CreateSupplierInput, SetSupplierItemInput, UpdateSupplierInput } from './procurement.inputs.js';

export class SupplierService {
  constructor(private readonly app: AppRuntime) {}

  async create(em: Em, input: CreateSupplierInput): Promise<Supplier> {
    const supplier = em.create(Supplier, {
      name: input.name, contactName: input.contactName ?? null, email: input.email, phone: input.phone ?? null,
      currencyCode: input.currencyCode, leadTimeDays: input.leadTimeDays ?? 7,
    });
    await em.persistAndFlush(supplier);
    return supplier;
  }

  async update(em: Em, id: string, input: UpdateSupplierInput): Promise<Supplier> {
    const supplier = await em.findOne(Supplier, { id });
    if (!supplier) throw notFound('The supplier');
    for (const [k, v] of Object.entries(input)) if (v !== undefined && v !== null) (supplier as any)[k] = v;
    await em.flush();
    return supplier;
  }

  /** One item per supplier and SKU: a second call for the same pair changes its terms. */
  async setItem(em: Em, input: SetSupplierItemInput): Promise<SupplierItem> {
    const [supplier, variant] = await Promise.all([em.findOne(Supplier, { id: input.supplierId }), em.findOne(ProductVariant, { sku: input.sku })]);
    if (!supplier) throw notFound('The supplier');
    if (!variant) throw badInput(`There is no variant with SKU "${input.sku}".`, 'input.sku');
    const terms = {
      supplierSku: input.supplierSku ?? null, costPrice: input.costPrice,
      minimumOrderQuantity: input.minimumOrderQuantity ?? 1, packSize: input.packSize ?? 1,
    };
    let item = await em.findOne(SupplierItem, { supplier: supplier.id, variant: variant.id });
    if (item) Object.assign(item, terms);
    else item = em.create(SupplierItem, { supplier, variant, sku: variant.sku, ...terms });
    await em.flush();
    return item;
  }

  list(em: Em): Promise<Supplier[]> {
    return em.find(Supplier, {}, { orderBy: { name: 'asc', id: 'asc' }, limit: 1000 });
  }

  items(em: Em, supplierId: string): Promise<SupplierItem[]> {
    return em.find(SupplierItem, { supplier: supplierId }, { orderBy: { sku: 'asc' } });
  }
}
