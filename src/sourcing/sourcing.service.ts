// Sourcing: which locations an order's units are reserved and shipped from. The channel names a strategy
// (built-in or a plugin's); a buyer's checkout may ask for a goal instead (earliest delivery, fewest
// shipments). Planning reads what each location has (one statement) and the locations and distance table
// (cached like other reference data); reserving the plan is the stock ledger's, in the order's transaction.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { badInput } from '../kernel/errors.js';
import { TtlCache } from '../kernel/ttl-cache.js';
import type { Channel } from '../channels/channel.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { shipsAt } from '../inventory/ship-calendar.js';
import { RegionDistance } from './region-distance.entity.js';
import type { LineSourcing, SourcingLine } from './reserve-lines.js';
import { BUILT_IN_STRATEGIES } from './strategies.js';
import { GOAL_STRATEGY, type SourcingContext, type SourcingDestination, type SourcingGoal, type SourcingLocation, type SourcingStrategy } from './strategy.js';

export interface PlannedShipment {
  location: SourcingLocation;
  lines: { variantId: string; sku: string; quantity: number }[];
}

/** Where an order's lines are to come from, and when it can ship. */
export interface OrderSourcing {
  strategy: string;
  /** Per variant id, for `reserveLine`. */
  lines: Map<string, LineSourcing>;
  shipments: PlannedShipment[];
  /** Units the plan found nowhere (backorders, or a refusal at placement). */
  missing: number;
  /** When the last of the planned shipments is handed over; null when nothing is stocked. */
  shipsAt: Date | null;
}

const CODE = /^[a-z][a-z0-9-]{0,63}$/;

export class SourcingService {
  private readonly strategies = new Map<string, SourcingStrategy>();
  private readonly locationCache: TtlCache<StockLocation[]>;
  private readonly distanceCache: TtlCache<Map<string, number>>;

  constructor(private readonly app: AppRuntime) {
    for (const s of BUILT_IN_STRATEGIES) this.register(s);
    this.locationCache = new TtlCache(app.config.referenceCacheMs);
    this.distanceCache = new TtlCache(app.config.referenceCacheMs);
  }

  /** A plugin's strategy (`providers.sourcingStrategy`); the same code replaces a built-in one. */
  register(strategy: SourcingStrategy): void {
    if (!CODE.test(strategy.code)) throw new Error(`A sourcing strategy's code is lower-case letters, digits and dashes: "${strategy.code}".`);
    this.strategies.set(strategy.code, strategy);
  }

  list(): SourcingStrategy[] {
    return [...this.strategies.values()];
  }

  /** The strategy code a channel's order uses: the buyer's goal when given, else the channel's. */
  strategyFor(channel: Channel, goal?: SourcingGoal | null): string {
    return goal ? GOAL_STRATEGY[goal] : channel.sourcingStrategy || 'priority';
  }

  /** Refuses a code no strategy has (setChannelSourcing). */
  check(code: string): void {
    if (!this.strategies.has(code)) throw badInput(`There is no sourcing strategy "${code}" (there are ${[...this.strategies.keys()].join(', ')}).`, 'strategy');
  }

  /** Forgets the cached locations and distances (a change made here; other processes wait for the TTL). */
  forget(): void {
    this.locationCache.clear();
    this.distanceCache.clear();
  }

  /**
   * Plans where each stocked line comes from (read, nothing reserved). `only`: the locations allowed (a
   * pickup store). An unknown strategy code (a plugin removed since the channel chose it) plans by priority.
   */
  async plan(em: Em, db: SqlRunner, strategyCode: string, destination: SourcingDestination, lines: SourcingLine[], now = Date.now(), only?: readonly string[] | null): Promise<OrderSourcing> {
    return (await this.planEach(em, db, [strategyCode], destination, lines, now, only))[0];
  }

  /** `plan` for several strategies over one read of the stock (quoteOrder's options, one per goal). */
  async planEach(em: Em, db: SqlRunner, strategyCodes: string[], destination: SourcingDestination, lines: SourcingLine[], now = Date.now(), only?: readonly string[] | null): Promise<OrderSourcing[]> {
    const stocked = lines.filter((l) => l.trackInventory);
    const ctx = await this.context(em, db, destination, stocked, now, only);
    return strategyCodes.map((code) => this.planIn(ctx, code, stocked, only));
  }

