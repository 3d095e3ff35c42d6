// Issuing invoices and credit notes, in a job: for every capture of an order an invoice, for every
// refund a credit note that references the invoice it corrects. Numbers come from a per-channel,
// per-kind counter row moved inside the issuing transaction, so they are gap-free across processes (two
// issuers queue on the counter row; a rolled-back issue gives its number back). A document's PDF is
// rendered from its row (which holds everything it prints, as issued) on its first download, then kept in
// the document store: issuing spends no PDF on invoices nobody opens.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { assertMayReadOrders, authorize, orderReader, type Principal } from '../kernel/auth.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { basisPointsToPercent, formatMoney } from '../kernel/money.js';
import { Channel } from '../channels/channel.entity.js';
import { SequenceService } from '../channels/sequence.service.js';
import { DocumentService } from '../documents/document.service.js';
import { withOrder } from '../order-core/order-lock.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { addHistory } from '../order-core/order-history.js';
import { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { PaymentOperation, PaymentOperationKind, RefundStatus } from '../payments/payment-operation.entity.js';
import { Invoice, InvoiceKind, type InvoiceLine } from './invoice.entity.js';
import { renderInvoice } from './render-invoice.js';
import { PlainInvoices } from './invoice-plain.js';
import { buyerOf, formatInvoiceNumber, orderLines, partialLine, refundLine, sellerOf, totalsOf } from './invoice-lines.js';

export type InvoiceTrigger = 'capture' | 'shipment';


export class InvoiceService {
  /**
   * When invoices are issued: when the payment is captured (default), or once something has shipped
   * (ORDO_INVOICE_ON=shipment). Credit notes follow refunds once the invoice they correct exists.
   */
  issueOn: InvoiceTrigger;

  constructor(private readonly app: AppRuntime) {
    this.issueOn = app.config.invoiceOn;
  }

  async readable(em: Em, principal: Principal, id: string): Promise<Invoice | null> {
    assertMayReadOrders(principal);
    const invoice = await em.findOne(Invoice, { id }, { populate: ['order'] });
    if (!invoice) return null;
    authorize(principal, orderReader(invoice.order));
    return invoice;
  }

  pdfUrl(invoice: Invoice): string {
    return this.app.service(DocumentService).signedUrl(invoice.pdfKey);
  }

  /** Issues what the order's ledger asks for and is not issued yet (their PDFs are drawn on first download: `renderPdf`). Idempotent. */
  async issueForOrder(em: Em, orderId: string): Promise<string[]> {
    // Most orders: one capture of the whole order, nothing issued yet (invoice-plain.ts, in a transaction
    // shared with the other invoice jobs of the moment).
    const plain = this.issueOn === 'capture' && this.app.config.plainSql ? await this.app.service(PlainInvoices).issue(orderId) : null;
    if (plain) return plain;
    // Under the order's lock: two runs of the job for one order issue each document once.
    const issued = await withOrder(em, orderId, async (tx, order) => {
      const [ops, existing] = await Promise.all([
        tx.find(PaymentOperation, { order: orderId, kind: { $in: [PaymentOperationKind.CAPTURE, PaymentOperationKind.REFUND] }, status: RefundStatus.SUCCEEDED }, { orderBy: { id: 'asc' } }),
        tx.find(Invoice, { order: orderId }, { orderBy: { id: 'asc' } }),
      ]);
      const bySource = new Map(existing.map((i) => [i.sourceOperationId, i]));
      const todo = ops.filter((o) => !bySource.has(o.id));
      if (!todo.length) return [];
      const [lines, channel] = await Promise.all([
        tx.find(OrderLine, { order: orderId }, { orderBy: { id: 'asc' } }),
        tx.findOneOrFail(Channel, { id: order.channel.id }),
      ]);
      const shipped = lines.some((l) => l.quantityShipped > 0);
      const method = order.shippingMethod ? await tx.findOne(ShippingMethod, { id: order.shippingMethod.id }) : null;
      const seller = sellerOf(channel);
      const buyer = buyerOf(order.billingAddress ?? order.shippingAddress, order.email);
      const made: Invoice[] = [];
      const sequence = this.app.service(SequenceService);

      const issue = async (kind: InvoiceKind, op: PaymentOperation, docLines: InvoiceLine[], corrects: Invoice | null) => {
        const seq = await sequence.nextInTransaction(tx, channel.id, kind === InvoiceKind.INVOICE ? 'invoice' : 'credit_note', 1);
        const number = formatInvoiceNumber(kind, channel.code, seq);
        const invoice = tx.create(Invoice, {
          number, sequence: seq, channelId: channel.id, kind, order, correctsInvoice: corrects, sourceOperationId: op.id,
          currencyCode: order.currencyCode, lines: docLines, ...totalsOf(docLines), seller, buyer, pdfKey: '',
        });
        invoice.pdfKey = `invoices/${invoice.id}.pdf`;
        tx.persist(invoice);
        bySource.set(op.id, invoice);
        made.push(invoice);
        const what = kind === InvoiceKind.INVOICE ? `Invoice ${number}` : `Credit note ${number} (corrects ${corrects?.number})`;
        addHistory(tx, order, { type: kind === InvoiceKind.INVOICE ? 'INVOICE_ISSUED' : 'CREDIT_NOTE_ISSUED', actor: 'system', message: `${what} issued over ${formatMoney(invoice.total, invoice.currencyCode)}.` });
        recordEvent(tx, 'invoice.issued', { orderId: order.id, number: order.number, invoiceId: invoice.id, invoiceNumber: number, kind, total: invoice.total }, order.id);
      };

      const rate = basisPointsToPercent(order.taxBasisPoints);
      for (const op of todo) {
        if (op.kind === PaymentOperationKind.CAPTURE) {
          if (this.issueOn === 'shipment' && !shipped) continue;
          const firstCapture = ops.find((o) => o.kind === PaymentOperationKind.CAPTURE) === op;
          await issue(InvoiceKind.INVOICE, op, firstCapture && op.amount === order.total ? orderLines(order, lines, method?.name ?? null, rate) : partialLine(order, op.amount, rate), null);
        } else {
          const capture = ops.find((o) => o.kind === PaymentOperationKind.CAPTURE && o.payment.id === op.payment.id);
          const corrected = capture ? bySource.get(capture.id) : undefined;
          if (!corrected) continue; // the invoice comes first (ORDO_INVOICE_ON=shipment: when something ships)
          const creditedBefore = [...bySource.values()].some((i) => i.correctsInvoice?.id === corrected.id);
          const docLines = !creditedBefore && op.amount === corrected.total
            ? corrected.lines.map((l) => ({ ...l }))
            : refundLine(corrected, op.amount, op.reason ?? null);
          await issue(InvoiceKind.CREDIT_NOTE, op, docLines, corrected);
        }
      }
      return made.map((i) => i.id);
    });
    return issued;
  }

  /**
   * An invoice's or credit note's PDF, rendered from its row on its first download (DocumentService source
   * for `invoices/`; the store keeps it after): the row holds what the document prints as it was issued
   * (lines, parties, totals, date), so it reads the same whenever it is drawn. The row notes when. Null for
   * a key that names no document.
   */
  async renderPdf(key: string): Promise<{ data: Buffer; contentType: string } | null> {
    const id = /^invoices\/([\w-]+)\.pdf$/.exec(key)?.[1];
    if (!id) return null;
    const em = this.app.orm.em.fork() as Em;
    const inv = await em.findOne(Invoice, { id }, { populate: ['order', 'correctsInvoice'] });
    if (!inv) return null;
    const pdf = await renderInvoice({
      kind: inv.kind, number: inv.number, issuedAt: inv.issuedAt, orderNumber: inv.order.number, correctsNumber: inv.correctsInvoice?.number ?? null,
      seller: inv.seller, buyer: inv.buyer, currencyCode: inv.currencyCode, lines: inv.lines, subtotal: inv.subtotal, taxTotal: inv.taxTotal, total: inv.total,
    });
    await em.execute('UPDATE invoice SET pdf_rendered_at = ? WHERE id = ? AND pdf_rendered_at IS NULL', [dialectOf(em).date(new Date()), id], 'run');
    return { data: pdf, contentType: 'application/pdf' };
  }

  /**
   * Orders whose money is not what they owe, or whose documents disagree with their money:
   * - captured − refunded ≠ invoiced − credited (a capture or refund waiting for its document);
   * - captured − refunded > what the order owes: its total less what its returns refunded, nothing once
   *   CANCELLED (a cancelled order's refund not settled yet, or failing);
   * - shipped or delivered with less captured than it owes (a capture that gave up);
   * - a payment the buyer's bank disputes, until the dispute closes;
   * - a cancelled order still holding gift-card or store-credit tender (its give-back has not run yet).
   * Tender is not in the money rule: the order's total is what its payments owe (tender paid the rest), and
   * an invoice's total is what the payment paid (its lines keep the full price and show what tender paid).
   * Empty when every job has run and every provider answered.
   */
  async unreconciledOrderIds(em: Em): Promise<string[]> {
    const rows = await em.execute(`
      SELECT o.id FROM orders o
      LEFT JOIN (SELECT order_id, SUM(amount_captured - amount_refunded) AS net, SUM(amount_captured) AS captured, SUM(amount_disputed) AS disputed FROM payment GROUP BY order_id) p ON p.order_id = o.id
      LEFT JOIN (SELECT order_id, SUM(CASE WHEN kind = 'INVOICE' THEN total ELSE -total END) AS net FROM invoice GROUP BY order_id) i ON i.order_id = o.id
      LEFT JOIN (SELECT order_id, SUM(refunded_amount) AS refunded FROM return_request WHERE refunded_amount IS NOT NULL GROUP BY order_id) r ON r.order_id = o.id
      LEFT JOIN (SELECT order_id, SUM(amount) AS net FROM (
        SELECT order_id, amount FROM gift_card_entry WHERE order_id IS NOT NULL AND kind IN ('SPENT', 'GIVEN_BACK')
        UNION ALL SELECT order_id, amount FROM store_credit_entry WHERE order_id IS NOT NULL AND kind IN ('SPENT', 'GIVEN_BACK')) t GROUP BY order_id) g ON g.order_id = o.id
      WHERE COALESCE(p.net, 0) <> COALESCE(i.net, 0)
         OR COALESCE(p.net, 0) > CASE WHEN o.status = 'CANCELLED' THEN 0 ELSE o.total - COALESCE(r.refunded, 0) END
         OR (o.status IN ('SHIPPED', 'DELIVERED') AND COALESCE(p.captured, 0) < o.total)
         OR COALESCE(p.disputed, 0) > 0
         OR (o.status = 'CANCELLED' AND COALESCE(g.net, 0) < 0)
      ORDER BY o.id DESC`);
    return (rows as { id: string }[]).map((r) => r.id);
  }
}
