// Cycle counts (docs/stock-control.md). The stock itself changes only through the ledger's `receive` /
// `remove` with reason COUNT: the existing reason for "a count found a difference", so counted
// corrections read the same in the movements whether they came from here or from adjustStock.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { StockMovementReason } from '../inventory/stock-movement.entity.js';
import { receive, remove } from '../inventory/stock-ledger.js';
import { StockCount, StockCountLine, StockCountStatus, StockCountVariance } from './stock-count.entity.js';

const MAX_SKUS = 500;

export class StockCountService {
  constructor(private readonly app: AppRuntime) {}

  async start(em: Em, locationCode: string, skus: string[]): Promise<StockCount> {
    const wanted = [...new Set(skus)];
    if (!wanted.length || wanted.length > MAX_SKUS) throw badInput(`A count takes 1 to ${MAX_SKUS} SKUs.`, 'skus');
    const location = await em.findOne(StockLocation, { code: locationCode });
    if (!location) throw badInput(`There is no stock location with code "${locationCode}".`, 'locationCode');
    const variants = await em.find(ProductVariant, { sku: { $in: wanted } });
    const unknown = wanted.filter((s) => !variants.some((v) => v.sku === s));
    if (unknown.length) throw badInput(`There is no variant with SKU ${unknown.map((s) => `"${s}"`).join(', ')}.`, 'skus');
    return em.transactional(async (tx) => {
      const count = tx.create(StockCount, { location: location.id });
      for (const v of variants) tx.create(StockCountLine, { count, sku: v.sku, variantId: v.id });
      await tx.flush();
      return count;
    });
  }

  async get(em: Em, id: string): Promise<StockCount | null> {
    return em.findOne(StockCount, { id });
  }

  list(em: Em, locationCode?: string | null, status?: StockCountStatus | null): Promise<StockCount[]> {
    const where: Record<string, unknown> = {};
    if (locationCode) where.location = { code: locationCode };
    if (status) where.status = status;
    return em.find(StockCount, where, { orderBy: { id: 'desc' }, limit: 200 });
  }

  /**
   * A SKU's count, with the on-hand at this moment as its snapshot (a second record replaces both).
   * The count row is claimed first (conditional on OPEN), so an apply either sees this record or refuses it.
   */
  async record(em: Em, countId: string, sku: string, counted: number): Promise<StockCountLine> {
    if (!Number.isInteger(counted) || counted < 0 || counted > 100_000_000) throw badInput('counted must be a whole number of 0 or more.', 'counted');
    return em.transactional(async (tx) => {
      await claim(tx, countId);
      const count = await tx.findOneOrFail(StockCount, { id: countId });
      const line = await tx.findOne(StockCountLine, { count: countId, sku });
      if (!line) throw badInput(`${sku} is not in this count: start a count that includes it.`, 'sku');
      const [level] = await tx.execute('SELECT on_hand FROM stock_level WHERE variant_id = ? AND location_id = ?', [line.variantId, count.location.id]);
      line.counted = counted;
      line.onHandAtCount = Number(level?.on_hand ?? 0);
      line.countedAt = new Date();
      await tx.flush();
      return line;
    });
  }

  async variance(em: Em, countId: string): Promise<StockCountVariance> {
    const count = await em.findOne(StockCount, { id: countId });
    if (!count) throw notFound('The stock count');
    const all = await em.find(StockCountLine, { count: countId }, { orderBy: { sku: 'asc' } });
    const lines = all.filter((l) => l.variance !== null);
    return { count, lines, uncounted: all.filter((l) => l.variance === null).map((l) => l.sku), net: lines.reduce((n, l) => n + l.variance!, 0) };
  }

  /**
   * Books every counted SKU's variance as a COUNT movement (a delta against its snapshot), all or nothing:
   * a decrease that would take on-hand below what orders hold refuses the whole count (INSUFFICIENT_STOCK
   * naming the SKU), which stays OPEN to be counted again. Uncounted SKUs are left alone.
   */
  async apply(em: Em, countId: string, idempotencyKey: string | null | undefined, principal?: Principal): Promise<StockCount> {
    checkIdempotencyKey(idempotencyKey);
    const scope = `applyStockCount:${principal ? keyOwner(principal) : 'staff'}`;
    const done = await em.transactional((tx) => once(tx, scope, idempotencyKey, { countId }, async () => {
      await claim(tx, countId);
      const count = await tx.findOneOrFail(StockCount, { id: countId }, { populate: ['location'] });
      // In variant order, as placeOrder reserves: two transactions lock stock rows alike (no deadlock between them).
      const lines = await tx.find(StockCountLine, { count: countId }, { orderBy: { variantId: 'asc' } });
      for (const line of lines) {
        const v = line.variance;
        if (v === null) continue;
        const at = { variantId: line.variantId, sku: line.sku, locationId: count.location.id };
        const why = { note: `Stock count ${count.id}` };
        if (v > 0) await receive(tx, at, v, StockMovementReason.COUNT, why);
        if (v < 0 && !(await remove(tx, at, -v, StockMovementReason.COUNT, why))) {
          throw new OrdoError('INSUFFICIENT_STOCK', `Cannot book the count of ${line.sku} (${v}): on hand would go below the units reserved for orders at ${count.location.code}. Nothing was applied; count ${line.sku} again.`, { sku: line.sku });
        }
        line.applied = v;
        if (v !== 0) recordEvent(tx, 'stock.changed', { sku: line.sku, variantId: line.variantId, locationId: count.location.id, delta: v, reason: 'COUNT', countId: count.id }, line.variantId);
      }
      count.status = StockCountStatus.APPLIED;
      count.endedAt = new Date();
      await tx.flush();
      return { id: count.id };
    }, async (id) => ({ id })));
    return em.fork().findOneOrFail(StockCount, { id: done.id });
  }

  async cancel(em: Em, countId: string): Promise<StockCount> {
    await em.transactional(async (tx) => {
      await claim(tx, countId);
      const count = await tx.findOneOrFail(StockCount, { id: countId });
      count.status = StockCountStatus.CANCELLED;
      count.endedAt = new Date();
      await tx.flush();
    });
    return em.fork().findOneOrFail(StockCount, { id: countId });
  }
}

/** Claims an OPEN count for this transaction (row lock on PostgreSQL; SQLite has one writer): NOT_FOUND or INVALID_STATE_TRANSITION otherwise. */
async function claim(tx: Em, countId: string): Promise<void> {
  const rows = await tx.execute('UPDATE stock_count SET revision = revision + 1 WHERE id = ? AND status = ? RETURNING id', [countId, StockCountStatus.OPEN]);
  if (rows.length) return;
  const [row] = await tx.execute('SELECT status FROM stock_count WHERE id = ?', [countId]);
  if (!row) throw notFound('The stock count');
  throw new OrdoError('INVALID_STATE_TRANSITION', `The stock count is ${row.status}: only an OPEN count is recorded, applied or cancelled.`);
}
