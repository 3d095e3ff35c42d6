import type { AppRuntime } from '../kernel/runtime.js';
import { FROM_REPLICA, type Em } from '../kernel/db/orm.js';
import { actorName, adminIn, assertMayReadOrders, authorize, channelScope, isAdmin, orderReader, orderStaff, type Principal } from '../kernel/auth.js';
import { OrdoError } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { pageOf, pageOfBranches, type Page } from '../kernel/pagination.js';
import { plainFindOne } from '../kernel/db/plain-find.js';
import { release } from '../inventory/stock-ledger.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import { formatMoney } from '../kernel/money.js';
import { settleCancelledPayments } from '../payments/cancellation-refunds.js';
import { ChannelService } from '../channels/channel.service.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderTag } from '../order-core/order-tag.entity.js';
import { normaliseTags } from '../customers/customer-tags.js';
import { CANCELLABLE, OrderStatus, orderMachine } from '../order-core/order-status.js';
import { recordTransition } from '../order-core/order-history.js';
import { withOrder } from '../order-core/order-lock.js';
import { unpreorder } from '../order-core/preordered-units.js';
import type { OrderFilter } from './order.inputs.js';

/** At most this many index scans merged for one page (statuses × scoped channels); beyond, one statement. */
const MAX_BRANCHES = 24;

/** Statuses in which the buyer may still cancel by themselves; later, only staff can. */
const BUYER_CANCELLABLE = new Set([OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.BACKORDERED]);

export class OrderService {
  constructor(private readonly app: AppRuntime) {}

  /** An order the principal may read, or null when there is none; FORBIDDEN when it is someone else's. */
  async readable(em: Em, principal: Principal, id: string): Promise<Order | null> {
    assertMayReadOrders(principal);
    const order = await plainFindOne(em, Order, { id });
    if (!order) return null;
    authorize(principal, orderReader(order));
    return order;
  }

  async byNumber(em: Em, principal: Principal, channelCode: string | undefined | null, number: string): Promise<Order | null> {
    assertMayReadOrders(principal);
    const channelId = await this.channelIdOf(em, channelCode ?? 'default');
    const order = channelId ? await plainFindOne(em, Order, { number, channel: channelId }) : null;
    if (!order) return null;
    authorize(principal, orderReader(order));
    return order;
  }

