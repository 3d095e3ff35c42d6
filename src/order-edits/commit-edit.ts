// commitOrderEdit's work, in one transaction under the order's lock, after planEdit checked and priced it:
// 1. PENDING shipments holding a changed line are cancelled (their units stay reserved and are routed
//    again at the end, with the new quantities);
// 2. stock moves through the ledger's conditional SQL: fewer units give back backorders first, then
//    reservations; more units are reserved (backordered when the SKU allows it, else INSUFFICIENT_STOCK
//    and nothing changes); added SKUs become order lines;
// 3. lines and totals take the plan's prices (tax of the new address), the address and method change;
// 4. money follows: the difference is authorized as a payment of its own (declined: nothing changes), or
//    captured money above the new total is owed back (a PENDING refund, sent by the refund job);
// 5. the history and `order.edited`, then routing: new shipments for what is reserved and not routed.
// Stock is taken before the provider is asked, as placeOrder does, so a refusal of stock never leaves an
// authorization behind.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { formatMoney } from '../kernel/money.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { release, reserve } from '../inventory/stock-ledger.js';
import { ShippingMethod } from '../shipping/shipping-method.entity.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { addHistory, recordTransition } from '../order-core/order-history.js';
import { PaymentService } from '../payments/payment.service.js';
import { oweBack } from '../payments/cancellation-refunds.js';
import { moveShipment } from '../fulfillment/shipment-moves.js';
import { ShipmentStatus } from '../fulfillment/shipment-status.js';
import { RoutingService, mergeAllocations } from '../fulfillment/routing.js';
import { followShipments, ROUTABLE } from '../fulfillment/order-progress.js';
import { changed, type EditPlan, type PlannedLine } from './edit-plan.js';
import { unpreorder } from '../order-core/preordered-units.js';
import type { OrderEdit } from './order-edit.entity.js';

export interface EditPayment {
  method: string;
  token?: string | null;
}

export async function commitEdit(app: AppRuntime, tx: Em, order: Order, edit: OrderEdit, plan: EditPlan, payment: EditPayment | null, actor: string, reason: string): Promise<void> {
  const moved = plan.lines.filter(changed);
  if (!moved.length && !plan.address && !plan.method) throw badInput('The edit changes nothing: set a quantity, add a line, or change the address or shipping method first.', 'editId');
  if (plan.amountDue > 0 && !payment) {
    throw badInput(`The edit costs ${formatMoney(plan.amountDue, order.currencyCode)} more: give a payment for it.`, 'payment');
  }

  for (const s of plan.reroute) {
    await moveShipment(app, tx, order, s, ShipmentStatus.CANCELLED, actor, `Shipment ${s.id} cancelled: the order was edited, its units are routed again.`);
  }
  // Lines in variant id order, so that two orders lock stock rows in the same order (as placeOrder does).
  for (const p of [...moved].sort((a, b) => ((a.variant?.id ?? '') < (b.variant?.id ?? '') ? -1 : 1))) await moveStock(tx, order, p);
  for (const p of plan.lines) {
    if (!p.line) continue;
    p.line.taxTotal = p.priced.tax;
    p.line.lineTotal = p.priced.total;
  }
  const previousTotal = order.total;
  Object.assign(order, {
    subtotal: plan.subtotal, shippingTotal: plan.shippingTotal, taxTotal: plan.taxTotal, discountTotal: plan.discountTotal,
    total: plan.total, taxBasisPoints: plan.taxBasisPoints,
  });
  if (plan.address) order.shippingAddress = { line2: null, region: null, phone: null, ...plan.address };
  if (plan.method) order.shippingMethod = tx.getReference(ShippingMethod, plan.method.id);
  await tx.flush();

  const charged = plan.amountDue > 0 ? plan.amountDue : 0;
  if (charged) await app.service(PaymentService).authorizeAdditional(tx, order, payment!, charged, `edit-${edit.id}`, actor);
  const refunding = await oweBack(app, tx, order, plan.amountToRefund, 'Order edited', actor);
  edit.amountCharged = charged;
  edit.amountRefunded = refunding;

  const what = describe(plan);
  const cur = order.currencyCode;
  addHistory(tx, order, {
    type: 'ORDER_EDITED', actor,
    message: `Order edited (${what})${reason ? `: ${reason}` : ''}. The total is now ${formatMoney(order.total, cur)} (was ${formatMoney(previousTotal, cur)})` +
      `${charged ? `; ${formatMoney(charged, cur)} more to pay` : ''}${refunding ? `; ${formatMoney(refunding, cur)} to be refunded` : ''}.`,
  });
  recordEvent(tx, 'order.edited', {
    orderId: order.id, number: order.number, editId: edit.id, previousTotal, total: order.total, charged, refunding,
    lines: moved.map((p) => ({ sku: p.sku, from: p.previous, to: p.quantity })), addressChanged: !!plan.address, methodChanged: !!plan.method,
  }, order.id);

  await route(app, tx, order, actor);
}

