// placeOrder: validate, price and tax, then one transaction that reserves stock (conditional UPDATEs),
// numbers the order, authorizes the payment and inserts the whole order with one flush. It either
// returns an order or changes nothing. An idempotency key makes a retry return the first result.
import { createHash } from 'node:crypto';
import { DeadlockException, LockWaitTimeoutException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db.js';
import { actorName, hashToken, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { orderTotals, priceLine } from '../kernel/money.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ChannelService } from '../channels/channel.service.js';
import { SequenceService } from '../channels/sequence.service.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { reserve, type Allocation } from '../inventory/reservation.js';
import { ShippingService } from '../shipping/shipping.service.js';
import { Payment, PaymentStatus } from '../payments/payment.entity.js';
import { PaymentService } from '../payments/payment.service.js';
import { Order } from './order.entity.js';
import { OrderLine } from './order-line.entity.js';
import { OrderStatus, orderMachine } from './order-status.js';
import { addHistory, recordTransition } from './order-history.js';
import { MAX_LINE_QUANTITY, type PlaceOrderInput } from './order.inputs.js';
import { orderAccessToken } from './order-token.js';

export interface PlaceOrderResult {
  order: Order;
  accessToken: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

export class PlaceOrder {
  constructor(private readonly app: AppRuntime) {}

  async run(em: Em, principal: Principal, input: PlaceOrderInput, idempotencyKey?: string | null): Promise<PlaceOrderResult> {
    if (idempotencyKey !== undefined && idempotencyKey !== null && !/^[\w\-.:]{1,200}$/.test(idempotencyKey)) {
      throw badInput('idempotencyKey is 1 to 200 letters, digits, - _ . or :.', 'idempotencyKey');
    }
    const email = input.email.trim().toLowerCase();
    const quantities = mergeLines(input.lines);
    const channel = await this.app.service(ChannelService).byCode(em, input.channelCode);
    const payments = this.app.service(PaymentService);
    const provider = payments.provider(input.payment.method);
    provider.validate?.(input.payment);
    const shipping = this.app.service(ShippingService);
    const method = await shipping.methodByCode(em, input.shippingMethodCode);
    if (!method) throw badInput(`There is no shipping method with code "${input.shippingMethodCode}".`, 'shippingMethodCode');
    if (method.currencyCode !== channel.currencyCode) {
      throw badInput(`Shipping method ${method.code} is priced in ${method.currencyCode}, the channel sells in ${channel.currencyCode}.`, 'shippingMethodCode');
    }

    const customerId = principal.kind === 'customer' ? principal.customerId : null;
    const scope = customerId ?? `guest:${email}`;
    const keyHash = idempotencyKey ? sha(`${channel.id}|${scope}|${idempotencyKey}`) : null;
    const requestHash = keyHash ? sha(JSON.stringify({ ...input, email, lines: [...quantities] })) : null;

    try {
      return await this.attempt(em, principal, input, { email, quantities, channel, method, customerId, keyHash, requestHash });
    } catch (e) {
      // A repeat of a keyed request: the first one committed (maybe while this one waited), so answer with it.
      if (keyHash && (e instanceof UniqueConstraintViolationException || e instanceof OrdoError)) {
        const first = await em.fork().findOne(Order, { idempotencyKey: keyHash });
        if (first) {
          if (first.requestHash !== requestHash) throw new OrdoError('CONFLICT', 'This idempotencyKey was used for a different order: use a new key for a new order.');
          return { order: first, accessToken: orderAccessToken(this.app.secret, first.id) };
        }
      }
      throw e;
    }
  }

  private async attempt(em: Em, principal: Principal, input: PlaceOrderInput, c: Prepared): Promise<PlaceOrderResult> {
    const variants = await em.find(ProductVariant, { sku: { $in: [...c.quantities.keys()] }, active: true });
    const bySku = new Map(variants.map((v) => [v.sku, v]));
    const unknown = [...c.quantities.keys()].filter((s) => !bySku.has(s));
    if (unknown.length) throw badInput(`Unknown or inactive SKU: ${unknown.join(', ')}.`, 'lines');
    const foreign = variants.filter((v) => v.currencyCode !== c.channel.currencyCode);
    if (foreign.length) throw badInput(`SKU ${foreign.map((v) => v.sku).join(', ')} is not sold in ${c.channel.currencyCode}.`, 'lines');

    const country = input.shippingAddress.countryCode;
    const bp = await this.app.service(ShippingService).basisPointsFor(em, country);
    const priced = variants.map((v) => ({ v, p: priceLine(v.price, c.quantities.get(v.sku)!, bp) }));
    const totals = orderTotals(priced.map((x) => x.p), c.method.price, bp);
    const provider = this.app.service(PaymentService).provider(input.payment.method);

    for (let tries = 1; ; tries++) {
      const orderId = newId('ord');
      const accessToken = orderAccessToken(this.app.secret, orderId);
      try {
        const order = await em.fork().transactional(async (tx) => {
          // Lines in a fixed order (variant id) so that two orders lock stock rows in the same order.
          const reserved = new Map<string, { allocations: Allocation[]; backordered: number }>();
          for (const { v } of [...priced].sort((a, b) => (a.v.id < b.v.id ? -1 : 1))) {
            const qty = c.quantities.get(v.sku)!;
            if (!v.trackInventory) {
              reserved.set(v.id, { allocations: [], backordered: 0 });
              continue;
            }
            const r = await reserve(tx, v.id, qty);
            if (r.missing > 0 && !v.allowBackorder) {
              throw new OrdoError('INSUFFICIENT_STOCK', `Only ${qty - r.missing} of ${v.sku} can be sold now; ${qty} were asked for.`, { sku: v.sku });
            }
            reserved.set(v.id, { allocations: r.allocations, backordered: r.missing });
          }
          const number = await this.app.service(SequenceService).nextOrderNumber(tx, c.channel.id);
          const auth = await provider.authorize({
            amount: totals.total, currencyCode: c.channel.currencyCode, token: input.payment.token,
            idempotencyKey: c.keyHash ?? orderId, email: c.email,
          });
          if (auth.outcome === 'declined') throw new OrdoError('PAYMENT_DECLINED', `Payment declined: ${auth.reason}`);

          const placedAt = new Date();
          const order = tx.create(Order, {
            id: orderId, number, status: OrderStatus.PENDING,
            paymentStatus: auth.outcome === 'authorized' ? PaymentStatus.AUTHORIZED : PaymentStatus.PENDING,
            channel: c.channel.id, customer: c.customerId, email: c.email, externalId: input.externalId ?? null,
            currencyCode: c.channel.currencyCode, ...totals, taxBasisPoints: bp,
            shippingAddress: input.shippingAddress as never, billingAddress: (input.billingAddress ?? null) as never,
            shippingMethod: c.method.id, note: input.note ?? null, placedAt, updatedAt: placedAt,
            estimatedDeliveryAt: new Date(placedAt.getTime() + c.method.maxTransitDays * 86_400_000),
            accessTokenHash: hashToken(accessToken), idempotencyKey: c.keyHash, requestHash: c.requestHash,
          });
          tx.persist(order);
          let backordered = 0;
          for (const { v, p } of priced) {
            const r = reserved.get(v.id)!;
            backordered += r.backordered;
            tx.persist(tx.create(OrderLine, {
              order, variant: v.id, sku: v.sku, name: v.name, quantity: p.quantity, unitPrice: p.unitPrice,
              taxTotal: p.tax, lineTotal: p.total, allocations: r.allocations, quantityBackordered: r.backordered,
            }));
          }
          tx.persist(tx.create(Payment, {
            order, method: provider.code, amount: totals.total, currencyCode: c.channel.currencyCode,
            status: auth.outcome === 'authorized' ? PaymentStatus.AUTHORIZED : PaymentStatus.PENDING,
            transactionId: auth.transactionId ?? null,
          }));
          const actor = principal.kind === 'admin' ? actorName(principal) : 'customer';
          addHistory(tx, order, { type: 'ORDER_PLACED', to: OrderStatus.PENDING, actor, message: `Order ${number} placed by ${c.email}.` });
          recordEvent(tx, 'order.placed', { orderId, number, channelId: c.channel.id, skus: priced.map((x) => x.v.sku) }, orderId);
          if (auth.outcome === 'authorized') {
            const target = backordered > 0 ? OrderStatus.BACKORDERED : OrderStatus.CONFIRMED;
            const move = await orderMachine.transition(tx, order, target, actor);
            if (move.to === OrderStatus.ON_HOLD) order.heldFrom = target;
            recordTransition(tx, order, move, actor, backordered > 0
              ? `Payment authorized; ${backordered} unit(s) wait for stock.`
              : 'Payment authorized and stock reserved.');
          }
          await tx.flush();
          return order;
        });
        return { order, accessToken };
      } catch (e) {
        // PostgreSQL may pick this transaction as a deadlock victim: nothing was written, try again.
        if ((e instanceof DeadlockException || e instanceof LockWaitTimeoutException) && tries < 3) continue;
        throw e;
      }
    }
  }
}

interface Prepared {
  email: string;
  quantities: Map<string, number>;
  channel: { id: string; currencyCode: string };
  method: { id: string; code: string; price: number; maxTransitDays: number };
  customerId: string | null;
  keyHash: string | null;
  requestHash: string | null;
}

/** Two lines of one SKU become one line; the sum must stay within the per-line bound. */
function mergeLines(lines: { sku: string; quantity: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) {
    const sku = l.sku.trim();
    if (!Number.isInteger(l.quantity) || l.quantity < 1) throw badInput('quantity must be at least 1.', 'lines');
    out.set(sku, (out.get(sku) ?? 0) + l.quantity);
    if (out.get(sku)! > MAX_LINE_QUANTITY) throw badInput(`quantity of ${sku} must be at most ${MAX_LINE_QUANTITY}.`, 'lines');
  }
  return out;
}