  /** Admins see every order (of their channels); a customer only theirs; an order token only its order. */
  async list(em: Em, principal: Principal, first?: number | null, after?: string | null, filter?: OrderFilter | null): Promise<Page<Order>> {
    const where: Record<string, unknown> = {};
    if (principal.kind === 'anonymous') authorize(principal, adminIn('orders'));
    else if (principal.kind === 'customer') where.customer = principal.customerId;
    else if (principal.kind === 'order') where.id = principal.orderId;
    else authorize(principal, adminIn('orders'));
    const scope = channelScope(principal);
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.email) where.email = filter.email.trim().toLowerCase();
    if (filter?.externalId) where.externalId = filter.externalId;
    let channels: string[] | null = null;
    if (filter?.channelCode) {
      const id = await this.channelIdOf(em, filter.channelCode);
      where.channel = id && (!scope || scope.includes(id)) ? id : '-'; // no such channel: an empty list
    } else if (scope) {
      where.channel = { $in: scope };
      channels = [...new Set(scope)];
    }
    if (filter?.tags?.length) {
      // Every tag: one indexed subquery on order_tag (tag, order_id) each.
      where.$and = normaliseTags(filter.tags, 'filter.tags').map((tag) => ({
        id: { $in: em.createQueryBuilder(OrderTag, 't').select('t.order_id').where({ tag }).getKnexQuery() },
      }));
    }
    if (filter?.placedAfter || filter?.placedBefore) {
      where.placedAt = { ...(filter.placedAfter ? { $gte: filter.placedAfter } : {}), ...(filter.placedBefore ? { $lt: filter.placedBefore } : {}) };
    }
    // Several statuses (or scoped channels): one ordered index scan per value, merged: the same rows as the IN list.
    const statuses = filter?.status && filter.status.length > 1 ? [...new Set(filter.status)] : null;
    if ((statuses && statuses.length > 1) || (channels && channels.length > 1)) {
      const branches: Record<string, unknown>[] = [];
      for (const status of statuses ?? [null]) {
        for (const channel of channels ?? [null]) {
          branches.push({ ...where, ...(status ? { status } : {}), ...(channel ? { channel } : {}) });
        }
      }
      if (branches.length <= MAX_BRANCHES) return pageOfBranches(em, Order, where, branches, first, after, FROM_REPLICA);
    }
    return this.page(em, where, first, after);
  }

  /** The id of the channel of that code, or null when there is none: the reference cache (ORDO_REFERENCE_CACHE_MS) answers, as for placeOrder. */
  private async channelIdOf(em: Em, code: string): Promise<string | null> {
    try {
      return (await this.app.service(ChannelService).byCode(em, code)).id;
    } catch (e) {
      if (e instanceof OrdoError && e.code === 'BAD_USER_INPUT') return null;
      throw e;
    }
  }

  /** A page of orders and its count, from the read replica when there is one (DATABASE_READ_URL: it may lag). */
  page(em: Em, where: Record<string, unknown>, first?: number | null, after?: string | null): Promise<Page<Order>> {
    return pageOf(em, Order, where, first, after, FROM_REPLICA);
  }

  /**
   * Cancels: releases reserved stock, voids authorizations and owes captured money back (a refund job
   * sends it), all in one transaction.
   * `onlyIf` is checked under the order's lock: when it no longer holds (the order was paid meanwhile,
   * say), nothing changes and the answer is CONFLICT.
   */
  async cancel(em: Em, principal: Principal, id: string, reason?: string | null, onlyIf?: (order: Order) => boolean, idempotencyKey?: string | null): Promise<Order> {
    checkIdempotencyKey(idempotencyKey);
    assertMayReadOrders(principal);
    return withOrder(em, id, async (tx, order) => {
      authorize(principal, orderReader(order));
      // A retry with the key answers the cancelled order; without one, a second cancel is INVALID_STATE_TRANSITION.
      return once(tx, `cancelOrder:${keyOwner(principal)}`, idempotencyKey, { id, reason: reason ?? null }, async () => {
        await this.cancelIn(tx, principal, order, reason, onlyIf);
        return order;
      }, (orderId) => tx.findOneOrFail(Order, { id: orderId }));
    });
  }

  private async cancelIn(tx: Em, principal: Principal, order: Order, reason?: string | null, onlyIf?: (order: Order) => boolean): Promise<void> {
    if (onlyIf && !onlyIf(order)) throw new OrdoError('CONFLICT', `Order ${order.number} changed before it could be cancelled.`);
    const staff = isAdmin(principal, 'orders');
    if (!staff && !BUYER_CANCELLABLE.has(order.status)) {
      throw new OrdoError('INVALID_STATE_TRANSITION', `An order that is ${order.status} can only be cancelled by staff.`);
    }
    if (!CANCELLABLE.has(order.status)) orderMachine.assertMove(order.status, OrderStatus.CANCELLED);
    const lines = await tx.find(OrderLine, { order });
    if (lines.some((l) => l.quantityShipped > 0)) {
      throw new OrdoError('INVALID_STATE_TRANSITION', 'Part of this order has shipped: cancel what is left with cancelOrderLines (or cancelShipment for a parcel that has not left), or start a return.');
    }
    const move = await this.app.machines.get(orderMachine).transition(tx, order, OrderStatus.CANCELLED, actorName(principal));
    for (const line of lines) {
      if (line.variant && line.allocations.length) await release(tx, line.variant.id, line.allocations);
      line.allocations = [];
      await unpreorder(tx, line);
      line.quantityBackordered = 0;
    }
    // Money follows in the same transaction: authorizations voided, captured money owed back as PENDING refunds (sent by a job).
    const settled = await settleCancelledPayments(this.app, tx, order, actorName(principal));
    order.heldFrom = null;
    const money = [settled.voided ? 'payment authorization voided' : '', settled.refunding ? `${formatMoney(settled.refunding, order.currencyCode)} to be refunded` : ''].filter(Boolean);
    recordTransition(tx, order, move, actorName(principal), `Order cancelled${reason ? `: ${reason.replace(/[.\s]+$/, '')}.` : '.'} Reserved stock released${money.length ? `, ${money.join(', ')}` : ''}.`);
  }

  async hold(em: Em, principal: Principal, id: string, reason: string): Promise<Order> {
    authorize(principal, adminIn('orders'));
    return this.change(em, principal, id, (tx, order) => this.holdIn(tx, order, actorName(principal), reason));
  }

  /** Puts a locked order on hold in the caller's transaction (automation rules: with their run's claim). */
  async holdIn(tx: Em, order: Order, actor: string, reason: string): Promise<void> {
    const from = order.status;
    const move = await this.app.machines.get(orderMachine).transition(tx, order, OrderStatus.ON_HOLD, actor);
    order.heldFrom = from;
    recordTransition(tx, order, move, actor, `Order put on hold: ${reason}`);
  }

  async releaseHold(em: Em, principal: Principal, id: string): Promise<Order> {
    authorize(principal, adminIn('orders'));
    return this.change(em, principal, id, async (tx, order) => {
      if (order.status !== OrderStatus.ON_HOLD) throw new OrdoError('INVALID_STATE_TRANSITION', `The order is ${order.status}, not ON_HOLD.`);
      const back = order.heldFrom ?? (order.paymentStatus === PaymentStatus.PENDING ? OrderStatus.PENDING : OrderStatus.CONFIRMED);
      const move = await this.app.machines.get(orderMachine).transition(tx, order, back, actorName(principal));
      order.heldFrom = null;
      recordTransition(tx, order, move, actorName(principal), 'Hold released.');
    });
  }

  /** Applies a staff change under the order's lock (order-lock.ts). */
  private change(em: Em, principal: Principal, id: string, apply: (tx: Em, order: Order) => Promise<void>): Promise<Order> {
    return withOrder(em, id, async (tx, order) => {
      authorize(principal, orderStaff(order));
      await apply(tx, order);
      return order;
    });
  }
}
