// The automated walk in plain SQL (issue 16): an order CONFIRMED with all its units reserved at
// autoFulfill locations goes from routing to SHIPPED in two plain transactions, the carrier called between
// them, instead of a dozen ORM units of work (the workers' CPU went to the ORM's hydration and change
// sets, and to round trips). It writes what the ORM's walk writes (routing.ts, shipment-moves.ts,
// labels.ts, ship-out.ts, order-progress.ts): the same rows, history entries and events, stock through the
// ledger's conditional statements (test/integration/express-walk.test.ts compares the two on both
// databases). The route jobs a worker runs at once share their transactions: the orders they route are
// created in one (express-route.ts), the shipments they hand over in another (express-handover.ts), a few
// statements for the whole batch (kernel/coalescer.ts; a batch that fails runs its jobs one by one).
// Everything else takes the ORM's path: unstocked or backordered lines, a pickup, an order that has
// shipments already, a guard on the order's or the shipment's machine (a plugin's guard gets the
// entities). An express walk interrupted after its first transaction (a carrier refusal, a killed
// worker) is resumed by the job's retry, which finds the shipments and walks them the ORM's way.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import { Coalescer } from '../kernel/coalescer.js';
import { currentTraceParent } from '../kernel/tracing.js';
import { orderMachine } from '../order-core/order-status.js';
import { shipmentMachine } from './shipment-status.js';
import { LabelService, labelRequestOf } from './labels.js';
import { createPacked } from './express-route.js';
import { handOver, NothingHandedOver, type Handover } from './express-handover.js';
import type { OrderFacts, Planned, Routed } from './express-rows.js';

/** How long a batch waits for more jobs (at most), and how many it takes. */
const BATCH = { delayMs: 2, max: 32 };

export class ExpressWalk {
  private readonly routing: Coalescer<{ orderId: string; trace: string | null }, Routed | null>;
  private readonly handovers: Coalescer<Handover, boolean>;

  constructor(private readonly app: AppRuntime) {
    const em = () => app.orm.em as Em;
    this.routing = new Coalescer((asked) => {
      const orderIds = asked.map((a) => a.orderId);
      const traces = new Map(asked.map((a) => [a.orderId, a.trace]));
      return plainTransaction(em(), (db) => createPacked(db, [...new Set(orderIds)], (id) => traces.get(id) ?? null)).then((routed) => routedFor(orderIds, routed));
    }, BATCH);
    this.handovers = new Coalescer((items) => plainTransaction(em(), (db) => handOver(db, items)).catch((e) => {
      if (e instanceof NothingHandedOver) return items.map(() => false);
      throw e;
    }), BATCH);
  }

  /**
   * Job `fulfillment.route` for the plain case: the ids of the shipments created, or null when the order
   * is not a case for it (nothing was written). `resume` is the ORM's walk of the order's open automated
   * shipments (auto-walk.ts), for when one moved between the transactions.
   */
  async route(em: Em, orderId: string, resume: (em: Em, orderId: string) => Promise<unknown>): Promise<string[] | null> {
    if (!this.app.config.plainSql || this.app.machines.get(orderMachine).hasGuards() || this.app.machines.get(shipmentMachine).hasGuards()) return null;
    // Each order's events carry its own job's trace, whichever job's batch wrote them.
    const routed = await this.routing.add({ orderId, trace: currentTraceParent() });
    if (!routed) return null;
    for (const s of routed.shipments) if (!(await this.labelAndShip(em, routed.order, s, resume))) break;
    return routed.shipments.map((s) => s.id);
  }

  /**
   * The label bought, then the handover: LABELLED and SHIPPED, stock out through the ledger, the order
   * SHIPPED (or PARTIALLY_SHIPPED while other shipments wait). False when the shipment or its order moved
   * meanwhile (a hold, a cancellation): nothing written, the ORM's walk takes over.
   */
  private async labelAndShip(em: Em, order: OrderFacts, s: Planned, resume: (em: Em, orderId: string) => Promise<unknown>): Promise<boolean> {
    const labels = this.app.service(LabelService);
    const unitsGrams = s.units.reduce((n, u) => n + u.quantity * u.line.grams, 0);
    const { carrierCode, request } = labelRequestOf({ shipmentId: s.id, orderNumber: order.number, to: order.to, location: s.location, method: order.method, unitsGrams });
    const bought = await labels.purchase(carrierCode, request);
    const shipped = await this.handovers.add({ order, shipment: s, bought, trace: currentTraceParent() });
    if (!shipped) {
      await resume(em, order.id);
      const [now] = await em.fork().execute('SELECT tracking_number FROM shipment WHERE id = ?', [s.id]);
      if (now?.tracking_number !== bought.label.trackingNumber) await labels.cancelUnused(bought, s.id);
    }
    return shipped;
  }
}

/**
 * Each job's answer: the same order asked twice in one batch (a job and its retry, a replay) is routed
 * once, for the first to ask; the others find it routed and take the ORM's walk, which finds it done.
 */
function routedFor(asked: string[], routed: (Routed | null)[]): (Routed | null)[] {
  const unique = [...new Set(asked)];
  return asked.map((id, i) => (asked.indexOf(id) === i ? routed[unique.indexOf(id)] : null));
}
