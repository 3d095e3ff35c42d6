// Cancelling some units of an order before they ship (cancelOrderLines, cancelShipment without
// re-routing). In the caller's transaction, under the order's lock:
// - units are taken from what is least advanced first: backordered, then reserved and not routed, then
//   routed into a PENDING shipment (its line shrinks; an emptied shipment is cancelled). Units that are
//   picked, packed, labelled or shipped are not cancellable: the warehouse has them in hand;
// - reserved units go back on sale through the stock ledger's conditional SQL;
// - the line keeps `quantity` = what is still ordered (and `quantityCancelled`), its tax and total are
//   priced again for it, and so are the order's totals (shipping stays while any unit is left);
// - money follows: captured money above the new total is owed back (a PENDING refund, sent by the refund
//   job, a credit note after it); an authorization is captured at most up to the new total later;
// - the order moves on when what is left has all shipped (SHIPPED, DELIVERED), or is CANCELLED when
//   nothing is left.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { formatMoney, listedShipping, orderTotals, priceLine } from '../kernel/money.js';
import { release } from '../inventory/stock-ledger.js';
import { unpreorder } from '../order-core/preordered-units.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { CHANGEABLE, OrderStatus, orderMachine } from '../order-core/order-status.js';
import { addHistory, recordTransition } from '../order-core/order-history.js';
import { oweBack, settleCancelledPayments } from '../payments/cancellation-refunds.js';
import { coverage, difference } from '../payments/payment-coverage.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { moveShipment } from './shipment-moves.js';
import { isOpen } from './routing.js';
import { followShipments } from './order-progress.js';
import { newId } from '../kernel/ids.js';
import { giveBackForCancelledUnits } from '../gift-cards/give-back.js';

export interface UnitsToCancel {
  orderLineId: string;
  quantity: number;
}

export interface CancelledUnits {
  /** What the order's total went down by. */
  amount: number;
  /** Units cancelled per order line. */
  lines: { orderLineId: string; sku: string; quantity: number }[];
}


