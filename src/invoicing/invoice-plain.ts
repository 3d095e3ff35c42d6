// The invoice job's common case in plain SQL (issue 16): an order captured whole by its one capture, with
// no document yet, gets its invoice in a transaction of plain statements (the order locked with its
// ledger, documents, lines, channel and shipping method read, BEGIN riding along; the invoice number
// taken; then the invoice, history entry and event with COMMIT) instead of a dozen statements through the
// ORM's unit of work. The invoice jobs a worker runs at once share that transaction and its three round
// trips (kernel/coalescer.ts): the orders locked in the order of their ids, each channel's numbers taken
// with one statement, every invoice's rows with one COMMIT; each job had a transaction of its own. It
// writes what issueForOrder writes (test/integration/invoice-plain.test.ts compares the two on both
// databases). A job that finds anything else (a partial or second capture, a refund, a document issued
// already) takes no number (they stay gap-free) and takes the ORM's path after the batch (invoice.service.ts).
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { mergeTables, PlainRows } from '../kernel/db/entity-rows.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import { marks, readAll, rowsBy, type SqlRunner, type Statement } from '../kernel/db/sql-runner.js';
import { Coalescer } from '../kernel/coalescer.js';
import { takeNumbers } from '../channels/sequence.service.js';
import { currentTraceParent } from '../kernel/tracing.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { newId } from '../kernel/ids.js';
import { basisPointsToPercent, formatMoney } from '../kernel/money.js';
import { recordRows } from '../order-core/order-rows.js';
import { PaymentOperationKind } from '../payments/payment-operation.entity.js';
import { Invoice, InvoiceKind, type InvoiceLine, type Party } from './invoice.entity.js';
import { buyerOf, formatInvoiceNumber, orderLines, sellerOf, totalsOf } from './invoice-lines.js';
import { addressColumns, addressOf } from '../order-core/address-columns.js';

interface InvoiceRow {
  id: string; number: string; sequence: number; channelId: string; orderId: string; sourceOperationId: string;
  currencyCode: string; lines: InvoiceLine[]; subtotal: number; taxTotal: number; total: number; seller: Party; buyer: Party;
}

const INVOICES = new PlainRows<InvoiceRow, Date>(Invoice.name, {
  id: (i) => i.id, number: (i) => i.number, sequence: (i) => i.sequence, channelId: (i) => i.channelId, kind: () => InvoiceKind.INVOICE,
  order: (i) => i.orderId, correctsInvoice: () => null, sourceOperationId: (i) => i.sourceOperationId, issuedAt: (_, at) => at,
  currencyCode: (i) => i.currencyCode, lines: (i) => i.lines, subtotal: (i) => i.subtotal, taxTotal: (i) => i.taxTotal, total: (i) => i.total,
  seller: (i) => i.seller, buyer: (i) => i.buyer, pdfKey: (i) => `invoices/${i.id}.pdf`, pdfRenderedAt: () => null,
});

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** One invoice job's ask: its order, and the job's trace for the event. */
interface Ask {
  orderId: string;
  trace: string | null;
}

/**
 * How long an invoice waits for others (at most), and how many share a transaction. One batch at a time
 * per process (serial): every batch locks its channel's number sequence until it commits, so a process's
 * next batch would only wait for that lock inside PostgreSQL, holding a pooled connection meanwhile.
 */
const BATCH = { delayMs: 2, max: 32, serial: true };

export class PlainInvoices {
  private readonly batches: Coalescer<Ask, string[] | null>;

  constructor(app: AppRuntime) {
    this.batches = new Coalescer((asked) => plainTransaction(app.orm.em as Em, (db) => issueBatch(db, asked)), BATCH);
  }

  /** The ids issued for the order in the common case, or null when it is not one (nothing written). */
  issue(orderId: string): Promise<string[] | null> {
    return this.batches.add({ orderId, trace: currentTraceParent() });
  }
}

/** An order of the batch that is a plain case, before its number. */
interface Planned {
  ask: Ask;
  o: any;
  op: any;
  lines: any[];
}

