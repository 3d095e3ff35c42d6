// Writing, sending and cancelling purchase orders (receiving: purchase-order-receiving.ts). Each change
// is one transaction with the order's row locked, its status moved by the purchase-order machine (so
// plugins can guard it), and its event recorded in the outbox with it.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { SequenceService } from '../channels/sequence.service.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { Supplier, SupplierItem } from './supplier.entity.js';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity.js';
import { OPEN, PurchaseOrderStatus, purchaseOrderMachine } from './purchase-order-status.js';
import type { CreatePurchaseOrderInput, PurchaseOrderFilter, PurchaseOrderLineInput, UpdatePurchaseOrderInput } from './procurement.inputs.js';

/** A line of a draft as code writes it (replenishment): the variant, how many, and optionally its own terms. */
export interface DraftLine {
  variantId: string;
  quantity: number;
  /** Minor units of the supplier's currency; the supplier item's cost price when unset. */
  unitCost?: number | null;
  expectedAt?: Date | null;
  allowOverReceipt?: boolean | null;
}

export interface PurchaseOrderDraft {
  supplierId: string;
  locationId: string;
  lines: DraftLine[];
  /** Today plus the supplier's lead time when unset. */
  expectedAt?: Date | null;
  notes?: string | null;
}

/** PO numbers are gap-free across the engine: a counter row of number_sequence under this id (not a channel). */
const SEQUENCE_OWNER = 'procurement';
const DAY_MS = 86_400_000;
const actorOf = (p: Principal | null | undefined) => (p && p.kind === 'admin' ? p.name : 'system');

export class PurchaseOrderService {
  constructor(private readonly app: AppRuntime) {}

  /**
   * A DRAFT purchase order for one supplier and stock location, in its own transaction. The entry point
   * for code (replenishment's suggestions); `create` is the GraphQL one, by SKU and location code.
   */
  async createDraft(em: Em, principal: Principal | null, draft: PurchaseOrderDraft): Promise<PurchaseOrder> {
    const [supplier, location] = await Promise.all([em.findOne(Supplier, { id: draft.supplierId }), em.findOne(StockLocation, { id: draft.locationId })]);
    if (!supplier) throw notFound('The supplier');
    if (!supplier.active) throw badInput(`${supplier.name} is inactive: activate it (updateSupplier) to order from it.`, 'input.supplierId');
    if (!location) throw badInput('There is no such stock location.', 'input.locationCode');
    const lines = await this.linesFor(em, supplier, draft.lines);
    const id = await em.transactional(async (tx) => {
      const n = await this.app.service(SequenceService).nextInTransaction(tx, SEQUENCE_OWNER, 'purchase_order', 1001);
      const po = tx.create(PurchaseOrder, {
        number: `PO-${n}`, supplier, location, currencyCode: supplier.currencyCode, notes: draft.notes ?? null,
        expectedAt: draft.expectedAt ?? new Date(Date.now() + supplier.leadTimeDays * DAY_MS),
      });
      for (const l of lines) tx.create(PurchaseOrderLine, { purchaseOrder: po, ...l });
      recordEvent(tx, 'purchase_order.created', { purchaseOrderId: po.id, number: po.number, supplierId: supplier.id, actor: actorOf(principal) }, po.id);
      await tx.flush();
      return po.id;
    });
    return em.fork().findOneOrFail(PurchaseOrder, { id });
  }

  async create(em: Em, principal: Principal, input: CreatePurchaseOrderInput): Promise<PurchaseOrder> {
    const location = await em.findOne(StockLocation, { code: input.locationCode });
    if (!location) throw badInput(`There is no stock location with code "${input.locationCode}".`, 'input.locationCode');
    const lines = await this.bySku(em, input.lines);
    return this.createDraft(em, principal, { supplierId: input.supplierId, locationId: location.id, lines, expectedAt: input.expectedAt, notes: input.notes });
  }

  /** DRAFT: anything; SENT or PARTIALLY_RECEIVED: the expected date and the notes (backordered orders' dates follow). */
  async update(em: Em, principal: Principal, id: string, input: UpdatePurchaseOrderInput): Promise<PurchaseOrder> {
    const lines = input.lines ? await this.bySku(em, input.lines) : null;
    await em.transactional(async (tx) => {
      const po = await this.locked(tx, id);
      const open = (OPEN as readonly string[]).includes(po.status);
      if (po.status !== PurchaseOrderStatus.DRAFT && !(open && !lines)) {
        throw new OrdoError('INVALID_STATE_TRANSITION', `Purchase order ${po.number} is ${po.status}: ${open ? 'only its expected date and notes may change' : 'it cannot change'}.`, { from: po.status });
      }
      if (input.notes !== undefined && input.notes !== null) po.notes = input.notes;
      const moved = input.expectedAt && input.expectedAt.getTime() !== po.expectedAt?.getTime();
      if (input.expectedAt) po.expectedAt = input.expectedAt;
      if (lines) {
        const supplier = await tx.findOneOrFail(Supplier, { id: po.supplier.id });
        const rows = await this.linesFor(tx, supplier, lines);
        await tx.nativeDelete(PurchaseOrderLine, { purchaseOrder: po.id });
        for (const l of rows) tx.create(PurchaseOrderLine, { purchaseOrder: po, ...l });
      }
      if (moved && open) recordEvent(tx, 'purchase_order.expected_changed', { purchaseOrderId: po.id, number: po.number, expectedAt: po.expectedAt!.toISOString(), actor: actorOf(principal) }, po.id);
      await tx.flush();
    });
    return em.fork().findOneOrFail(PurchaseOrder, { id });
  }

