// Writes one imported order in the caller's transaction, the way placeOrder writes a placed one (the same
// rows, history and events), with what differs for an order a channel sold and was paid for:
// - prices and taxes as the channel sent them;
// - one `external` payment, captured at import for the total (a CAPTURE operation with the channel's
//   reference, and `payment.captured`, so invoicing and refunds treat it like any captured payment);
// - stock by the channel's policy: RESERVE refuses the order when a unit is missing (INSUFFICIENT_STOCK,
//   the transaction rolls back), BACKORDER keeps the missing units as a backorder;
// - fulfilledByChannel: nothing reserved, lines shipped, the order SHIPPED (no shipment: the channel's
//   warehouse shipped it).
// The order then moves like a placed order: CONFIRMED (or BACKORDERED, or ON_HOLD by a guard) and on to
// routing through `order.confirmed`.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { hashToken } from '../kernel/auth.js';
import { OrdoError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ImportStockPolicy, type Channel } from '../channels/channel.entity.js';
import { SequenceService } from '../channels/sequence.service.js';
import { reserve, type Allocation } from '../inventory/stock-ledger.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { transitionRecords, type EventRecord, type HistoryRecord } from '../order-core/order-history.js';
import { insertPlacedOrder, type LineRow } from '../order-core/order-rows.js';
import { orderAccessToken } from '../order-core/order-token.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { PaymentOperation, PaymentOperationKind } from '../payments/payment-operation.entity.js';
import { EXTERNAL_METHOD } from '../payments/providers/external.js';
import type { ImportOrderInput } from './import.inputs.js';
import type { CheckedImport } from './import-checks.js';
import { SourcingService } from '../sourcing/sourcing.service.js';
import { reserveLine, type LineSourcing } from '../sourcing/reserve-lines.js';

