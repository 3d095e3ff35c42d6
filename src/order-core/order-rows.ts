// The inserts of a placed order, as plain SQL: the hot path skips the ORM's unit of work (about half
// of an order's CPU time went there). The dialect makes them one statement on PostgreSQL (data-modifying
// CTEs, one round trip) and five on SQLite (in process). The columns come from the entities' metadata
// (kernel/db/entity-rows.ts, worked out once per process): every column of orders, lines, payments,
// history and outbox rows is written. The fills below say where each property's value comes from; a
// column added to one of these entities without a fill stops the first order with its name.
import type { SqlRunner, Statement } from '../kernel/db/sql-runner.js';
import { dialectOf, type Dialect, type TableRows } from '../kernel/db/dialect.js';
import { PlainRows } from '../kernel/db/entity-rows.js';
import { newId } from '../kernel/ids.js';
import { currentTraceParent } from '../kernel/tracing.js';
import type { Allocation } from '../inventory/stock-ledger.js';
import type { EventRecord, HistoryRecord } from './order-history.js';
import type { OrderDiscountRecord } from '../kernel/pricing.js';
import { Order } from './order.entity.js';
import { OrderLine } from './order-line.entity.js';
import { OrderHistoryEntry } from './order-history.entity.js';
import { OutboxEvent } from '../kernel/outbox/outbox-event.entity.js';

/** The payments module owns the entity (and imports the order core): named here, not imported. */
const PAYMENT_ENTITY = 'Payment';

export interface AddressRow {
  name: string; line1: string; line2?: string | null; city: string; region?: string | null;
  postalCode: string; countryCode: string; phone?: string | null;
}

export interface OrderRow {
  id: string; number: string; status: string; heldFrom: string | null; paymentStatus: string;
  channelId: string; customerId: string | null; email: string; externalId: string | null; currencyCode: string;
  subtotal: number; shippingTotal: number; taxTotal: number; total: number; taxBasisPoints: number;
  shippingAddress: AddressRow; billingAddress: AddressRow | null; shippingMethodId: string | null; note: string | null;
  estimatedDeliveryAt: Date | null; placedAt: Date; accessTokenHash: string; idempotencyKey: string | null; requestHash: string | null;
  discountTotal: number; discounts: OrderDiscountRecord[] | null;
  /** The delivery date promised at placement (sourcing); null or left out when none was. */
  promisedDeliveryAt?: Date | null;
  /** Click & collect: the store the order is collected at (orders/pickup.ts); null or left out otherwise. */
  pickupLocationId?: string | null;
  /** Gross prices (the channel's pricesIncludeTax at placement); left out: false. */
  pricesIncludeTax?: boolean;
}

export interface LineRow {
  id: string; variantId: string; sku: string; name: string; quantity: number; unitPrice: number;
  taxTotal: number; lineTotal: number; quantityBackordered: number; allocations: Allocation[];
  /** Shipped already (an imported order the channel fulfilled itself); 0 otherwise. */
  quantityShipped?: number;
  /** A preorder line and its units waiting for the release (orders/preorder-placement.ts); false and 0 otherwise. */
  preorder?: boolean;
  quantityPreordered?: number;
}

export interface PaymentRow {
  id: string; method: string; status: string; amount: number; currencyCode: string; transactionId: string | null;
  nextAction?: { type: string; clientSecret?: string | null; redirectUrl?: string | null } | null;
  /** Captured already (an imported order the channel was paid for); 0 otherwise. */
  amountCaptured?: number;
}

const ORDERS = new PlainRows<OrderRow, null>(Order.name, {
  id: (o) => o.id, number: (o) => o.number, status: (o) => o.status, heldFrom: (o) => o.heldFrom, paymentStatus: (o) => o.paymentStatus,
  channel: (o) => o.channelId, customer: (o) => o.customerId, email: (o) => o.email, externalId: (o) => o.externalId,
  currencyCode: (o) => o.currencyCode, subtotal: (o) => o.subtotal, shippingTotal: (o) => o.shippingTotal, taxTotal: (o) => o.taxTotal,
  total: (o) => o.total, discountTotal: (o) => o.discountTotal, discounts: (o) => o.discounts, taxBasisPoints: (o) => o.taxBasisPoints,
  pricesIncludeTax: (o) => o.pricesIncludeTax ?? false,
  shippingAddress: (o) => o.shippingAddress, billingAddress: (o) => o.billingAddress, shippingMethod: (o) => o.shippingMethodId,
  pickupLocation: (o) => o.pickupLocationId ?? null,
  note: (o) => o.note, estimatedDeliveryAt: (o) => o.estimatedDeliveryAt, promisedDeliveryAt: (o) => o.promisedDeliveryAt ?? null, placedAt: (o) => o.placedAt, updatedAt: (o) => o.placedAt,
  accessTokenHash: (o) => o.accessTokenHash, idempotencyKey: (o) => o.idempotencyKey, requestHash: (o) => o.requestHash, version: () => 1,
});