export async function cancelUnits(app: AppRuntime, tx: Em, order: Order, asked: UnitsToCancel[], actor: string, reason: string): Promise<CancelledUnits> {
  if (!CHANGEABLE.has(order.status)) {
    throw new OrdoError('INVALID_STATE_TRANSITION', `Order ${order.number} is ${order.status}: no unit of it can be cancelled any more.`, { from: order.status });
  }
  if (!asked.length) throw badInput('lines is empty: name the order lines and how many units of each to cancel.', 'lines');
  const lines = await tx.find(OrderLine, { order: order.id }, { orderBy: { id: 'asc' } });
  const wanted = new Map<OrderLine, number>();
  asked.forEach((a, i) => {
    const line = lines.find((l) => l.id === a.orderLineId);
    if (!line) throw badInput(`Order line ${a.orderLineId} is not a line of order ${order.number}.`, `lines.${i}.orderLineId`);
    if (!Number.isSafeInteger(a.quantity) || a.quantity <= 0) throw badInput('quantity must be a positive whole number of units.', `lines.${i}.quantity`);
    wanted.set(line, (wanted.get(line) ?? 0) + a.quantity);
  });

  const shipments = (await tx.find(Shipment, { order: order.id })).filter(isOpen);
  const shipmentLines = shipments.length ? await tx.find(ShipmentLine, { shipment: { $in: shipments.map((s) => s.id) } }) : [];
  const shipmentOf = new Map(shipments.map((s) => [s.id, s]));

  // Check every line before changing any: a refusal changes nothing.
  const plans = [...wanted].map(([line, quantity], i) => {
    const inShipments = shipmentLines.filter((sl) => sl.orderLine.id === line.id);
    const pending = inShipments.filter((sl) => shipmentOf.get(sl.shipment.id)!.status === ShipmentStatus.PENDING);
    const handled = inShipments.filter((sl) => !pending.includes(sl)).reduce((n, sl) => n + sl.quantity, 0);
    const open = line.quantity - line.quantityShipped;
    const cancellable = open - handled;
    if (quantity > cancellable) {
      throw badInput(
        `${line.sku}: ${cancellable} unit(s) can still be cancelled (${line.quantityShipped} shipped, ${handled} picked or later in a shipment); ${quantity} asked.`,
        `lines.${i}.quantity`,
      );
    }
    return { line, quantity, pending };
  });

  const before = order.total;
  const grossBefore = order.subtotal + order.shippingTotal + order.taxTotal;
  // The shipping charge as listed (gross in a tax-inclusive order), read before the lines' tax changes.
  const shipping = listedShipping(order, lines);
  for (const { line, quantity, pending } of plans) {
    let left = quantity;
    // 1. Backordered units hold nothing.
    const fromBackorder = Math.min(left, line.quantityBackordered);
    line.quantityBackordered -= fromBackorder;
    // Preordered units among them go back to the variant's preorder limit.
    await unpreorder(tx, line, fromBackorder);
    left -= fromBackorder;
    // 2. Reserved units no shipment holds yet, then 3. units of PENDING shipments, location by location.
    const routedAt = (loc: string) => pending.filter((sl) => shipmentOf.get(sl.shipment.id)!.location.id === loc).reduce((n, sl) => n + sl.quantity, 0);
    const held = (loc: string) => shipmentLines.filter((sl) => sl.orderLine.id === line.id && shipmentOf.get(sl.shipment.id)!.location.id === loc).reduce((n, sl) => n + sl.quantity, 0);
    for (const phase of ['unrouted', 'pending'] as const) {
      for (const a of line.allocations) {
        if (left <= 0) break;
        const free = phase === 'unrouted' ? a.quantity - held(a.locationId) : routedAt(a.locationId);
        const take = Math.min(left, Math.max(0, free));
        if (!take) continue;
        if (phase === 'pending') await shrinkShipments(app, tx, order, pending.filter((sl) => shipmentOf.get(sl.shipment.id)!.location.id === a.locationId), take, shipmentOf, actor);
        if (line.variant) await release(tx, line.variant.id, [{ locationId: a.locationId, quantity: take }]);
        a.quantity -= take;
        left -= take;
      }
    }
    line.allocations = line.allocations.filter((a) => a.quantity > 0);
    // Untracked lines (no allocations): units in PENDING shipments or not routed at all.
    if (left > 0 && !line.allocations.length) {
      const inPending = pending.reduce((n, sl) => n + sl.quantity, 0);
      await shrinkShipments(app, tx, order, pending, Math.min(left, inPending), shipmentOf, actor);
      left = 0;
    }
    line.quantity -= quantity;
    line.quantityCancelled += quantity;
    const priced = priceLine(line.unitPrice, line.quantity, order.taxBasisPoints, order.pricesIncludeTax);
    line.taxTotal = priced.tax;
    line.lineTotal = priced.total;
  }

  const remaining = lines.reduce((n, l) => n + l.quantity, 0);
  reprice(order, lines, remaining > 0 ? shipping : null);
  // The cancelled units' share of the tender (gift cards, store credit) goes back to where it came from, and
  // the payment keeps owing the rest (a whole cancel gives all of it back on order.cancelled instead).
  if (remaining > 0) await giveBackForCancelledUnits(tx, order, before, grossBefore, newId('cut'));
  const amount = before - order.total;
  const what = plans.map((p) => `${p.quantity} × ${p.line.sku}`).join(', ');
  const result: CancelledUnits = { amount, lines: plans.map((p) => ({ orderLineId: p.line.id, sku: p.line.sku, quantity: p.quantity })) };
  recordEvent(tx, 'order.lines_cancelled', { orderId: order.id, number: order.number, reason, amount, lines: result.lines }, order.id);

  if (remaining === 0) {
    // Nothing left to ship: the whole order is cancelled, its money settled as cancelOrder settles it.
    const move = await app.machines.get(orderMachine).transition(tx, order, OrderStatus.CANCELLED, actor);
    order.heldFrom = null;
    const settled = await settleCancelledPayments(app, tx, order, actor);
    recordTransition(tx, order, move, actor, `Order cancelled: ${reason}. Every unit left was cancelled (${what})${settled.refunding ? `; ${formatMoney(settled.refunding, order.currencyCode)} to be refunded` : ''}.`);
    return result;
  }
  const { refund } = difference(await coverage(tx, order.id), before, order.total);
  const refunding = await oweBack(app, tx, order, refund, `Units cancelled: ${what}`, actor);
  addHistory(tx, order, {
    type: 'LINES_CANCELLED', actor,
    message: `Cancelled ${what}: ${reason}. The total is now ${formatMoney(order.total, order.currencyCode)} (${formatMoney(amount, order.currencyCode)} less)${refunding ? `; ${formatMoney(refunding, order.currencyCode)} to be refunded` : ''}.`,
  });
  // The rest may all have shipped now, or no unit waits for stock any more.
  await followShipments(app, tx, order, actor);
  return result;
}

/**
 * The order's totals from its lines (kernel/money.ts, as placeOrder adds them up); shipping (as listed:
 * `shipping`, null when nothing is left) is kept while anything is left.
 */
function reprice(order: Order, lines: OrderLine[], shipping: number | null): void {
  const keepShipping = shipping !== null;
  const priced = lines.map((l) => ({ unitPrice: l.unitPrice, quantity: l.quantity, net: l.lineTotal - l.taxTotal, tax: l.taxTotal, total: l.lineTotal }));
  const totals = orderTotals(priced, shipping ?? 0, order.taxBasisPoints, order.pricesIncludeTax);
  order.shippingTotal = totals.shippingTotal;
  order.subtotal = totals.subtotal;
  order.taxTotal = totals.taxTotal;
  order.total = Math.max(0, totals.total - (keepShipping ? order.discountTotal ?? 0 : 0));
}

/** Takes `quantity` units out of PENDING shipments' lines; a shipment left without units is cancelled. */
async function shrinkShipments(app: AppRuntime, tx: Em, order: Order, from: ShipmentLine[], quantity: number, shipmentOf: Map<string, Shipment>, actor: string): Promise<void> {
  let left = quantity;
  for (const sl of from) {
    if (left <= 0) break;
    const take = Math.min(left, sl.quantity);
    sl.quantity -= take;
    left -= take;
    if (sl.quantity === 0) tx.remove(sl);
  }
  await tx.flush();
  for (const s of new Set(from.map((sl) => shipmentOf.get(sl.shipment.id)!))) {
    const rest = await tx.count(ShipmentLine, { shipment: s.id });
    if (!rest) await moveShipment(app, tx, order, s, ShipmentStatus.CANCELLED, actor, `Shipment ${s.id} cancelled: its units were cancelled.`);
  }
}