export async function writeImportedOrder(app: AppRuntime, tx: Em, channel: Channel, input: ImportOrderInput, c: CheckedImport, requestHash: string, actor: string): Promise<string> {
  const id = newId('ord');
  const rows: LineRow[] = [];
  let backordered = 0;
  // Where the channel's sourcing strategy wants the units (null: the ledger's priority order).
  const planned = input.fulfilledByChannel ? null : await importSourcing(app, tx, channel, input, c);
  // In variant order, as placeOrder reserves, so that two transactions lock stock rows alike.
  for (const l of [...c.lines].sort((a, b) => (a.v.id < b.v.id ? -1 : 1))) {
    let allocations: Allocation[] = [];
    let missing = 0;
    if (!input.fulfilledByChannel && l.v.trackInventory) {
      const r = planned
        ? await reserveLine(tx, { variantId: l.v.id, sku: l.v.sku, quantity: l.quantity, trackInventory: true, allowBackorder: true }, planned.get(l.v.id))
        : await reserve(tx, l.v.id, l.quantity);
      if (r.missing > 0 && channel.importStockPolicy === ImportStockPolicy.RESERVE && !l.v.allowBackorder) {
        throw new OrdoError('INSUFFICIENT_STOCK', `Only ${l.quantity - r.missing} of the ${l.quantity} unit(s) of ${l.v.sku} are in stock; channel ${channel.code} imports with RESERVE.`, { sku: l.v.sku });
      }
      allocations = r.allocations;
      missing = r.missing;
    }
    backordered += missing;
    rows.push({
      id: newId('oln'), variantId: l.v.id, sku: l.v.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice,
      taxTotal: l.taxTotal, lineTotal: l.unitPrice * l.quantity + l.taxTotal, quantityBackordered: missing, allocations,
      quantityShipped: input.fulfilledByChannel ? l.quantity : 0,
    });
  }
  const number = await app.service(SequenceService).nextOrderNumber(tx, channel.id);
  const shell = { id, number, status: OrderStatus.PENDING } as unknown as Order;
  const history: HistoryRecord[] = [{
    type: 'ORDER_IMPORTED', to: OrderStatus.PENDING, actor,
    message: `Order ${number} imported from channel ${channel.code} (its order ${input.externalId}), paid there${input.paymentReference ? ` (${input.paymentReference})` : ''}.`,
  }];
  const events: EventRecord[] = [{
    type: 'order.placed',
    payload: { orderId: id, number, channelId: channel.id, skus: rows.map((r) => r.sku), paymentMethod: EXTERNAL_METHOD, imported: true, externalId: input.externalId },
  }];
  let status: OrderStatus;
  let heldFrom: OrderStatus | null = null;
  if (input.fulfilledByChannel) {
    // Not a move of the machine: the order starts where the channel left it.
    status = OrderStatus.SHIPPED;
    history.push({ type: 'STATUS_CHANGED', from: OrderStatus.PENDING, to: OrderStatus.SHIPPED, actor, message: `Fulfilled by channel ${channel.code}.` });
    events.push({ type: 'order.shipped', payload: { orderId: id, number, from: OrderStatus.PENDING, to: OrderStatus.SHIPPED, message: `Fulfilled by channel ${channel.code}.`, fulfilledByChannel: true } });
  } else {
    const target = backordered > 0 ? OrderStatus.BACKORDERED : OrderStatus.CONFIRMED;
    const move = await app.machines.get(orderMachine).transition(tx, shell, target, actor);
    const t = transitionRecords(shell, move, actor, backordered > 0 ? `Imported paid; ${backordered} unit(s) wait for stock.` : 'Imported paid; stock reserved.');
    history.push(t.history);
    events.push(t.event);
    status = move.to;
    heldFrom = move.to === OrderStatus.ON_HOLD ? target : null;
  }
  const placedAt = input.placedAt ?? new Date();
  const transit = c.method?.maxTransitDays;
  const paymentId = newId('pay');
  const reference = input.paymentReference ?? null;
  await insertPlacedOrder(tx, {
    id, number, status, heldFrom, paymentStatus: PaymentStatus.PAID,
    channelId: channel.id, customerId: null, email: input.email.trim().toLowerCase(), externalId: input.externalId, currencyCode: channel.currencyCode,
    subtotal: c.subtotal, shippingTotal: input.shippingTotal, taxTotal: c.taxTotal, total: input.total, discountTotal: c.discountTotal,
    discounts: c.discountTotal > 0 ? [{ kind: 'channel', label: `Discount given on ${channel.code}`, amount: c.discountTotal, reference: input.externalId }] : null,
    // The order keeps one rate for documents; a channel sends amounts, so this is the lines' effective rate.
    taxBasisPoints: c.subtotal > 0 ? Math.round(((c.taxTotal - c.shippingTax) * 10_000) / c.subtotal) : 0,
    shippingAddress: input.shippingAddress, billingAddress: input.billingAddress ?? null,
    shippingMethodId: c.method?.id ?? null, note: input.note ?? null, placedAt,
    estimatedDeliveryAt: transit !== undefined && !input.fulfilledByChannel ? new Date(Date.now() + transit * 86_400_000) : null,
    accessTokenHash: hashToken(orderAccessToken(app.secret, id)), idempotencyKey: null, requestHash,
  }, rows, {
    id: paymentId, method: EXTERNAL_METHOD, status: PaymentStatus.PAID, amount: input.total, amountCaptured: input.total,
    currencyCode: channel.currencyCode, transactionId: reference,
  }, history, events);
  // The capture the channel made, as a capture of ours would be recorded: invoicing and refunds read it.
  const op = tx.create(PaymentOperation, {
    payment: paymentId, order: id, kind: PaymentOperationKind.CAPTURE, amount: input.total,
    providerTransactionId: reference, idempotencyKey: `import:${channel.id}:${input.externalId}`,
  });
  tx.persist(op);
  recordEvent(tx, 'payment.captured', { orderId: id, paymentId, operationId: op.id, amount: input.total, imported: true }, id);
  await tx.flush();
  return id;
}

async function importSourcing(app: AppRuntime, tx: Em, channel: Channel, input: ImportOrderInput, c: CheckedImport): Promise<Map<string, LineSourcing> | null> {
  const sourcing = app.service(SourcingService);
  const strategy = sourcing.strategyFor(channel);
  if (strategy === 'priority') return null;
  const lines = c.lines.map((l) => ({ variantId: l.v.id, sku: l.v.sku, quantity: l.quantity, trackInventory: l.v.trackInventory, allowBackorder: true }));
  const to = { countryCode: input.shippingAddress.countryCode, region: input.shippingAddress.region };
  return (await sourcing.plan(tx, tx, strategy, to, lines)).lines;
}