const LINES = new PlainRows<LineRow, OrderRow>(OrderLine.name, {
  id: (l) => l.id, order: (_, o) => o.id, variant: (l) => l.variantId, sku: (l) => l.sku, name: (l) => l.name, quantity: (l) => l.quantity,
  unitPrice: (l) => l.unitPrice, taxTotal: (l) => l.taxTotal, lineTotal: (l) => l.lineTotal, quantityShipped: (l) => l.quantityShipped ?? 0, quantityReturned: () => 0, quantityCancelled: () => 0,
  quantityBackordered: (l) => l.quantityBackordered, allocations: (l) => l.allocations,
  preorder: (l) => l.preorder ?? false, quantityPreordered: (l) => l.quantityPreordered ?? 0,
});

const PAYMENTS = new PlainRows<PaymentRow, OrderRow>(PAYMENT_ENTITY, {
  id: (p) => p.id, order: (_, o) => o.id, method: (p) => p.method, status: (p) => p.status, amount: (p) => p.amount,
  amountCaptured: (p) => p.amountCaptured ?? 0, amountRefunded: () => 0, capturesOpen: () => false, amountDisputed: () => 0, nextAction: (p) => p.nextAction ?? null, currencyCode: (p) => p.currencyCode, transactionId: (p) => p.transactionId,
  createdAt: (_, o) => o.placedAt, version: () => 1,
});

/** What an order's history entries and events are stamped with: the order, and when (placement, a later step). */
export interface OrderStamp {
  id: string;
  placedAt: Date;
}

const HISTORY = new PlainRows<HistoryRecord, OrderStamp>(OrderHistoryEntry.name, {
  // Entries of one order share a millisecond: their ids (time-ordered) keep them in order.
  id: () => newId('his'), order: (_, o) => o.id, at: (_, o) => o.placedAt, type: (h) => h.type,
  fromStatus: (h) => h.from, toStatus: (h) => h.to, message: (h) => h.message, actor: (h) => h.actor,
});

const OUTBOX = new PlainRows<EventRecord, OrderStamp>(OutboxEvent.name, {
  type: (e) => e.type, aggregateId: (_, o) => o.id, payload: (e) => e.payload, createdAtMs: (_, o) => o.placedAt.getTime(),
  publishedAtMs: () => null, processedAtMs: () => null, claimedUntilMs: () => null, attempts: () => 0, jobKey: () => null,
  traceParent: (e) => (e.traceParent !== undefined ? e.traceParent : currentTraceParent()), // null unless tracing is on (kernel/tracing.ts)
});

/** The rows of history entries and events of an order at one moment (`placedAt`: when they happened). */
export function recordRows(db: SqlRunner, dialect: Dialect, at: OrderStamp, history: readonly HistoryRecord[], events: readonly EventRecord[]): TableRows[] {
  return [HISTORY.rows(db, dialect, history, at), OUTBOX.rows(db, dialect, events, at)];
}

export async function insertPlacedOrder(
  em: SqlRunner,
  o: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  history: HistoryRecord[],
  events: EventRecord[],
): Promise<void> {
  for (const s of placedOrderStatements(em, o, lines, payment, history, events)) await em.execute(s.sql, s.params, 'run');
}

/** The statements that insert a placed order on the database `db` runs on: one on PostgreSQL, five on SQLite. */
export function placedOrderStatements(
  db: SqlRunner,
  o: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  history: HistoryRecord[],
  events: EventRecord[],
): Statement[] {
  const dialect = dialectOf(db);
  return dialect.insertStatements([
    ORDERS.rows(db, dialect, [o], null),
    LINES.rows(db, dialect, lines, o),
    PAYMENTS.rows(db, dialect, [payment], o),
    HISTORY.rows(db, dialect, history, o),
    OUTBOX.rows(db, dialect, events, o),
  ]);
}
