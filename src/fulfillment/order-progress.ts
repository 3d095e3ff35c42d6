// The order follows its shipments: IN_FULFILLMENT when work starts, PARTIALLY_SHIPPED / SHIPPED as units
// leave, DELIVERED when every shipment is delivered. Computed from the current rows every time (not from
// the event that triggered it), so a replay or an out-of-order job lands on the same status.
import type { Em } from '../kernel/db/orm.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { recordTransition } from '../order-core/order-history.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentStatus } from './shipment-status.js';

const O = OrderStatus;
const RANK: Partial<Record<OrderStatus, number>> = {
  [O.CONFIRMED]: 1, [O.BACKORDERED]: 1, [O.IN_FULFILLMENT]: 2, [O.PARTIALLY_SHIPPED]: 3, [O.SHIPPED]: 4, [O.DELIVERED]: 5,
};
/** Statuses the shipments move the order out of. PENDING (unpaid), ON_HOLD and CANCELLED are left alone. */
const FOLLOWING = new Set([O.CONFIRMED, O.BACKORDERED, O.IN_FULFILLMENT, O.PARTIALLY_SHIPPED, O.SHIPPED]);
const FORWARD = [O.IN_FULFILLMENT, O.PARTIALLY_SHIPPED, O.SHIPPED, O.DELIVERED];

/** Why the order moved as its shipments did (the history's message; the express walk writes the same). */
export const FULFILLMENT_STARTED = 'Fulfillment started.';
export const unitsShipped = (shipped: number, total: number) => (shipped >= total ? `All ${total} unit(s) have shipped.` : `${shipped} of ${total} unit(s) have shipped.`);

/** Orders whose confirmed units may be routed to shipments. */
export const ROUTABLE = new Set([O.CONFIRMED, O.BACKORDERED, O.IN_FULFILLMENT, O.PARTIALLY_SHIPPED]);

/** Moves the order to where its shipments say it is (forward only), with history and events. Flushes first. */
export async function followShipments(app: AppRuntime, tx: Em, order: Order, actor: string): Promise<void> {
  if (!FOLLOWING.has(order.status)) return;
  await tx.flush();
  const [lines, shipments] = await Promise.all([
    tx.find(OrderLine, { order: order.id }),
    tx.find(Shipment, { order: order.id, status: { $ne: ShipmentStatus.CANCELLED } }),
  ]);
  const locationIds = [...new Set(shipments.map((s) => s.location.id))];
  const auto = new Set((locationIds.length ? await tx.find(StockLocation, { id: { $in: locationIds }, autoFulfill: true }) : []).map((l) => l.id));
  const total = lines.reduce((n, l) => n + l.quantity, 0);
  const shipped = lines.reduce((n, l) => n + l.quantityShipped, 0);
  const backordered = lines.reduce((n, l) => n + l.quantityBackordered, 0);

  let target: OrderStatus | null = null;
  let message = '';
  if (shipped >= total && shipments.length && shipments.every((s) => s.status === ShipmentStatus.DELIVERED)) {
    [target, message] = [O.DELIVERED, `Every shipment was delivered.`];
  } else if (shipped >= total && total > 0) {
    [target, message] = [O.SHIPPED, unitsShipped(shipped, total)];
  } else if (shipped > 0) {
    [target, message] = [O.PARTIALLY_SHIPPED, unitsShipped(shipped, total)];
  } else if (shipments.some((s) => s.status !== ShipmentStatus.PENDING || auto.has(s.location.id))) {
    [target, message] = [O.IN_FULFILLMENT, FULFILLMENT_STARTED];
  } else if (order.status === O.BACKORDERED && backordered === 0) {
    [target, message] = [O.CONFIRMED, 'The backordered units are now reserved.'];
  }
  if (!target) return;
  if (target === O.CONFIRMED) {
    await step(app, tx, order, O.CONFIRMED, actor, message);
    return;
  }
  // Walk forward through the machine (CONFIRMED cannot jump to SHIPPED: it passes IN_FULFILLMENT).
  while (order.status !== target && (RANK[order.status] ?? 99) < RANK[target]!) {
    const from = order.status;
    const next = [...FORWARD].reverse().find((s) => RANK[s]! <= RANK[target!]! && RANK[s]! > RANK[from]! && orderMachine.canMove(from, s));
    if (!next) return;
    const arrived = await step(app, tx, order, next, actor, next === target ? message : stepMessage(next));
    if (!arrived) return;
  }
}

function stepMessage(s: OrderStatus): string {
  return s === O.IN_FULFILLMENT ? FULFILLMENT_STARTED : s === O.SHIPPED ? 'Every unit has shipped.' : `Order is ${s}.`;
}

/** One move; false when a guard sent the order elsewhere (for example ON_HOLD). */
async function step(app: AppRuntime, tx: Em, order: Order, to: OrderStatus, actor: string, message: string): Promise<boolean> {
  const move = await app.machines.get(orderMachine).transition(tx, order, to, actor);
  if (move.to === O.ON_HOLD) order.heldFrom = move.from;
  recordTransition(tx, order, move, actor, message);
  return move.to === to;
}

/** The order's delivery estimate: the latest of its undelivered shipments' (the carriers' answers). */
export async function refreshEstimate(tx: Em, order: Order): Promise<void> {
  await tx.flush();
  const shipments = await tx.find(Shipment, { order: order.id, status: { $nin: [ShipmentStatus.CANCELLED, ShipmentStatus.DELIVERED] } });
  const estimates = shipments.map((s) => s.estimatedDeliveryAt?.getTime()).filter((t): t is number => !!t);
  if (estimates.length) order.estimatedDeliveryAt = new Date(Math.max(...estimates));
}
