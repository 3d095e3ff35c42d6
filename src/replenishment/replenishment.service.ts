// Replenishment: reorder rules per SKU and location, their points worked out from demand, and what to
// buy now from whom (replenishmentSuggestions), turned into one draft purchase order per supplier. The
// arithmetic is replenishment-math.ts; here are the reads: demand from the stock ledger's SHIPPED
// movements, available stock from the levels, incoming units from open purchase orders, the terms from
// the suppliers' items.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { badInput } from '../kernel/errors.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { Supplier, SupplierItem } from '../procurement/supplier.entity.js';
import { incomingBy } from '../procurement/incoming.js';
import { PurchaseOrderService } from '../procurement/purchase-order.service.js';
import type { PurchaseOrder } from '../procurement/purchase-order.entity.js';
import { ReorderRule } from './reorder-rule.entity.js';
import { dailyDemand, pointsFor, suggestedQuantity } from './replenishment-math.js';
import { LowStock } from './low-stock.js';

const DAY_MS = 86_400_000;
/** The lead time of a SKU no supplier sells yet (its points are still worth having). */
const DEFAULT_LEAD_DAYS = 7;

export interface RuleInput {
  sku: string;
  locationCode: string;
  /** Set both, or `auto` to work them out from demand. */
  reorderPoint?: number | null;
  target?: number | null;
  auto?: boolean | null;
}

export interface Suggestion {
  sku: string;
  variantId: string;
  location: StockLocation;
  supplier: Supplier | null;
  supplierItem: SupplierItem | null;
  available: number;
  incoming: number;
  reorderPoint: number;
  target: number;
  demandPerDay: number;
  quantity: number;
}

export class ReplenishmentService {
  constructor(private readonly app: AppRuntime) {}

  async setRule(em: Em, input: RuleInput): Promise<ReorderRule> {
    const [variant, location] = await Promise.all([em.findOne(ProductVariant, { sku: input.sku }), em.findOne(StockLocation, { code: input.locationCode })]);
    if (!variant) throw badInput(`There is no variant with SKU "${input.sku}".`, 'input.sku');
    if (!location) throw badInput(`There is no stock location with code "${input.locationCode}".`, 'input.locationCode');
    const auto = !!input.auto;
    if (!auto) {
      if (input.reorderPoint == null || input.target == null) throw badInput('Give reorderPoint and target, or auto: true to work them out from demand.', 'input.reorderPoint');
      if (input.target < input.reorderPoint) throw badInput('target is at least the reorder point (an order brings the stock up to it).', 'input.target');
    }
    let rule = await em.findOne(ReorderRule, { variant: variant.id, location: location.id });
    rule ??= em.create(ReorderRule, { variant, location, sku: variant.sku, reorderPoint: 0, target: 0 });
    rule.auto = auto;
    if (!auto) Object.assign(rule, { reorderPoint: input.reorderPoint!, target: input.target!, demandPerDay: 0, computedAt: null });
    await em.persistAndFlush(rule);
    if (auto) await this.recompute(em, [rule]);
    // The point moved: available stock may be on the other side of it now.
    await this.app.service(LowStock).check(em);
    return em.fork().findOneOrFail(ReorderRule, { id: rule.id });
  }

  async removeRule(em: Em, sku: string, locationCode: string): Promise<boolean> {
    const n = await em.nativeDelete(ReorderRule, { sku, location: { code: locationCode } });
    return n > 0;
  }

  rules(em: Em, locationCode?: string | null): Promise<ReorderRule[]> {
    return em.find(ReorderRule, locationCode ? { location: { code: locationCode } } : {}, { orderBy: { sku: 'asc' }, populate: ['location'] });
  }

  /** Works the points of auto rules out again from the last window's shipped units (all auto rules when none given). */
  async recompute(em: Em, given?: ReorderRule[], now = Date.now()): Promise<number> {
    const rules = given?.filter((r) => r.auto) ?? await em.find(ReorderRule, { auto: true });
    if (!rules.length) return 0;
    const { windowDays, safetyDays, coverDays } = this.app.config.replenishment;
    const shipped = await this.shippedSince(em, rules, new Date(now - windowDays * DAY_MS));
    const terms = await this.bestItems(em, rules.map((r) => r.variant.id));
    for (const r of rules) {
      const demand = dailyDemand(shipped.get(`${r.sku}|${r.location.id}`) ?? 0, windowDays);
      const leadTimeDays = terms.get(r.variant.id)?.supplier.leadTimeDays ?? DEFAULT_LEAD_DAYS;
      Object.assign(r, pointsFor(demand, { leadTimeDays, safetyDays, coverDays }), { demandPerDay: demand, computedAt: new Date(now) });
    }
    await em.flush();
    return rules.length;
  }