  private planIn(ctx: SourcingContext, strategyCode: string, stocked: SourcingLine[], only?: readonly string[] | null): OrderSourcing {
    const strategy = this.strategies.get(strategyCode) ?? this.strategies.get('priority')!;
    const plan = strategy.plan(ctx);
    const byId = new Map(ctx.locations.map((l) => [l.id, l]));
    const out = new Map<string, LineSourcing>();
    const shipments = new Map<string, PlannedShipment>();
    let missing = 0;
    for (const line of stocked) {
      const planned = (plan.lines.get(line.variantId) ?? []).filter((a) => a.quantity > 0 && byId.has(a.locationId));
      out.set(line.variantId, { planned, ranking: plan.ranking.filter((id) => byId.has(id)), only: only ?? null });
      let got = 0;
      for (const a of planned) {
        got += a.quantity;
        const s = shipments.get(a.locationId) ?? { location: byId.get(a.locationId)!, lines: [] };
        s.lines.push({ variantId: line.variantId, sku: line.sku, quantity: a.quantity });
        shipments.set(a.locationId, s);
      }
      missing += Math.max(0, line.quantity - got);
    }
    const list = [...shipments.values()].sort((a, b) => a.location.shipsAt.getTime() - b.location.shipsAt.getTime() || a.location.code.localeCompare(b.location.code));
    const latest = list.length ? new Date(Math.max(...list.map((s) => s.location.shipsAt.getTime()))) : null;
    return { strategy: strategy.code, lines: out, shipments: list, missing, shipsAt: latest };
  }

  /** locations() when they are cached, else undefined (locations() reads them). */
  knownLocations(): StockLocation[] | undefined {
    return this.locationCache.peek('all');
  }

  /** Active locations, cached (ORDO_REFERENCE_CACHE_MS). */
  locations(em: Em): Promise<StockLocation[]> {
    return this.locationCache.get('all', () => em.fork().find(StockLocation, { active: true }, { orderBy: { priority: 'asc', code: 'asc' } }));
  }

  private async context(em: Em, db: SqlRunner, destination: SourcingDestination, lines: SourcingLine[], now: number, only?: readonly string[] | null): Promise<SourcingContext> {
    const allowed = only ? new Set(only) : null;
    const [all, distances] = await Promise.all([this.locations(em), this.distances(em)]);
    const locations: SourcingLocation[] = all.filter((l) => !allowed || allowed.has(l.id)).map((l) => ({
      id: l.id, code: l.code, name: l.name, kind: l.kind, countryCode: l.countryCode, region: l.region ?? null, priority: l.priority,
      shipsAt: shipsAt(l, now), distance: distanceOf(distances, destination, l),
    }));
    const stock = new Map<string, number>();
    const ids = [...new Set(lines.map((l) => l.variantId))];
    if (ids.length) {
      const rows: { variant_id: string; location_id: string; available: number | string }[] = await db.execute(
        `SELECT variant_id, location_id, on_hand - reserved AS available FROM stock_level WHERE variant_id IN (${ids.map(() => '?').join(', ')}) AND on_hand > reserved`,
        ids,
      );
      for (const r of rows) stock.set(`${r.variant_id}|${r.location_id}`, Number(r.available));
    }
    let near: SourcingLocation[] | null = null;
    return {
      destination, locations,
      lines: lines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity })),
      available: (variantId, locationId) => stock.get(`${variantId}|${locationId}`) ?? 0,
      nearest: () => (near ??= nearestFirst(locations, destination)),
    };
  }

  private distances(em: Em): Promise<Map<string, number>> {
    return this.distanceCache.get('all', async () => new Map((await em.fork().find(RegionDistance, {})).map((d) => [`${d.fromRegion}|${d.toRegion}`, d.distance])));
  }
}

const norm = (s: string | null | undefined) => (s ?? '').trim().toUpperCase();
/** A region's keys, most precise first: `US-TX`, `US`. */
const keysOf = (countryCode: string, region?: string | null) => (norm(region) ? [`${norm(countryCode)}-${norm(region)}`, norm(countryCode)] : [norm(countryCode)]);

/** The distance table's entry for the buyer and a location, the most precise pair first, either way round. */
function distanceOf(table: Map<string, number>, to: SourcingDestination, l: StockLocation): number | null {
  if (!table.size) return null;
  for (const b of keysOf(to.countryCode, to.region)) {
    for (const k of keysOf(l.countryCode, l.region)) {
      const d = table.get(`${b}|${k}`) ?? table.get(`${k}|${b}`);
      if (d !== undefined) return d;
    }
  }
  return null;
}

/** The buyer's country and region first, then the buyer's country, then by distance, then priority. */
function nearestFirst(locations: SourcingLocation[], to: SourcingDestination): SourcingLocation[] {
  const tier = (l: SourcingLocation) => {
    if (norm(l.countryCode) !== norm(to.countryCode)) return 2;
    return norm(to.region) && norm(l.region) === norm(to.region) ? 0 : 1;
  };
  return [...locations].sort((a, b) => tier(a) - tier(b) || (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.priority - b.priority || a.code.localeCompare(b.code));
}
