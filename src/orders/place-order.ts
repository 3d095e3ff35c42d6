// placeOrder: validate, price and tax, then one transaction that reserves stock (conditional UPDATEs),
// numbers the order, authorizes the payment and inserts the whole order with one flush. It either
// returns an order or changes nothing. An idempotency key makes a retry return the first result.
import { createHash } from 'node:crypto';
import { DeadlockException, LockWaitTimeoutException, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { OrderPlacement } from '../kernel/metrics.js';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { ormTransaction, sessionTransaction, type PlainOutcome } from '../kernel/db/plain-transaction.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { plainInstance } from '../kernel/db/entity-read.js';
import { actorName, adminIn, orderStaff, authorize, hashToken, type Principal } from '../kernel/auth.js';
import { OrdoError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { checkIdempotencyKey } from '../kernel/idempotency.js';
import { formatMoney } from '../kernel/money.js';
import { SequenceService } from '../channels/sequence.service.js';
import { reserve, reserveWholeOfSql, type ReservationResult } from '../inventory/stock-ledger.js';
import type { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { PaymentStatus } from '../order-core/payment-status.js';
import type { MethodPrice } from '../shipping/shipping-rates.js';
import type { PaymentProvider } from '../payments/payment-provider.js';
import { Order } from '../order-core/order.entity.js';
import { OrderStatus, orderMachine } from '../order-core/order-status.js';
import { transitionRecords, type EventRecord, type HistoryRecord } from '../order-core/order-history.js';
import { placedOrderStatements, type OrderRow } from '../order-core/order-rows.js';
import type { PlaceOrderInput } from './order.inputs.js';
import { orderAccessToken } from '../order-core/order-token.js';
import { byPriority, knownLocations, placementSourcing, promisedDelivery, promiseLocations } from './order-sourcing.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';
import { applyDiscounts } from './order-pricing.js';
import { checkRequest, priceRequest, priceVariants, toVariant, VARIANTS, type OrderRequest, type PricedDraft } from './order-draft.js';
import { notEnoughStockMessage, ProblemSink } from './order-problems.js';
import { orderAddresses } from './pickup.js';
import { claimHold, releaseUnordered } from '../checkout-holds/claim-hold.js';
import { reserveLine, type LineSourcing } from '../sourcing/reserve-lines.js';
import { isPreorder } from '../catalog/preorder.js';
import { preorderColumns, preorderDelivery, takePreorder, waitingNote } from './preorder-placement.js';
import { PlacementBatches } from './placement-batches.js';

/**
 * Batches of placements out with the database at once (each holds a pooled connection). Two: one batch
 * with the database while the engine readies the next. More only makes batches smaller, with more round
 * trips and wake-ups per order: measured at 8 clients, 4 in flight gave 42.6 % of the SQL ceiling, 3 gave
 * 50.4 %, 2 gave 55.3 % (README, performance).
 */
const PLACEMENT_BATCHES_IN_FLIGHT = 2;

/**
 * What only staff code passes to placeOrder (completeDraftOrder), never reachable from PlaceOrderInput: a
 * storefront cannot set a price or place an order for someone else's account.
 */
export interface StaffPlacement {
  /** Unit prices (before tax) by SKU instead of the catalog's, each with why: written to the order's history. */
  priceOverrides: ReadonlyMap<string, { unitPrice: number; reason: string }>;
  /** The customer the order is for (staff place it on their behalf). */
  customerId: string | null;
  /** Where the order came from, the first line of its history after ORDER_PLACED (`Placed from draft order X.`). */
  source: string;
  /** Runs first in the order's transaction (the draft claims itself): throwing rolls the whole placement back. */
  claim: (tx: SqlRunner, orderId: string) => Promise<void>;
}

export interface PlaceOrderResult {
  order: Order;
  accessToken: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

/** The refusals counted as placements that failed; other errors (a conflict, a bug) are not placements. */
const FAILURES: Partial<Record<string, OrderPlacement>> = {
  INSUFFICIENT_STOCK: 'insufficient_stock',
  PAYMENT_DECLINED: 'declined',
  BAD_USER_INPUT: 'invalid',
};

export class PlaceOrder {
  private placementBatches: PlacementBatches | null = null;

  constructor(private readonly app: AppRuntime) {}

  /** Places the order; every attempt counts in `ordo_orders_placed_total` by how it ended (a repeat answered from its key does not). */
  async run(em: Em, principal: Principal, input: PlaceOrderInput, idempotencyKey?: string | null, staff?: StaffPlacement): Promise<PlaceOrderResult> {
    try {
      return await this.placeOnce(em, principal, input, idempotencyKey, staff);
    } catch (e) {
      const outcome = e instanceof OrdoError ? FAILURES[e.code] : undefined;
      if (outcome) this.app.metrics?.orderPlaced(outcome);
      throw e;
    }
  }

  private async placeOnce(em: Em, principal: Principal, input: PlaceOrderInput, idempotencyKey: string | null | undefined, staff: StaffPlacement | undefined): Promise<PlaceOrderResult> {
    if (staff) authorize(principal, adminIn('orders'));
    checkIdempotencyKey(idempotencyKey);
    // The checks quoteOrder makes too; here the first problem is the answer.
    const req = await checkRequest(this.app, em, input, ProblemSink.strict());
    if (staff) authorize(principal, orderStaff(req));
    const customerId = staff ? staff.customerId : principal.kind === 'customer' ? principal.customerId : null;
    const scope = customerId ?? `guest:${req.email}`;
    const keyHash = idempotencyKey ? sha(`${req.channel.id}|${scope}|${idempotencyKey}`) : null;
    const requestHash = keyHash ? sha(JSON.stringify({ ...input, email: req.email, lines: [...req.quantities] })) : null;

    // A retry after the first attempt committed: answer with it, without touching stock or payment.
    const earlier = keyHash ? await this.firstResult(em, keyHash, requestHash) : null;
    if (earlier) return earlier;
    const c: Prepared = { ...req, method: req.method!, shipping: req.shipping!, provider: req.provider!, customerId, keyHash, requestHash, staff: staff ?? null };
    try {
      const placed = await this.attempt(em, principal, input, c);
      this.app.metrics?.orderPlaced(placed.order.status === OrderStatus.CONFIRMED ? 'confirmed' : 'pending');
      return placed;
    } catch (e) {
      // Simultaneous repeats: the first commits while the others wait on its unique key (or find the
      // stock it took gone); they answer with its order.
      if (keyHash && (e instanceof UniqueConstraintViolationException || e instanceof OrdoError)) {
        const first = await this.firstResult(em.fork(), keyHash, requestHash);
        if (first) return first;
      }
      // (channel, externalId) is unique: the system the order came from sent it before.
      if (input.externalId && e instanceof UniqueConstraintViolationException) {
        throw new OrdoError('CONFLICT', `Channel ${req.channel.code} has an order with externalId "${input.externalId}" already.`, { field: 'input.externalId' });
      }
      throw e;
    }
  }

  private async firstResult(em: Em, keyHash: string, requestHash: string | null): Promise<PlaceOrderResult | null> {
    const first = await em.findOne(Order, { idempotencyKey: keyHash });
    if (!first) return null;
    if (first.requestHash !== requestHash) throw new OrdoError('CONFLICT', 'This idempotencyKey was used for a different order: use a new key for a new order.');
    return { order: first, accessToken: orderAccessToken(this.app.secret, first.id) };
  }

  private async attempt(em: Em, principal: Principal, input: PlaceOrderInput, c: Prepared): Promise<PlaceOrderResult> {
    // Where the dialect has a session (PostgreSQL): the whole order on one pooled connection, BEGIN and
    // COMMIT riding along with the first and last statements. Guards on order moves get the transaction's
    // EntityManager (to read, or to persist what the commit flushes): with guards (and on SQLite) the
    // transaction is the ORM's.
    const { withSession } = dialectOf(em);
    const where = await this.sourcing(em, input, c);
    if (withSession && !this.app.machines.get(orderMachine).hasGuards()) {
      // A one-SKU order's first statement reads its variant, reserves its line and numbers the order
      // (oneLineFirst): such orders arriving together also share a transaction (placement-batches.ts).
      const oneSku = this.oneSku(em, c, where);
      const batches = oneSku !== null && c.provider.local ? this.batches() : null;
      if (batches) return this.place(where, em, input, c, principal, oneSku, (write) => batches.run(em, oneSku!, (db) => write(db, em)));
      return withSession(em, (session) =>
        this.place(where, session, input, c, principal, oneSku, (write) => sessionTransaction(session, () => write(session, em))),
      );
    }
    return this.place(where, em, input, c, principal, null, (write) => ormTransaction(em, (tx) => write(tx, tx)));
  }

  /** The SKU of an order that takes the one-statement path (a session's, PostgreSQL), else null. */
  private oneSku(em: Em, c: Prepared, where: Sourcing): string | null {
    if (c.staff || !where.priority || c.quantities.size !== 1) return null;
    return this.app.service(SequenceService).orderNumberSql(em, c.channel.id) ? c.quantities.keys().next().value! : null;
  }

  /** The group commit of one-SKU orders, unless turned off (ORDO_PLACE_BATCH=1). */
  private batches(): PlacementBatches | null {
    const max = this.app.config.placeBatchMax;
    if (max <= 1) return null;
    return (this.placementBatches ??= new PlacementBatches({
      max, inFlight: PLACEMENT_BATCHES_IN_FLIGHT, observe: (size, again) => this.app.metrics?.placementBatch(size, again),
    }));
  }

  /**
   * What placement reads before its transaction with connections of its own (the locations' calendars for
   * the promise, a strategy's plan and the variants it plans for): before a session holds its pooled
   * connection, since a session waiting for a second one could, under load, wait for ever on a full pool.
   */
  private async sourcing(em: Em, input: PlaceOrderInput, c: Prepared): Promise<Sourcing> {
    const now = Date.now();
    const locations = knownLocations(this.app) ?? (await promiseLocations(this.app, em));
    // Not by priority: a strategy, the buyer's goal, a pickup store or a checkout hold says where to reserve.
    if (byPriority(this.app, c, input)) return { now, locations, priority: true, pre: null, planned: null };
    const pre = await priceRequest(em, c, ProblemSink.strict(), overridesOf(c));
    return { now, locations, priority: false, pre, planned: await placementSourcing(this.app, em, em, c, input, pre, now) };
  }

  private async place(
    where: Sourcing,
    db: SqlRunner,
    input: PlaceOrderInput,
    c: Prepared,
    principal: Principal,
    oneSku: string | null,
    transaction: (write: (tx: SqlRunner, txEm: EntityManager) => Promise<PlainOutcome<Order>>) => Promise<Order>,
  ): Promise<PlaceOrderResult> {
    const overrides = overridesOf(c);
    const sequence = this.app.service(SequenceService);
    // On the session path (PostgreSQL) a one-SKU order's first statement reads its variant, reserves its
    // line and numbers the order (oneLineFirst): one round trip less. Otherwise the variants are read and
    // priced before the transaction.
    const numberSql = sequence.orderNumberSql(db, c.channel.id);
    const { now, locations, planned } = where;
    const pre: PricedDraft | null = where.pre ?? (oneSku === null ? await priceRequest(db, c, ProblemSink.strict(), overrides) : null);
    const bp = c.bp;
    const provider = c.provider;
    const actor = principal.kind === 'admin' ? actorName(principal) : 'customer';

    for (let tries = 1; ; tries++) {
      const orderId = newId('ord');
      const accessToken = orderAccessToken(this.app.secret, orderId);
      try {
        const order = await transaction(async (tx, txEm) => {
          if (c.staff) await c.staff.claim(tx, orderId);
          // A checkout hold becomes this order's (rolled back with it if the order is refused): its units per variant.
          const held = input.holdId ? await claimHold(tx, input.holdId, c.channel.id, orderId) : null;
          let draft = pre;
          let taken: ReservationResult | null = null;
          if (!draft) {
            const quantity = c.quantities.get(oneSku!)!;
            const rows = await tx.execute(oneLineFirst(numberSql!), [c.channel.id, oneSku, quantity, c.channel.currencyCode, quantity, quantity]);
            // The checks of priceRequest, on the variant as read: a problem rolls back (nothing was taken: the
            // reservation needs an active variant of the channel's currency).
            draft = priceVariants(rows.map(toVariant), c, ProblemSink.strict(), overrides);
            if (rows[0]?.location_id != null) taken = { allocations: [{ locationId: rows[0].location_id, quantity }], missing: 0, also: rows[0].also_value };
          }
          const { lines: priced, totals } = draft;
          const skus = priced.map((x) => x.v.sku);
          // Lines in a fixed order (variant id) so that two orders lock stock rows in the same order.
          const reserved = new Map<string, ReservationResult>();
          const ordered = [...priced].sort((a, b) => (a.v.id < b.v.id ? -1 : 1));
          const lastTracked = ordered.findLast((x) => x.v.trackInventory);
          // With sequences (PostgreSQL) the last reservation also takes the order number when it takes its
          // whole line (the number is taken only once all stock is, as it would be by a statement of its own).
          let number: string | null = null;
          for (const x of ordered) {
            const { v, p } = x;
            // Before its release every unit is preordered (within the limit) and nothing is reserved: preorder-placement.ts.
            if (isPreorder(v, now)) {
              reserved.set(v.id, await takePreorder(tx, v, p.quantity, c.lineOf.get(v.sku)));
              continue;
            }
            if (!v.trackInventory) {
              reserved.set(v.id, { allocations: [], missing: 0 });
              continue;
            }
            // The one-line path's first statement took the whole line already, or nothing: then as usual.
            const h = held?.get(v.id);
            const r = taken ?? (h || planned
              ? await reserveLine(tx, { variantId: v.id, sku: v.sku, quantity: p.quantity, trackInventory: true, allowBackorder: v.allowBackorder }, { ...planned?.get(v.id), held: h })
              : await reserve(tx, v.id, p.quantity, x === lastTracked ? numberSql : null));
            if (r.missing > 0 && !v.allowBackorder) {
              throw new OrdoError('INSUFFICIENT_STOCK', notEnoughStockMessage(v.sku, p.quantity - r.missing, p.quantity), { sku: v.sku, field: `input.lines[${c.lineOf.get(v.sku)}].quantity` });
            }
            if (r.also !== undefined && r.also !== null) number = String(r.also);
            reserved.set(v.id, { allocations: r.allocations, missing: r.missing });
          }
          if (held) await releaseUnordered(tx, held, ordered.filter((x) => x.v.trackInventory && !isPreorder(x.v, now)).map((x) => x.v.id));
          number ??= await sequence.nextOrderNumber(tx, c.channel.id);
          // Discounts (loyalty points, ...) are taken in this transaction: they commit with the order.
          const { discountTotal, discounts, events: discountEvents } = await applyDiscounts(c.discounts, {
            tx, orderId, orderNumber: number, channelId: c.channel.id, currencyCode: c.channel.currencyCode,
            customerId: c.customerId, email: c.email, principal, totals, quote: false, sink: ProblemSink.strict(),
            lines: priced.map(({ v, p }) => ({ sku: v.sku, variantId: v.id, quantity: p.quantity, unitPrice: p.unitPrice, net: p.net, tax: p.tax, total: p.total })),
          });
          const total = totals.total - discountTotal;
          // Discounts may pay for everything: then there is nothing for the provider to authorize.
          const auth = total === 0 ? ({ outcome: 'authorized', transactionId: undefined } as const) : await provider.authorize({
            amount: total, currencyCode: c.channel.currencyCode, token: input.payment.token,
            idempotencyKey: c.keyHash ?? orderId, email: c.email,
          });
          if (auth.outcome === 'declined') throw new OrdoError('PAYMENT_DECLINED', `Payment declined: ${auth.reason}`);

          const placedAt = new Date();
          const paymentStatus = auth.outcome === 'authorized' ? PaymentStatus.AUTHORIZED : PaymentStatus.PENDING;
          const row: OrderRow = {
            id: orderId, number, status: OrderStatus.PENDING, heldFrom: null, paymentStatus,
            channelId: c.channel.id, customerId: c.customerId, email: c.email, externalId: input.externalId ?? null,
            currencyCode: c.channel.currencyCode, ...totals, total, discountTotal, discounts, taxBasisPoints: bp,
            pricesIncludeTax: c.channel.pricesIncludeTax,
            ...orderAddresses(input, c.pickup),
            shippingMethodId: c.method.id, note: input.note ?? null, placedAt,
            estimatedDeliveryAt: preorderDelivery(locations, priced, now, c.shipping.maxTransitDays) ?? new Date(placedAt.getTime() + c.shipping.maxTransitDays * 86_400_000),
            promisedDeliveryAt: [...reserved.values()].some((r) => r.missing > 0) ? null
              : promisedDelivery(locations, [...reserved.values()].flatMap((r) => r.allocations), c.shipping.maxTransitDays, now),
            accessTokenHash: hashToken(accessToken), idempotencyKey: c.keyHash, requestHash: c.requestHash,
          };
          const history: HistoryRecord[] = [{ type: 'ORDER_PLACED', to: OrderStatus.PENDING, actor, message: `Order ${number} placed by ${c.email}.` }];
          if (c.staff) history.push(...staffHistory(c.staff, priced, c.channel.currencyCode, actor));
          const events: EventRecord[] = [{ type: 'order.placed', payload: { orderId, number, channelId: c.channel.id, skus, paymentMethod: provider.code } }, ...discountEvents];
          const order = toOrder(row);
          if (auth.outcome === 'authorized') {
            const backordered = [...reserved.values()].reduce((n, r) => n + r.missing, 0);
            const target = backordered > 0 ? OrderStatus.BACKORDERED : OrderStatus.CONFIRMED;
            const move = await this.app.machines.get(orderMachine).transition(txEm, order, target, actor);
            if (move.to === OrderStatus.ON_HOLD) order.heldFrom = row.heldFrom = target;
            row.status = move.to;
            const t = transitionRecords(order, move, actor, backordered > 0
              ? waitingNote(priced, backordered, now)
              : 'Payment authorized and stock reserved.');
            history.push(t.history);
            events.push(t.event);
          }
          const inserts = placedOrderStatements(tx, row, priced.map(({ v, p }) => ({
            id: newId('oln'), variantId: v.id, sku: v.sku, name: v.name, quantity: p.quantity, unitPrice: p.unitPrice,
            taxTotal: p.tax, lineTotal: p.total, quantityBackordered: reserved.get(v.id)!.missing, allocations: reserved.get(v.id)!.allocations, ...preorderColumns(v, p.quantity, now),
          })), {
            id: newId('pay'), method: provider.code, status: paymentStatus, amount: total,
            currencyCode: c.channel.currencyCode, transactionId: auth.transactionId ?? null,
            nextAction: auth.outcome === 'pending' ? auth.nextAction ?? null : null,
          }, history, events);
          return { result: order, last: inserts };
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

/**
 * A one-SKU order's first statement (PostgreSQL): its variant as priceRequest reads it, and, for a tracked
 * variant of the channel's currency without preorder terms (those take the general path), the whole line reserved at the preferred location as `reserve` takes
 * it, with the order's number taken only if it did (its price in the channel read in the same statement:
 * VARIANTS). Parameters: channel id, SKU, quantity, currency, quantity, quantity.
 */
const firstSqlCache = new Map<string, string>();
function oneLineFirst(numberSql: string): string {
  let sql = firstSqlCache.get(numberSql);
  if (!sql) {
    sql = `WITH v AS (${VARIANTS(1)}), taken AS (${reserveWholeOfSql('SELECT id FROM v WHERE sellable = 1 AND track_inventory = true AND currency_code = ? AND preorder_limit IS NULL')})
SELECT v.id, v.sku, v.name, v.price, v.currency_code, v.track_inventory, v.allow_backorder, v.sellable, v.release_date, v.preorder_limit, v.preordered, taken.location_id,
  CASE WHEN taken.location_id IS NOT NULL THEN ${numberSql} END AS also_value
FROM v LEFT JOIN taken ON true`;
    if (firstSqlCache.size > 100) firstSqlCache.clear();
    firstSqlCache.set(numberSql, sql);
  }
  return sql;
}

/** Where a staff-placed order came from, and each price staff set instead of the catalog's, with why. */
function staffHistory(staff: StaffPlacement, priced: { v: { sku: string; price: number } }[], currency: string, actor: string): HistoryRecord[] {
  const out: HistoryRecord[] = [{ type: 'PLACED_FROM_DRAFT', actor, message: staff.source }];
  for (const { v } of priced) {
    const o = staff.priceOverrides.get(v.sku);
    if (!o) continue;
    out.push({ type: 'PRICE_OVERRIDDEN', actor, message: `Unit price of ${v.sku} set to ${formatMoney(o.unitPrice, currency)} instead of ${formatMoney(v.price, currency)}: ${o.reason}` });
  }
  return out;
}

/** The order as the API returns it, straight from what was inserted (no read back), never managed (plainInstance). */
function toOrder(row: OrderRow): Order {
  return plainInstance(Order.prototype, {
    id: row.id, number: row.number, status: row.status, heldFrom: row.heldFrom, paymentStatus: row.paymentStatus,
    channel: { id: row.channelId }, customer: row.customerId ? { id: row.customerId } : null, email: row.email,
    externalId: row.externalId, currencyCode: row.currencyCode, pricesIncludeTax: row.pricesIncludeTax ?? false, subtotal: row.subtotal, shippingTotal: row.shippingTotal,
    taxTotal: row.taxTotal, total: row.total, discountTotal: row.discountTotal, discounts: row.discounts, taxBasisPoints: row.taxBasisPoints,
    shippingAddress: { line2: null, region: null, phone: null, ...row.shippingAddress },
    billingAddress: row.billingAddress ? { line2: null, region: null, phone: null, ...row.billingAddress } : null,
    shippingMethod: row.shippingMethodId ? { id: row.shippingMethodId } : null, note: row.note,
    pickupLocation: row.pickupLocationId ? { id: row.pickupLocationId } : null,
    estimatedDeliveryAt: row.estimatedDeliveryAt, promisedDeliveryAt: row.promisedDeliveryAt ?? null, placedAt: row.placedAt, updatedAt: row.placedAt, version: 1,
  });
}


/** Where placement reserves and what it promises from (PlaceOrder.sourcing). */
interface Sourcing {
  now: number;
  locations: StockLocation[];
  /** In the ledger's priority order: the one-statement paths apply, `pre` and `planned` are null. */
  priority: boolean;
  pre: PricedDraft | null;
  planned: Map<string, LineSourcing> | null;
}

const overridesOf = (c: Prepared) => (c.staff ? new Map([...c.staff.priceOverrides].map(([sku, o]) => [sku, o.unitPrice])) : undefined);

type Prepared = OrderRequest & {
  method: ShippingMethod;
  shipping: MethodPrice;
  provider: PaymentProvider;
  customerId: string | null;
  keyHash: string | null;
  requestHash: string | null;
  staff: StaffPlacement | null;
};