  /** DRAFT → SENT. The event's handlers mail the PDF to the supplier and move backordered orders' dates. */
  async send(em: Em, principal: Principal, id: string): Promise<PurchaseOrder> {
    await em.transactional(async (tx) => {
      const po = await this.locked(tx, id);
      await this.app.machines.get(purchaseOrderMachine).transition(tx, po, PurchaseOrderStatus.SENT, actorOf(principal));
      po.sentAt = new Date();
      recordEvent(tx, 'purchase_order.sent', { purchaseOrderId: po.id, number: po.number, supplierId: po.supplier.id, actor: actorOf(principal) }, po.id);
      await tx.flush();
    });
    return em.fork().findOneOrFail(PurchaseOrder, { id });
  }

  /** DRAFT or SENT with nothing received (the machine refuses a PARTIALLY_RECEIVED or RECEIVED one). */
  async cancel(em: Em, principal: Principal, id: string): Promise<PurchaseOrder> {
    await em.transactional(async (tx) => {
      const po = await this.locked(tx, id);
      const wasOpen = po.status === PurchaseOrderStatus.SENT;
      await this.app.machines.get(purchaseOrderMachine).transition(tx, po, PurchaseOrderStatus.CANCELLED, actorOf(principal));
      po.cancelledAt = new Date();
      recordEvent(tx, 'purchase_order.cancelled', { purchaseOrderId: po.id, number: po.number, wasSent: wasOpen, actor: actorOf(principal) }, po.id);
      await tx.flush();
    });
    return em.fork().findOneOrFail(PurchaseOrder, { id });
  }

  async get(em: Em, id: string): Promise<PurchaseOrder> {
    const po = await em.findOne(PurchaseOrder, { id });
    if (!po) throw notFound('The purchase order');
    return po;
  }

  list(em: Em, filter: PurchaseOrderFilter | undefined, first?: number | null, after?: string | null): Promise<Page<PurchaseOrder>> {
    const where: Record<string, unknown> = {};
    if (filter?.supplierId) where.supplier = filter.supplierId;
    if (filter?.status) where.status = filter.status;
    return pageOf(em, PurchaseOrder, where, first, after);
  }

  lines(em: Em, purchaseOrderId: string): Promise<PurchaseOrderLine[]> {
    return em.find(PurchaseOrderLine, { purchaseOrder: purchaseOrderId }, { orderBy: { sku: 'asc' } });
  }

  private async locked(tx: Em, id: string): Promise<PurchaseOrder> {
    const po = await tx.findOne(PurchaseOrder, { id }, dialectOf(tx).lockedRead);
    if (!po) throw notFound('The purchase order');
    return po;
  }

  /** GraphQL lines (by SKU) as draft lines (by variant id). */
  private async bySku(em: Em, lines: PurchaseOrderLineInput[]): Promise<DraftLine[]> {
    const variants = await em.find(ProductVariant, { sku: { $in: lines.map((l) => l.sku) } });
    return lines.map((l, i) => {
      const v = variants.find((x) => x.sku === l.sku);
      if (!v) throw badInput(`There is no variant with SKU "${l.sku}".`, `input.lines.${i}.sku`);
      return { variantId: v.id, quantity: l.quantity, unitCost: l.unitCost, expectedAt: l.expectedAt, allowOverReceipt: l.allowOverReceipt };
    });
  }

  /** The rows of the lines: one per variant, the cost from the supplier's item unless given. */
  private async linesFor(em: Em, supplier: Supplier, lines: DraftLine[]) {
    if (!lines.length) throw badInput('A purchase order needs at least one line.', 'input.lines');
    const ids = lines.map((l) => l.variantId);
    const [variants, items] = await Promise.all([
      em.find(ProductVariant, { id: { $in: ids } }),
      em.find(SupplierItem, { supplier: supplier.id, variant: { $in: ids } }),
    ]);
    const seen = new Set<string>();
    return lines.map((l, i) => {
      const variant = variants.find((v) => v.id === l.variantId);
      if (!variant) throw badInput(`Line ${i + 1} names no variant.`, `input.lines.${i}.sku`);
      if (seen.has(variant.id)) throw badInput(`${variant.sku} is on the purchase order twice: one line per SKU.`, `input.lines.${i}.sku`);
      seen.add(variant.id);
      if (!Number.isInteger(l.quantity) || l.quantity < 1) throw badInput('quantity must be at least 1.', `input.lines.${i}.quantity`);
      const item = items.find((x) => x.variant.id === variant.id);
      const unitCost = l.unitCost ?? item?.costPrice;
      if (unitCost === undefined || unitCost === null) {
        throw badInput(`${supplier.name} has no cost price for ${variant.sku}: set it (setSupplierItem) or give the line a unitCost.`, `input.lines.${i}.unitCost`);
      }
      return {
        variant, sku: variant.sku, supplierSku: item?.supplierSku ?? null, quantityOrdered: l.quantity, unitCost,
        expectedAt: l.expectedAt ?? null, allowOverReceipt: l.allowOverReceipt ?? false,
      };
    });
  }
}
