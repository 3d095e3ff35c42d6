// Where placeOrder reserves an order's units: the ledger's own priority order (with its one-statement
// paths) unless the buyer chose a sourcing goal, the channel names another strategy, the order is
// collected at a store, or a checkout hold holds some of them. Then each line is reserved as planned
// (sourcing/reserve-lines.ts). And what the order is promised: sourcing/ship-calendar of the locations
// its units were reserved at.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import type { Allocation } from '../inventory/stock-ledger.js';
import { deliveredBy, shipsAt } from '../inventory/ship-calendar.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';
import { SourcingService } from '../sourcing/sourcing.service.js';
import type { LineSourcing } from '../sourcing/reserve-lines.js';
import type { PlaceOrderInput } from './order.inputs.js';
import type { OrderRequest, PricedDraft } from './order-draft.js';

/** True when the order is reserved in the ledger's priority order (the fast paths apply). */
export function byPriority(app: AppRuntime, c: OrderRequest, input: PlaceOrderInput): boolean {
  return !c.pickup && !input.holdId && app.service(SourcingService).strategyFor(c.channel, input.sourcingGoal) === 'priority';
}

/** Per variant id, how its line is reserved; null: by priority. Reads stock (one statement) when a strategy plans. */
export async function placementSourcing(app: AppRuntime, em: Em, db: SqlRunner, c: OrderRequest, input: PlaceOrderInput, draft: PricedDraft, now: number): Promise<Map<string, LineSourcing> | null> {
  if (byPriority(app, c, input)) return null;
  const lines = draft.lines.map(({ v, p }) => ({ variantId: v.id, sku: v.sku, quantity: p.quantity, trackInventory: v.trackInventory, allowBackorder: v.allowBackorder }));
  // A pickup order comes from its store only; nothing to plan.
  if (c.pickup) return new Map(lines.map((l) => [l.variantId, { only: [c.pickup!.store.id] }]));
  const sourcing = app.service(SourcingService);
  const strategy = sourcing.strategyFor(c.channel, input.sourcingGoal);
  if (strategy === 'priority') return new Map();
  const to = input.shippingAddress;
  return (await sourcing.plan(em, db, strategy, { countryCode: to.countryCode, region: to.region }, lines, now)).lines;
}

/** The active locations, read before the order's transaction (cached), for its promise. */
export const promiseLocations = (app: AppRuntime, em: Em) => app.service(SourcingService).locations(em);

/** The same, without a promise when they are cached (placeOrder's path); else undefined. */
export const knownLocations = (app: AppRuntime) => app.service(SourcingService).knownLocations();

/** The promised delivery of units reserved as `allocations`: the last location's handover plus the method's transit. */
export function promisedDelivery(locations: StockLocation[], allocations: Iterable<Allocation>, transitDays: number, now: number): Date | null {
  const at = new Set([...allocations].map((a) => a.locationId));
  const used = locations.filter((l) => at.has(l.id));
  if (!used.length) return null;
  return deliveredBy(new Date(Math.max(...used.map((l) => shipsAt(l, now).getTime()))), transitDays);
}
