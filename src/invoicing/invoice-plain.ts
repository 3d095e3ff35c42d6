// The invoice job's common case in plain SQL (issue 16): an order captured whole by its one capture, with
// no document yet, gets its invoice in two round trips on PostgreSQL (the order locked with its ledger,
// documents, lines, channel and shipping method read, and the invoice number taken, BEGIN riding along;
// then the invoice, history entry and event with COMMIT) instead of a dozen statements through the ORM's
// unit of work. It writes what issueForOrder writes (test/integration/invoice-plain.test.ts compares the
// two on both databases). The number is taken before it is known to be needed: a job that finds anything
// else (a partial or second capture, a refund, a document issued already, invoices issued at shipment)
// rolls back, which gives the number back (gap-free), and takes the ORM's path (invoice.service.ts).
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { mergeTables, PlainRows } from '../kernel/db/entity-rows.js';
import { plainTransaction } from '../kernel/db/plain-transaction.js';
import { readAll } from '../kernel/db/sql-runner.js';
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

/** Not a case for the plain path: rolled back (the number with it) for the ORM's path. */
class NotPlain extends Error {}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The ids issued for the order in the common case, or null when it is not one (nothing written). */
export async function issuePlain(em: Em, orderId: string): Promise<string[] | null> {
  try {
    return await plainTransaction(em, async (db) => {
      const dialect = dialectOf(db);
      const [orders, ops, invoices, lines, numbers] = await readAll(db, [
        {
          sql: `SELECT o.id, o.number, o.email, o.channel_id, o.currency_code, o.total, o.tax_total, o.shipping_total, o.tax_basis_points,
            o.prices_include_tax, o.discounts, ${addressColumns('ship_')}, ${addressColumns('bill_')},
            (SELECT code FROM channel WHERE id = o.channel_id) AS channel_code, (SELECT name FROM channel WHERE id = o.channel_id) AS channel_name,
            (SELECT name FROM shipping_method WHERE id = o.shipping_method_id) AS method_name
           FROM orders o WHERE o.id = ?${dialect.forUpdate()}`,
          params: [orderId],
        },
        { sql: "SELECT id, kind, amount FROM payment_operation WHERE order_id = ? AND kind IN ('CAPTURE', 'REFUND') AND status = 'SUCCEEDED'", params: [orderId] },
        { sql: 'SELECT id FROM invoice WHERE order_id = ?', params: [orderId] },
        { sql: 'SELECT name, sku, quantity, unit_price, line_total, tax_total FROM order_line WHERE order_id = ? ORDER BY id', params: [orderId] },
        // The channel's next invoice number (sequence.service.ts: nextInTransaction), in the same round trip.
        {
          sql: `INSERT INTO number_sequence (channel_id, kind, value) SELECT channel_id, 'invoice', 1 FROM orders WHERE id = ?
            ON CONFLICT (channel_id, kind) DO UPDATE SET value = number_sequence.value + 1 RETURNING value`,
          params: [orderId],
        },
      ]);
      const o = orders[0];
      const op = ops.length === 1 ? ops[0] : null;
      if (!o || !op || op.kind !== PaymentOperationKind.CAPTURE || Number(op.amount) !== Number(o.total) || invoices.length || numbers.length !== 1) throw new NotPlain();
      const sequence = Number(numbers[0].value);
      const number = formatInvoiceNumber(InvoiceKind.INVOICE, o.channel_code, sequence);
      const docLines = orderLines(
        { pricesIncludeTax: Boolean(Number(o.prices_include_tax)), shippingTotal: Number(o.shipping_total), taxTotal: Number(o.tax_total), discounts: json(o.discounts) },
        lines.map((l: any) => ({ name: l.name, sku: l.sku, quantity: Number(l.quantity), unitPrice: Number(l.unit_price), lineTotal: Number(l.line_total), taxTotal: Number(l.tax_total) })),
        o.method_name ?? null,
        basisPointsToPercent(Number(o.tax_basis_points)),
      );
      const invoice: InvoiceRow = {
        id: newId('inv'), number, sequence, channelId: o.channel_id, orderId, sourceOperationId: op.id, currencyCode: o.currency_code, lines: docLines,
        ...totalsOf(docLines), seller: sellerOf({ name: o.channel_name, code: o.channel_code }),
        buyer: buyerOf(o.bill_name != null ? addressOf(o, 'bill_') : addressOf(o, 'ship_'), o.email),
      };
      const at = new Date();
      const history = [{ type: 'INVOICE_ISSUED', actor: 'system', message: `Invoice ${number} issued over ${formatMoney(invoice.total, invoice.currencyCode)}.` }];
      const events = [{ type: 'invoice.issued', payload: { orderId, number: o.number, invoiceId: invoice.id, invoiceNumber: number, kind: InvoiceKind.INVOICE, total: invoice.total } }];
      const last = dialect.insertStatements(mergeTables([INVOICES.rows(db, dialect, [invoice], at), ...recordRows(db, dialect, { id: orderId, placedAt: at }, history, events)]));
      return { result: [invoice.id], last };
    });
  } catch (e) {
    if (e instanceof NotPlain) return null;
    throw e;
  }
}