/** One changed line's units through the stock ledger; an added SKU becomes an order line first. */
async function moveStock(tx: Em, order: Order, p: PlannedLine): Promise<void> {
  const line = p.line ?? (p.line = tx.create(OrderLine, {
    order, variant: p.variant ? tx.getReference(ProductVariant, p.variant.id) : null, sku: p.sku, name: p.name, quantity: 0, unitPrice: p.priced.unitPrice,
    taxTotal: 0, lineTotal: 0, quantityBackordered: 0, allocations: [],
  }));
  const delta = p.quantity - p.previous;
  if (delta < 0) {
    // Fewer: backordered units hold nothing; then reservations, the least preferred location first.
    let left = -delta;
    const fromBackorder = Math.min(left, line.quantityBackordered);
    line.quantityBackordered -= fromBackorder;
    await unpreorder(tx, line, fromBackorder);
    left -= fromBackorder;
    for (const a of [...line.allocations].reverse()) {
      if (left <= 0) break;
      const take = Math.min(left, a.quantity);
      if (line.variant) await release(tx, line.variant.id, [{ locationId: a.locationId, quantity: take }]);
      a.quantity -= take;
      left -= take;
    }
    line.allocations = line.allocations.filter((a) => a.quantity > 0);
    line.quantityCancelled += -delta;
  } else if (p.variant?.trackInventory) {
    const r = await reserve(tx, p.variant.id, delta);
    if (r.missing > 0 && !p.variant.allowBackorder) {
      throw new OrdoError('INSUFFICIENT_STOCK', `Not enough stock of ${p.sku}: ${delta - r.missing} more unit(s) available, ${delta} asked.`, { sku: p.sku, field: 'quantity' });
    }
    line.allocations = mergeAllocations(line.allocations, r.allocations);
    line.quantityBackordered += r.missing;
  }
  line.quantity = p.quantity;
  tx.persist(line);
}

/** What is reserved and not in an open shipment ships; the order's status follows its backorders and shipments. */
async function route(app: AppRuntime, tx: Em, order: Order, actor: string): Promise<void> {
  await tx.flush();
  const lines = await tx.find(OrderLine, { order: order.id });
  const waiting = lines.reduce((n, l) => n + l.quantityBackordered, 0);
  if (waiting > 0 && order.status === OrderStatus.CONFIRMED) {
    const move = await app.machines.get(orderMachine).transition(tx, order, OrderStatus.BACKORDERED, actor);
    if (move.to === OrderStatus.ON_HOLD) order.heldFrom = OrderStatus.BACKORDERED;
    recordTransition(tx, order, move, actor, `After the edit ${waiting} unit(s) wait for stock.`);
  }
  if (ROUTABLE.has(order.status)) await app.service(RoutingService).createShipments(tx, order);
  await followShipments(app, tx, order, actor);
}

/** `2 → 3 × MUG, + 1 × CAP, address, shipping method EXPRESS`. */
function describe(plan: EditPlan): string {
  const parts = plan.lines.filter(changed).map((p) => (p.previous === 0 ? `+ ${p.quantity} × ${p.sku}` : p.quantity === 0 ? `${p.sku} removed` : `${p.previous} → ${p.quantity} × ${p.sku}`));
  if (plan.address) parts.push(`shipping address ${plan.address.city}, ${plan.address.countryCode}`);
  if (plan.method) parts.push(`shipping method ${plan.method.code}`);
  return parts.join(', ');
}
