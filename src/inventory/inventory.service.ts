import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLocation } from './stock-location.entity.js';
import { calendarProblem } from './ship-calendar.js';
import { StockLevel } from './stock-level.entity.js';
import { StockMovement, StockMovementReason } from './stock-movement.entity.js';
import { receive, remove } from './stock-ledger.js';
import type { AdjustStockInput, CreateStockLocationInput, UpdateStockLocationInput } from './inventory.inputs.js';

export class InventoryService {
  constructor(private readonly app: AppRuntime) {}

  async createLocation(em: Em, input: CreateStockLocationInput): Promise<StockLocation> {
    checkCalendar(input);
    const location = em.create(StockLocation, {
      ...input, region: input.region ?? null, priority: input.priority ?? 100, autoFulfill: input.autoFulfill ?? false,
      address: input.address ? { ...input.address } : null, parcelBox: input.parcelBox ? { ...input.parcelBox } : null,
    });
    try {
      await em.persistAndFlush(location);
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new OrdoError('CONFLICT', `A stock location with code "${input.code}" exists already.`);
      throw e;
    }
    return location;
  }

  async updateLocation(em: Em, code: string, input: UpdateStockLocationInput): Promise<StockLocation> {
    const location = await em.findOne(StockLocation, { code });
    if (!location) throw badInput(`There is no stock location with code "${code}".`, 'code');
    checkCalendar(input);
    const { address, parcelBox, ...rest } = input;
    for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) (location as any)[k] = v;
    // Plain objects: the JSON columns must not hold the input classes.
    if (address) location.address = { ...address };
    if (parcelBox) location.parcelBox = { ...parcelBox };
    await em.flush();
    return location;
  }

  locations(em: Em): Promise<StockLocation[]> {
    return em.find(StockLocation, { active: true }, { orderBy: { priority: 'asc', code: 'asc' } });
  }

  async levels(em: Em, sku?: string | null, locationCode?: string | null): Promise<StockLevel[]> {
    const where: Record<string, unknown> = {};
    if (sku) where.sku = sku;
    if (locationCode) where.location = { code: locationCode };
    return em.find(StockLevel, where, { orderBy: { sku: 'asc', location: { priority: 'asc' } }, limit: 1000 });
  }

  async movements(em: Em, sku: string, locationCode?: string | null, first?: number | null): Promise<StockMovement[]> {
    const limit = first ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput('first must be between 1 and 500.', 'first');
    const where: Record<string, unknown> = { sku };
    if (locationCode) where.location = { code: locationCode };
    return em.find(StockMovement, where, { orderBy: { id: 'desc' }, limit });
  }

  /**
   * Changes onHand by `delta` through the stock ledger (one conditional statement: stock can't go below
   * what is reserved for orders, with its movement) and records a stock.changed event in the same transaction.
   * With an idempotency key (kernel/idempotency.ts) a repeat answers with the level and moves nothing.
   */
  async adjust(em: Em, input: AdjustStockInput, principal?: Principal): Promise<StockLevel> {
    checkIdempotencyKey(input.idempotencyKey);
    if (input.delta === 0) throw badInput('delta must not be 0.', 'delta');
    const [variant, location] = await Promise.all([
      em.findOne(ProductVariant, { sku: input.sku }),
      em.findOne(StockLocation, { code: input.locationCode }),
    ]);
    if (!variant) throw badInput(`There is no variant with SKU "${input.sku}".`, 'sku');
    if (!location) throw badInput(`There is no stock location with code "${input.locationCode}".`, 'locationCode');
    const scope = `adjustStock:${principal ? keyOwner(principal) : 'staff'}`;
    const request = { sku: input.sku, locationCode: input.locationCode, delta: input.delta, reason: input.reason, note: input.note };
    const level = await em.transactional((tx) => once(tx, scope, input.idempotencyKey, request, async () => {
      const at = { variantId: variant.id, sku: variant.sku, locationId: location.id };
      const reason = input.reason as unknown as StockMovementReason;
      const why = { note: input.note ?? null };
      const id = input.delta > 0 ? await receive(tx, at, input.delta, reason, why) : await remove(tx, at, -input.delta, reason, why);
      if (!id) {
        throw new OrdoError('INSUFFICIENT_STOCK', `Cannot remove ${-input.delta} of ${input.sku} at ${input.locationCode}: that is more than is on hand and not reserved for orders.`);
      }
      recordEvent(tx, 'stock.changed', { sku: variant.sku, variantId: variant.id, locationId: location.id, delta: input.delta, reason: input.reason }, variant.id);
      await tx.flush();
      return { id };
    }, async (id) => ({ id })));
    return em.fork().findOneOrFail(StockLevel, { id: level.id });
  }
}

/** The time zone is checked against the runtime's zone database (the input's own checks cover the rest). */
function checkCalendar(input: { timeZone?: string | null }): void {
  const problem = calendarProblem({ timeZone: input.timeZone });
  if (problem) throw badInput(problem, 'input.timeZone');
}
