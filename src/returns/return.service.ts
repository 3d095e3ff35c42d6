// Returns (RMA): request, approve (a job buys the return label), reject, cancel, receive (restock per
// disposition); the resolution (refund or exchange) is return-settlement.ts, run by a job. Every change
// runs under the order's lock, with its history entry and `return.<status>` event in the same
// transaction (return-moves.ts).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, adminIn, assertMayReadOrders, authorize, isAdmin, orderReader, orderStaff, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { Channel } from '../channels/channel.entity.js';
import { SequenceService } from '../channels/sequence.service.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { unitPricesIn } from '../prices/channel-prices.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { withOrder } from '../order-core/order-lock.js';
import { addHistory } from '../order-core/order-history.js';
import { Shipment } from '../fulfillment/shipment.entity.js';
import { shippedFromLocation } from '../fulfillment/shipped-from.js';
import { restock } from '../inventory/stock-ledger.js';
import { CarrierService } from '../fulfillment/carriers/carrier.service.js';
import { labelFile } from '../fulfillment/carriers/carrier.js';
import { packAt, packIn, unitsWeight } from '../inventory/parcel.js';
import { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { DocumentService } from '../documents/document.service.js';
import { ReturnLine, ReturnRequest } from './return-request.entity.js';
import { ItemDisposition, OPEN_RETURN, RefundDestination, ReturnResolution, ReturnStatus, returnMachine } from './return-status.js';
import { ReturnSettlement } from './return-settlement.js';
import { moveReturn, recordReturn, withReturn } from './return-moves.js';
import type { ReceiveReturnLineInput, RequestReturnInput } from './return.inputs.js';

const DAY_MS = 86_400_000;
const FALLBACK_CARRIER = 'sim';

export const returnLabelKey = (returnId: string, ext: 'pdf' | 'zpl' = 'pdf') => `labels/returns/${returnId}.${ext}`;

export function formatReturnNumber(channelCode: string, sequence: number): string {
  return `RMA-${channelCode.toUpperCase()}-${String(sequence).padStart(6, '0')}`;
}


export class ReturnService {
  constructor(private readonly app: AppRuntime) {}

  /** A return the principal may read (its order's customer, access-token holder, or staff). */
  async readable(em: Em, principal: Principal, id: string): Promise<ReturnRequest | null> {
    assertMayReadOrders(principal);
    const ret = await em.findOne(ReturnRequest, { id }, { populate: ['order'] });
    if (!ret) return null;
    authorize(principal, orderReader(ret.order));
    return ret;
  }

  // ------------------------------------------------------------------ mutations

  /** With an idempotency key (kernel/idempotency.ts), a repeat answers with the first return and creates none. */
  async request(em: Em, principal: Principal, input: RequestReturnInput, approve?: boolean | null, idempotencyKey?: string | null): Promise<ReturnRequest> {
    checkIdempotencyKey(idempotencyKey);
    assertMayReadOrders(principal);
    const ids = input.lines.map((l) => l.orderLineId);
    if (!ids.length) throw badInput('A return needs at least one line.', 'lines');
    if (new Set(ids).size !== ids.length) throw badInput('Each order line may appear once in a return.', 'lines');
    for (const l of input.lines) if (!Number.isInteger(l.quantity) || l.quantity < 1) throw badInput('quantity must be at least 1.', 'lines');
    const toStoreCredit = input.refundTo === RefundDestination.STORE_CREDIT;
    if (toStoreCredit && input.resolution !== ReturnResolution.REFUND) throw badInput('refundTo STORE_CREDIT goes with resolution REFUND.', 'input.refundTo');
    input.lines.forEach((l, i) => {
      if (l.exchangeSku != null && input.resolution !== ReturnResolution.EXCHANGE) {
        throw badInput(`exchangeSku asks for another variant in exchange: only a return with resolution EXCHANGE takes it (this one is ${input.resolution}).`, `input.lines[${i}].exchangeSku`);
      }
    });
    const actor = actorName(principal);
    return withOrder(em, input.orderId, async (tx, order) => {
      authorize(principal, orderReader(order));
      // Store credit belongs to a customer's account: a guest's order has none to credit.
      if (toStoreCredit && !order.customer) throw badInput('Store credit needs a customer account: this order was placed by a guest.', 'input.refundTo');
      const request = { input, approve: !!approve };
      return once(tx, `requestReturn:${keyOwner(principal)}`, idempotencyKey, request, async () => {
        const lines = await tx.find(OrderLine, { order: order.id });
        const byId = new Map(lines.map((l) => [l.id, l]));
        const foreign = ids.filter((id) => !byId.has(id));
        if (foreign.length) throw badInput(`Order line ${foreign.join(', ')} is not a line of order ${order.number}.`, 'lines');
        const open = await tx.find(ReturnLine, { orderLine: { $in: ids }, returnRequest: { status: { $in: OPEN_RETURN } } });
        for (const l of input.lines) {
          const ol = byId.get(l.orderLineId)!;
          const claimed = open.filter((r) => r.orderLine.id === ol.id).reduce((s, r) => s + r.quantity, 0);
          const returnable = ol.quantityShipped - ol.quantityReturned - claimed;
          if (l.quantity > returnable) {
            throw badInput(`At most ${Math.max(0, returnable)} of ${ol.sku} can be returned (shipped ${ol.quantityShipped}, returned ${ol.quantityReturned}, in open returns ${claimed}); ${l.quantity} were asked for.`, 'lines');
          }
        }
        await this.checkWindow(tx, order);
        await this.checkExchangeSkus(tx, order, input);

        const channel = await tx.findOneOrFail(Channel, { id: order.channel.id });
        const seq = await this.app.service(SequenceService).nextInTransaction(tx, channel.id, 'return', 1);
        const ret = tx.create(ReturnRequest, {
          number: formatReturnNumber(channel.code, seq), channelId: channel.id, order, status: ReturnStatus.REQUESTED,
          resolution: input.resolution, customerNote: input.customerNote ?? null, refundTo: toStoreCredit ? RefundDestination.STORE_CREDIT : null,
        });
        tx.persist(ret);
        for (const l of input.lines) {
          tx.persist(tx.create(ReturnLine, { returnRequest: ret, orderLine: byId.get(l.orderLineId)!, quantity: l.quantity, reason: l.reason, exchangeSku: l.exchangeSku ?? null }));
        }
        const units = input.lines.map((l) => `${l.quantity} × ${byId.get(l.orderLineId)!.sku} (${l.reason}${l.exchangeSku != null ? `, exchange for ${l.exchangeSku}` : ''})`).join(', ');
        recordReturn(tx, order, ret, null, ReturnStatus.REQUESTED, actor, `Return ${ret.number} requested for ${units}; resolution ${input.resolution}${toStoreCredit ? ' to store credit' : ''}.`);
        if (approve && isAdmin(principal, 'orders')) await moveReturn(this.app, tx, order, ret, ReturnStatus.APPROVED, actor, `Return ${ret.number} approved.`);
        return ret;
      }, (firstId) => tx.findOneOrFail(ReturnRequest, { id: firstId }));
    });
  }

  async approve(em: Em, principal: Principal, id: string): Promise<ReturnRequest> {
    authorize(principal, adminIn('orders'));
    return withReturn(em, id, async (tx, order, ret) => {
      authorize(principal, orderStaff(order));
      await moveReturn(this.app, tx, order, ret, ReturnStatus.APPROVED, actorName(principal), `Return ${ret.number} approved.`);
      return ret;
    });
  }

  async reject(em: Em, principal: Principal, id: string, reason: string): Promise<ReturnRequest> {
    authorize(principal, adminIn('orders'));
    const why = reason?.trim();
    if (!why || why.length > 500) throw badInput('reason is 1 to 500 characters.', 'reason');
    return withReturn(em, id, async (tx, order, ret) => {
      authorize(principal, orderStaff(order));
      ret.rejectionReason = why;
      await moveReturn(this.app, tx, order, ret, ReturnStatus.REJECTED, actorName(principal), `Return ${ret.number} rejected: ${why}`);
      return ret;
    });
  }

  async cancel(em: Em, principal: Principal, id: string): Promise<ReturnRequest> {
    assertMayReadOrders(principal);
    return withReturn(em, id, async (tx, order, ret) => {
      authorize(principal, orderReader(order));
      await moveReturn(this.app, tx, order, ret, ReturnStatus.CANCELLED, actorName(principal), `Return ${ret.number} cancelled.`);
      return ret;
    });
  }

  /** With an idempotency key, a repeat answers with the return and restocks nothing again (even once it moved on). */
  async receive(em: Em, principal: Principal, id: string, input: ReceiveReturnLineInput[], idempotencyKey?: string | null): Promise<ReturnRequest> {
    authorize(principal, adminIn('orders'));
    checkIdempotencyKey(idempotencyKey);
    const actor = actorName(principal);
    if (new Set(input.map((l) => l.returnLineId)).size !== input.length) throw badInput('Each return line may appear once.', 'lines');
    return withReturn(em, id, (tx, order, ret) => {
      authorize(principal, orderStaff(order));
      return once(tx, `receiveReturn:${keyOwner(principal)}`, idempotencyKey, { id, lines: input }, async () => {
      returnMachine.assertMove(ret.status, ReturnStatus.RECEIVED);
      const lines = await tx.find(ReturnLine, { returnRequest: ret.id }, { orderBy: { id: 'asc' } });
      const byId = new Map(lines.map((l) => [l.id, l]));
      for (const l of input) {
        const rl = byId.get(l.returnLineId);
        if (!rl) throw badInput(`Return line ${l.returnLineId} is not a line of return ${ret.number}.`, 'lines');
        if (!Number.isInteger(l.quantity) || l.quantity < 0 || l.quantity > rl.quantity) {
          throw badInput(`Between 0 and ${rl.quantity} units can be received on return line ${rl.id}; ${l.quantity} were given.`, 'lines');
        }
      }
      if (!input.some((l) => l.quantity > 0)) throw badInput('Nothing received: give at least one unit, or cancel the return.', 'lines');
      const orderLines = await tx.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } });
      const notes: string[] = [];
      for (const l of input) {
        const rl = byId.get(l.returnLineId)!;
        const ol = orderLines.find((o) => o.id === rl.orderLine.id)!;
        rl.quantityReceived = l.quantity;
        rl.disposition = l.disposition;
        if (l.quantity === 0) continue;
        ol.quantityReturned += l.quantity;
        notes.push(`${l.quantity} × ${ol.sku} ${l.disposition}`);
        if (l.disposition === ItemDisposition.RESTOCK) await this.restock(tx, order, ret, ol, l.quantity);
      }
      await moveReturn(this.app, tx, order, ret, ReturnStatus.RECEIVED, actor, `Return ${ret.number} received: ${notes.join(', ')}.`);
      return ret;
    }, (firstId) => tx.findOneOrFail(ReturnRequest, { id: firstId }));
    });
  }

  // ------------------------------------------------------------------ jobs

  /** Job `returns.label`: an approved return gets a return label from the order's carrier. Idempotent. */
  async buyLabel(em: Em, id: string): Promise<boolean> {
    const ret = await em.findOne(ReturnRequest, { id });
    if (!ret || ret.status !== ReturnStatus.APPROVED || ret.trackingNumber) return false;
    const order = await em.findOneOrFail(Order, { id: ret.order.id });
    const shipment = await em.findOne(Shipment, { order: order.id, shippedAt: { $ne: null } }, { orderBy: { id: 'asc' } });
    const location = shipment ? await em.findOne(StockLocation, { id: shipment.location.id }) : null;
    const method = order.shippingMethod ? await em.findOne(ShippingMethod, { id: order.shippingMethod.id }) : null;
    const carrierCode = method?.carrierCode ?? FALLBACK_CARRIER;
    const a = order.shippingAddress;
    // The units coming back, in the receiving location's box (or a medium carton when none is known).
    const returned = await em.find(ReturnLine, { returnRequest: ret.id }, { populate: ['orderLine'] });
    const units = new Map<string, number>();
    for (const l of returned) units.set(l.orderLine.sku, (units.get(l.orderLine.sku) ?? 0) + l.quantity);
    const grams = await unitsWeight(em, units);
    const packed = location ? packAt(location, grams) : null;
    const parcel = packed?.parcel ?? packIn(null, grams);
    const label = await this.app.service(CarrierService).get(carrierCode).createLabel({
      // The return's id: a retried job gets the same label from carriers that key on it.
      shipmentId: ret.id,
      orderNumber: `${order.number} / ${ret.number}`,
      serviceCode: carrierCode,
      service: method?.serviceCode ?? null,
      isReturn: true,
      from: { name: a.name, line1: a.line1, line2: a.line2 ?? null, city: a.city, region: a.region ?? null, postalCode: a.postalCode, countryCode: a.countryCode, phone: a.phone ?? null },
      to: packed?.from ?? {
        name: location?.name ?? 'Returns', line1: location?.name ?? 'Returns', city: location?.region ?? '', region: location?.region ?? null,
        postalCode: '', countryCode: location?.countryCode ?? a.countryCode,
      },
      weightGrams: parcel.weightGrams,
      parcels: 1,
      parcel,
      minTransitDays: method?.minTransitDays ?? 2,
      maxTransitDays: method?.maxTransitDays ?? 5,
    });
    const file = labelFile(label);
    const key = returnLabelKey(ret.id, file.ext);
    await this.app.service(DocumentService).save(key, file.bytes, file.contentType);
    return withReturn(em, id, async (tx, lockedOrder, r) => {
      if (r.status !== ReturnStatus.APPROVED || r.trackingNumber) return false;
      r.carrierCode = carrierCode;
      r.trackingNumber = label.trackingNumber;
      r.labelKey = key;
      r.locationId = location?.id ?? null;
      const message = `Return ${r.number}: ${carrierCode} return label bought, tracking number ${label.trackingNumber}.`;
      addHistory(tx, lockedOrder, { type: 'RETURN_LABEL_CREATED', actor: 'system', message });
      recordEvent(tx, 'return.label_created', { orderId: lockedOrder.id, returnId: r.id, number: r.number, trackingNumber: label.trackingNumber, message }, lockedOrder.id);
      return true;
    });
  }

  /** Job `returns.resolve`: a received return is refunded or exchanged (return-settlement.ts). */
  resolve(em: Em, id: string): Promise<ReturnStatus | null> {
    return this.app.service(ReturnSettlement).resolve(em, id);
  }

  // ------------------------------------------------------------------ internals

  private async checkWindow(tx: Em, order: Order): Promise<void> {
    // The channel's own window, read now (not from the reference cache): a shortened window applies at once.
    const channel = await tx.findOneOrFail(Channel, { id: order.channel.id });
    const days = channel.returnWindowDays ?? this.app.config.returnWindowDays;
    const delivered = await tx.find(Shipment, { order: order.id, deliveredAt: { $ne: null } }, { orderBy: { deliveredAt: 'desc' }, limit: 1 });
    const at = delivered[0]?.deliveredAt;
    if (!at) return; // not delivered yet: the window has not started
    const closes = new Date(at.getTime() + days * DAY_MS);
    if (Date.now() > closes.getTime()) {
      throw new OrdoError('BAD_USER_INPUT', `The return window of ${days} days from delivery closed on ${closes.toISOString().slice(0, 10)}: this order can no longer be returned.`, { field: 'orderId' });
    }
  }

  /** Each line's exchangeSku names an active variant sold in the order's currency. */
  private async checkExchangeSkus(tx: Em, order: Order, input: RequestReturnInput): Promise<void> {
    const skus = input.lines.map((l) => l.exchangeSku).filter((s): s is string => s != null);
    if (!skus.length) return;
    const found = await tx.find(ProductVariant, { sku: { $in: skus }, active: true });
    // Sold in the order's channel: a price of its own there, or a catalog price in its currency.
    const unitPrices = await unitPricesIn(tx, { id: order.channel.id, currencyCode: order.currencyCode }, found);
    input.lines.forEach((l, i) => {
      if (l.exchangeSku == null) return;
      const v = found.find((x) => x.sku === l.exchangeSku);
      if (!v) throw badInput(`Unknown or inactive SKU: ${l.exchangeSku}.`, `input.lines[${i}].exchangeSku`);
      if (unitPrices.get(v.id) == null) throw badInput(`SKU ${v.sku} is not sold in ${order.currencyCode}.`, `input.lines[${i}].exchangeSku`);
    });
  }

  /** Units back on hand at the location they shipped from: RETURNED movement, `stock.changed` (backorders wait for it). */
  private async restock(tx: Em, order: Order, ret: ReturnRequest, ol: OrderLine, quantity: number): Promise<void> {
    if (!ol.variant) return;
    const variant = await tx.findOneOrFail(ProductVariant, { id: ol.variant.id });
    if (!variant.trackInventory) return;
    const locationId = (await shippedFromLocation(tx, ol.id)) ?? ret.locationId ?? null;
    if (!locationId) throw new OrdoError('INVALID_STATE_TRANSITION', `No shipment of ${ol.sku} left a stock location: nothing to restock.`);
    await restock(tx, { variantId: variant.id, sku: variant.sku, locationId }, quantity, { note: `Return ${ret.number}`, orderId: order.id });
    recordEvent(tx, 'stock.changed', { sku: variant.sku, variantId: variant.id, locationId, delta: quantity, reason: 'RETURNED', orderId: order.id, returnId: ret.id }, variant.id);
  }
}
