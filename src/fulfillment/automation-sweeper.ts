// Chained jobs (an event's handler adds the next step's job) live only in the queue once the event is
// acknowledged: a Redis that loses its data loses them. This sweeper, on a timer in every worker
// process (not a queue job: a flush would take that too), finds work the database says is due but that
// has not moved for a while, and adds its next job again. The jobs are idempotent, so a job that was not
// lost after all runs once more and does nothing.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrderStatus } from '../order-core/order-status.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { stageOf } from './shipment-moves.js';
import { QUEUES } from './jobs.js';

const BATCH = 500;
const AUTOMATED = [ShipmentStatus.PENDING, ShipmentStatus.PICKED, ShipmentStatus.PACKED, ShipmentStatus.LABELLED];
const PAUSED = [OrderStatus.ON_HOLD, OrderStatus.CANCELLED, OrderStatus.PENDING];
/** Stages the walk continues from (an EXCEPTION is left to a person). */
const WALKABLE = new Set(AUTOMATED);

export class AutomationSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly app: AppRuntime) {}

  start(): void {
    const every = Math.max(500, this.app.config.outboxRetryMs);
    this.timer = setInterval(() => void this.sweep().catch((err) => this.app.log.warn({ err }, 'fulfillment sweep failed')), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Returns how many jobs it added again. */
  async sweep(now = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const em = this.app.orm.em.fork() as Em;
      const dialect = dialectOf(em);
      const cutoff = new Date(now - this.app.config.outboxRetryMs);
      let added = 0;
      // Shipments at automated locations that stopped before SHIPPED.
      // EXCEPTION is left out: a person decides (and counting them would crowd out the rest of the batch).
      const stale = await em.find(Shipment, {
        status: { $in: AUTOMATED },
        statusChangedAt: { $lt: cutoff },
        location: { autoFulfill: true },
        order: { status: { $nin: PAUSED } },
      }, { limit: BATCH });
      for (const s of stale) {
        const stage = stageOf(s);
        const tag = `${s.id}-sweep-${s.statusChangedAt.getTime()}`;
        // One job walks it from where it stands to SHIPPED (auto-walk.ts).
        if (!WALKABLE.has(stage)) continue;
        await this.app.queue.add(QUEUES.fulfillment, 'fulfillment.walk', { shipmentId: s.id }, { jobId: `walk-${tag}` });
        added++;
      }
      // Confirmed orders that never got a shipment (their routing job was lost): the database picks them,
      // so orders waiting for staff with their shipments never fill the batch.
      const unrouted: { id: string; updated_at: Date | number | string }[] = await em.execute(
        `SELECT o.id, o.updated_at FROM orders o
         WHERE o.status IN (?, ?) AND o.updated_at < ? AND NOT EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = o.id)
         ORDER BY o.updated_at LIMIT ${BATCH}`,
        [OrderStatus.CONFIRMED, OrderStatus.BACKORDERED, dialect.date(cutoff)],
      );
      for (const o of unrouted) {
        await this.app.queue.add(QUEUES.fulfillment, 'fulfillment.route', { orderId: o.id }, { jobId: `route-${o.id}-sweep-${dialect.readDate(o.updated_at).getTime()}` });
        added++;
      }
      if (added) this.app.log.info({ jobs: added }, 'fulfillment sweeper re-added jobs for work that stood still');
      return added;
    } finally {
      this.running = false;
    }
  }
}
