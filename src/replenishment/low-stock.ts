// `stock.low`: available stock of a SKU at a location went below its reorder point. Once per crossing:
// the rule's `low` flag flips with a conditional UPDATE (false → true records the event in the same
// transaction; true → false when stock is back at or above the point records nothing), so a check run
// twice, or by two workers at once, records the event once. Checked a second after anything that moves
// availability (debounced like the channels' stock sync), and after a rule changes.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { onlyWhen, type DomainEvent, type EventHandler } from '../kernel/module.js';
import { recordEvent } from '../kernel/outbox/record-event.js';

export const REPLENISHMENT_QUEUE = 'replenishment';
const DEBOUNCE_MS = 1_000;

/** Rows on the wrong side of their flag: below the point but not low, or back at it but still low. */
const CROSSED = `
SELECT r.id, r.sku, r.variant_id, r.location_id, r.reorder_point, r.low, COALESCE(sl.on_hand - sl.reserved, 0) AS available
FROM reorder_rule r LEFT JOIN stock_level sl ON sl.variant_id = r.variant_id AND sl.location_id = r.location_id
WHERE (r.low = false AND COALESCE(sl.on_hand - sl.reserved, 0) < r.reorder_point)
   OR (r.low = true AND COALESCE(sl.on_hand - sl.reserved, 0) >= r.reorder_point)`;

export class LowStock {
  /** Whether any rule exists (refreshed by each check and every few seconds): without one, stock events queue nothing. */
  active = true;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly app: AppRuntime) {}

  /** Keeps `active` current when another process adds the first rule. */
  watch(everyMs: number): void {
    this.unwatch();
    this.timer = setInterval(() => {
      this.refresh(this.app.orm.em.fork() as Em).catch((err) => this.app.log.warn({ err }, 'replenishment: could not count the reorder rules'));
    }, everyMs);
    this.timer.unref();
  }

  unwatch(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(em: Em): Promise<boolean> {
    const [{ n }] = await em.fork().execute('SELECT COUNT(*) AS n FROM reorder_rule');
    this.active = Number(n) > 0;
    return this.active;
  }

  schedule(): Promise<void> {
    const bucket = Math.floor(Date.now() / DEBOUNCE_MS);
    return this.app.queue.add(REPLENISHMENT_QUEUE, 'replenishment.checkLow', {}, { jobId: `low-${bucket}`, delayMs: DEBOUNCE_MS });
  }

  /** Job `replenishment.checkLow`: flips the flags that crossed; how many `stock.low` events it recorded. */
  async check(em: Em): Promise<number> {
    if (!(await this.refresh(em))) return 0;
    const crossed: { id: string; sku: string; variant_id: string; location_id: string; reorder_point: number; low: unknown; available: number | string }[] = await em.fork().execute(CROSSED);
    let recorded = 0;
    for (const r of crossed) {
      const goingLow = !truthy(r.low);
      await em.fork().transactional(async (tx) => {
        // Literals, not parameters: SQLite binds no booleans.
        const flip = goingLow ? 'UPDATE reorder_rule SET low = true WHERE id = ? AND low = false' : 'UPDATE reorder_rule SET low = false WHERE id = ? AND low = true';
        const flipped = await tx.execute(flip, [r.id], 'run');
        if (affected(flipped) !== 1 || !goingLow) return;
        recordEvent(tx, 'stock.low', {
          sku: r.sku, variantId: r.variant_id, locationId: r.location_id, available: Number(r.available), reorderPoint: Number(r.reorder_point),
        }, r.variant_id);
        await tx.flush();
        recorded++;
      });
    }
    return recorded;
  }
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 't';
const affected = (r: unknown) => Number((r as { affectedRows?: number; changes?: number })?.affectedRows ?? (r as { changes?: number })?.changes ?? 0);

/** Events after which available stock may differ (those the channels' stock sync follows, and receipts). */
const STOCK_MOVES = [
  'order.placed', 'order.cancelled', 'order.lines_cancelled', 'order.edited', 'order.backorder_allocated', 'stock.changed',
  'checkout_hold.created', 'checkout_hold.released', 'checkout_hold.expired',
];
const schedule: EventHandler = (_e: DomainEvent, ctx) => ctx.app.service(LowStock).schedule();
export const lowStockHandlers: Record<string, EventHandler> = Object.fromEntries(
  STOCK_MOVES.map((type) => [type, onlyWhen((_e, app) => app.service(LowStock).active, schedule)]),
);