  /** What to order now for the location's rules, from the cheapest supplier of each SKU (the fastest among equals). */
  async suggestions(em: Em, locationCode: string, now = Date.now()): Promise<Suggestion[]> {
    const location = await em.findOne(StockLocation, { code: locationCode });
    if (!location) throw badInput(`There is no stock location with code "${locationCode}".`, 'locationCode');
    const rules = await em.find(ReorderRule, { location: location.id }, { orderBy: { sku: 'asc' } });
    if (!rules.length) return [];
    await this.recompute(em, rules, now);
    const ids = rules.map((r) => r.variant.id);
    const marks = ids.map(() => '?').join(', ');
    const levels: { variant_id: string; available: number | string }[] = await em.execute(
      `SELECT variant_id, on_hand - reserved AS available FROM stock_level WHERE location_id = ? AND variant_id IN (${marks})`, [location.id, ...ids]);
    const available = new Map(levels.map((l) => [l.variant_id, Number(l.available)]));
    const incoming = await incomingBy(em, ids);
    const terms = await this.bestItems(em, ids);
    const out: Suggestion[] = [];
    for (const r of rules) {
      const item = terms.get(r.variant.id) ?? null;
      const s = {
        available: Math.max(0, available.get(r.variant.id) ?? 0), incoming: incoming.get(r.variant.id)?.get(location.id)?.quantity ?? 0,
        reorderPoint: r.reorderPoint, target: r.target,
      };
      const quantity = suggestedQuantity({ ...s, packSize: item?.packSize ?? 1, minimumOrderQuantity: item?.minimumOrderQuantity ?? 1 });
      if (quantity > 0) out.push({ ...s, sku: r.sku, variantId: r.variant.id, location, supplier: item?.supplier ?? null, supplierItem: item, demandPerDay: r.demandPerDay, quantity });
    }
    return out;
  }

  /** One DRAFT purchase order per supplier for the suggestions (of the SKUs given, else all); SKUs no supplier sells are left out. */
  async orderSuggestions(em: Em, principal: Principal, locationCode: string, skus?: string[] | null): Promise<PurchaseOrder[]> {
    const wanted = skus?.length ? new Set(skus) : null;
    const all = (await this.suggestions(em, locationCode)).filter((s) => s.supplier && (!wanted || wanted.has(s.sku)));
    const bySupplier = new Map<string, Suggestion[]>();
    for (const s of all) bySupplier.set(s.supplier!.id, [...(bySupplier.get(s.supplier!.id) ?? []), s]);
    const orders: PurchaseOrder[] = [];
    for (const [supplierId, list] of bySupplier) {
      orders.push(await this.app.service(PurchaseOrderService).createDraft(em.fork(), principal, {
        supplierId, locationId: list[0].location.id, lines: list.map((s) => ({ variantId: s.variantId, quantity: s.quantity })),
        notes: 'From replenishment suggestions.',
      }));
    }
    return orders;
  }

  /** Units shipped from each (sku, location) of the rules since `from` (the stock ledger's SHIPPED movements). */
  private async shippedSince(em: Em, rules: ReorderRule[], from: Date): Promise<Map<string, number>> {
    const skus = [...new Set(rules.map((r) => r.sku))];
    const rows: { sku: string; location_id: string; shipped: number | string }[] = await em.execute(
      `SELECT sku, location_id, -SUM(delta) AS shipped FROM stock_movement
       WHERE reason = 'SHIPPED' AND at >= ? AND sku IN (${skus.map(() => '?').join(', ')}) GROUP BY sku, location_id`,
      [dialectOf(em).date(from), ...skus]);
    return new Map(rows.map((r) => [`${r.sku}|${r.location_id}`, Number(r.shipped)]));
  }

  /** Per variant, the active supplier's item to buy it from: the lowest cost price, then the shortest lead time. */
  private async bestItems(em: Em, variantIds: string[]): Promise<Map<string, SupplierItem>> {
    const items = await em.find(SupplierItem, { variant: { $in: variantIds }, supplier: { active: true } }, { populate: ['supplier'] });
    const best = new Map<string, SupplierItem>();
    for (const i of items) {
      const b = best.get(i.variant.id);
      if (!b || i.costPrice < b.costPrice || (i.costPrice === b.costPrice && i.supplier.leadTimeDays < b.supplier.leadTimeDays)) best.set(i.variant.id, i);
    }
    return best;
  }
}