async function issueBatch(db: SqlRunner, asked: Ask[]): Promise<{ result: (string[] | null)[]; last: Statement[] }> {
  const dialect = dialectOf(db);
  const ids = [...new Set(asked.map((a) => a.orderId))].sort();
  const list = marks(ids.length);
  const [orders, ops, invoices, lines] = await readAll(db, [
    {
      sql: `SELECT o.id, o.number, o.email, o.channel_id, o.currency_code, o.total, o.tax_total, o.shipping_total, o.tax_basis_points,
        o.prices_include_tax, o.discounts, ${addressColumns('ship_')}, ${addressColumns('bill_')},
        (SELECT code FROM channel WHERE id = o.channel_id) AS channel_code, (SELECT name FROM channel WHERE id = o.channel_id) AS channel_name,
        (SELECT name FROM shipping_method WHERE id = o.shipping_method_id) AS method_name
       FROM orders o WHERE o.id IN (${list}) ORDER BY o.id${dialect.forUpdate()}`,
      params: ids,
    },
    { sql: `SELECT id, order_id, kind, amount FROM payment_operation WHERE order_id IN (${list}) AND kind IN ('CAPTURE', 'REFUND') AND status = 'SUCCEEDED'`, params: ids },
    { sql: `SELECT order_id FROM invoice WHERE order_id IN (${list})`, params: ids },
    { sql: `SELECT order_id, name, sku, quantity, unit_price, line_total, tax_total FROM order_line WHERE order_id IN (${list}) ORDER BY order_id, id`, params: ids },
  ]);
  const orderOf = new Map(orders.map((o: any) => [o.id as string, o]));
  const [opsOf, invoicesOf, linesOf] = [ops, invoices, lines].map((rows) => rowsBy(rows, 'order_id'));
  const planned: Planned[] = [];
  for (const ask of asked) {
    const o = orderOf.get(ask.orderId);
    const opsHere = opsOf.get(ask.orderId) ?? [];
    const op = opsHere.length === 1 ? opsHere[0] : null;
    // The same order asked twice in one batch (a replayed job): the second leaves it to the ORM's path, which finds it issued.
    if (!o || !op || op.kind !== PaymentOperationKind.CAPTURE || Number(op.amount) !== Number(o.total) || invoicesOf.has(ask.orderId) || planned.some((p) => p.ask.orderId === ask.orderId)) continue;
    planned.push({ ask, o, op, lines: linesOf.get(ask.orderId) ?? [] });
  }
  if (!planned.length) return { result: asked.map(() => null), last: [] };
  const sequences = await numbers(db, planned);
  const at = new Date();
  const issued = new Map<Ask, string[]>();
  const rows: InvoiceRow[] = [];
  const records = [];
  for (const { ask, o, op, lines: ls } of planned) {
    const sequence = sequences.get(o.channel_id)!.next();
    const number = formatInvoiceNumber(InvoiceKind.INVOICE, o.channel_code, sequence);
    const docLines = orderLines(
      { pricesIncludeTax: Boolean(Number(o.prices_include_tax)), shippingTotal: Number(o.shipping_total), taxTotal: Number(o.tax_total), discounts: json(o.discounts) },
      ls.map((l: any) => ({ name: l.name, sku: l.sku, quantity: Number(l.quantity), unitPrice: Number(l.unit_price), lineTotal: Number(l.line_total), taxTotal: Number(l.tax_total) })),
      o.method_name ?? null,
      basisPointsToPercent(Number(o.tax_basis_points)),
    );
    const invoice: InvoiceRow = {
      id: newId('inv'), number, sequence, channelId: o.channel_id, orderId: o.id, sourceOperationId: op.id, currencyCode: o.currency_code, lines: docLines,
      ...totalsOf(docLines), seller: sellerOf({ name: o.channel_name, code: o.channel_code }),
      buyer: buyerOf(o.bill_name != null ? addressOf(o, 'bill_') : addressOf(o, 'ship_'), o.email),
    };
    rows.push(invoice);
    issued.set(ask, [invoice.id]);
    const history = [{ type: 'INVOICE_ISSUED', actor: 'system', message: `Invoice ${number} issued over ${formatMoney(invoice.total, invoice.currencyCode)}.` }];
    // Each order's event carries its own job's trace, whichever job's batch wrote it.
    const events = [{ type: 'invoice.issued', traceParent: ask.trace, payload: { orderId: o.id, number: o.number, invoiceId: invoice.id, invoiceNumber: number, kind: InvoiceKind.INVOICE, total: invoice.total } }];
    records.push(...recordRows(db, dialect, { id: o.id, placedAt: at }, history, events));
  }
  const last = dialect.insertStatements(mergeTables([INVOICES.rows(db, dialect, rows, at), ...records]));
  return { result: asked.map((a) => issued.get(a) ?? null), last };
}

/**
 * The next invoice numbers of each channel the planned invoices are in (sequence.service.ts:
 * nextInTransaction, by as many as the channel's invoices at once): one upsert per channel, in the order
 * of their ids, so that two batches never wait for each other crosswise.
 */
async function numbers(db: SqlRunner, planned: Planned[]): Promise<Map<string, { next: () => number }>> {
  const count = new Map<string, number>();
  for (const p of planned) count.set(p.o.channel_id, (count.get(p.o.channel_id) ?? 0) + 1);
  const channels = [...count.keys()].sort();
  const answers = await readAll(db, channels.map((c) => takeNumbers(c, 'invoice', count.get(c))));
  return new Map(channels.map((c, i) => {
    let value = Number(answers[i][0].value) - count.get(c)!;
    return [c, { next: () => ++value }];
  }));
}
