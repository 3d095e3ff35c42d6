// The inserts of a placed order, as plain SQL: the hot path skips the ORM's unit of work (about half
// of an order's CPU time went there). On PostgreSQL the five inserts are one statement (data-modifying
// CTEs, one round trip); on SQLite, in process, they are five. The column lists follow the entities.
import { isPostgres, type SqlRunner, type Statement } from '../kernel/db.js';
import { newId } from '../kernel/ids.js';
import type { Allocation } from '../inventory/stock-ledger.js';
import type { EventRecord, HistoryRecord } from './order-history.js';
import type { OrderDiscountRecord } from '../kernel/pricing.js';

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
}

export interface LineRow {
  id: string; variantId: string; sku: string; name: string; quantity: number; unitPrice: number;
  taxTotal: number; lineTotal: number; quantityBackordered: number; allocations: Allocation[];
}

export interface PaymentRow {
  id: string; method: string; status: string; amount: number; currencyCode: string; transactionId: string | null;
}

const ORDER_COLS = ['id', 'number', 'status', 'held_from', 'payment_status', 'channel_id', 'customer_id', 'email', 'external_id',
  'currency_code', 'subtotal', 'shipping_total', 'tax_total', 'total', 'tax_basis_points',
  'ship_name', 'ship_line1', 'ship_line2', 'ship_city', 'ship_region', 'ship_postal_code', 'ship_country_code', 'ship_phone',
  'bill_name', 'bill_line1', 'bill_line2', 'bill_city', 'bill_region', 'bill_postal_code', 'bill_country_code', 'bill_phone',
  'shipping_method_id', 'note', 'estimated_delivery_at', 'placed_at', 'updated_at', 'access_token_hash', 'idempotency_key', 'request_hash', 'version',
  'discount_total', 'discounts'];
const LINE_COLS = ['id', 'order_id', 'variant_id', 'sku', 'name', 'quantity', 'unit_price', 'tax_total', 'line_total',
  'quantity_shipped', 'quantity_returned', 'quantity_backordered', 'allocations'];
const PAYMENT_COLS = ['id', 'order_id', 'method', 'status', 'amount', 'amount_captured', 'amount_refunded', 'currency_code', 'transaction_id', 'created_at', 'version'];
const HISTORY_COLS = ['id', 'order_id', 'at', 'type', 'from_status', 'to_status', 'message', 'actor'];
const OUTBOX_COLS = ['type', 'aggregate_id', 'payload', 'created_at_ms'];

const address = (a: AddressRow | null) =>
  a ? [a.name, a.line1, a.line2 ?? null, a.city, a.region ?? null, a.postalCode, a.countryCode, a.phone ?? null] : Array(8).fill(null);

interface Table {
  name: string;
  cols: string[];
  rows: unknown[][];
}

function values(t: Table): string {
  const one = `(${t.cols.map(() => '?').join(', ')})`;
  return `INSERT INTO ${t.name} (${t.cols.join(', ')}) VALUES ${t.rows.map(() => one).join(', ')}`;
}

/** The PostgreSQL statement for a number of rows per table (orders have few shapes): built once each. */
const cteCache = new Map<string, string>();
function cte(tables: Table[]): string {
  const key = tables.map((t) => t.rows.length).join(',');
  let sql = cteCache.get(key);
  if (!sql) {
    sql = `WITH ${tables.map((t, i) => `t${i} AS (${values(t)})`).join(', ')} SELECT 1`;
    if (cteCache.size >= 200) cteCache.clear();
    cteCache.set(key, sql);
  }
  return sql;
}

export async function insertPlacedOrder(
  em: SqlRunner,
  o: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  history: HistoryRecord[],
  events: EventRecord[],
): Promise<void> {
  for (const s of placedOrderStatements(isPostgres(em), o, lines, payment, history, events)) await em.execute(s.sql, s.params, 'run');
}

/** The statements that insert a placed order: one on PostgreSQL, five on SQLite. */
export function placedOrderStatements(
  pg: boolean,
  o: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  history: HistoryRecord[],
  events: EventRecord[],
): Statement[] {
  // SQLite keeps dates as epoch milliseconds (as the ORM writes them), PostgreSQL as timestamptz.
  const date = (d: Date | null) => (d === null ? null : pg ? d : d.getTime());
  const now = o.placedAt;
  const tables: Table[] = [
    {
      name: 'orders', cols: ORDER_COLS, rows: [[
        o.id, o.number, o.status, o.heldFrom, o.paymentStatus, o.channelId, o.customerId, o.email, o.externalId,
        o.currencyCode, o.subtotal, o.shippingTotal, o.taxTotal, o.total, o.taxBasisPoints,
        ...address(o.shippingAddress), ...address(o.billingAddress),
        o.shippingMethodId, o.note, date(o.estimatedDeliveryAt), date(now), date(now), o.accessTokenHash, o.idempotencyKey, o.requestHash, 1,
        o.discountTotal, o.discounts ? JSON.stringify(o.discounts) : null,
      ]],
    },
    {
      name: 'order_line', cols: LINE_COLS, rows: lines.map((l) => [
        l.id, o.id, l.variantId, l.sku, l.name, l.quantity, l.unitPrice, l.taxTotal, l.lineTotal, 0, 0, l.quantityBackordered, JSON.stringify(l.allocations),
      ]),
    },
    {
      name: 'payment', cols: PAYMENT_COLS, rows: [[
        payment.id, o.id, payment.method, payment.status, payment.amount, 0, 0, payment.currencyCode, payment.transactionId, date(now), 1,
      ]],
    },
    {
      // Entries of one order share a millisecond: their ids (time-ordered) keep them in order.
      name: 'order_history_entry', cols: HISTORY_COLS, rows: history.map((h) => [
        newId('his'), o.id, date(now), h.type, h.from ?? null, h.to ?? null, h.message, h.actor,
      ]),
    },
    {
      name: 'outbox_event', cols: OUTBOX_COLS, rows: events.map((e) => [e.type, o.id, JSON.stringify(e.payload), now.getTime()]),
    },
  ];
  if (pg) {
    // One round trip: every insert is a CTE of one statement; foreign keys are checked at its end.
    return [{ sql: cte(tables), params: tables.flatMap((t) => t.rows.flat()) }];
  }
  return tables.map((t) => ({ sql: values(t), params: t.rows.flat() }));
}
