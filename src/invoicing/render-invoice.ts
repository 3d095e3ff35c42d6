// The invoice or credit note as a PDF: seller and buyer, the lines with tax rate, totals.
import { addressLines, caption, contentWidth, createPdf, drawFacts, drawTable, formatDate, pageNumbers, pdfToBuffer, rule, safeText, SANS, SANS_BOLD } from '../documents/pdf/pdf-buffer.js';
import { formatMoney } from '../kernel/money.js';
import type { InvoiceLine, Party } from './invoice.entity.js';

export interface InvoicePdfInput {
  kind: 'INVOICE' | 'CREDIT_NOTE';
  number: string;
  issuedAt: Date;
  orderNumber: string;
  correctsNumber?: string | null;
  seller: Party;
  buyer: Party;
  currencyCode: string;
  lines: InvoiceLine[];
  subtotal: number;
  taxTotal: number;
  total: number;
}

export async function renderInvoice(input: InvoicePdfInput): Promise<Buffer> {
  const title = input.kind === 'INVOICE' ? 'INVOICE' : 'CREDIT NOTE';
  const doc = createPdf('A4', 50, { title: `${title} ${input.number}`, createdAt: input.issuedAt });
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;

  doc.font(SANS_BOLD).fontSize(20).text(title, left, top);
  const facts: [string, string][] = [
    ['Number', input.number],
    ['Date', formatDate(input.issuedAt)],
    ['Order', `#${input.orderNumber}`],
  ];
  if (input.correctsNumber) facts.push(['Corrects', input.correctsNumber]);
  drawFacts(doc, facts, top);

  const blockTop = top + Math.max(60, facts.length * 14 + 16);
  caption(doc, 'Seller', left, blockTop);
  doc.font(SANS).fontSize(9).text([input.seller.name, ...input.seller.lines].map(safeText).join('\n'), left, blockTop + 10, { width: width / 2 - 10 });
  const sellerBottom = doc.y;
  caption(doc, 'Bill to', left + width / 2, blockTop);
  const buyer = [input.buyer.name, ...input.buyer.lines, ...(input.buyer.email ? [input.buyer.email] : [])].map(safeText);
  doc.font(SANS).fontSize(9).text(buyer.join('\n'), left + width / 2, blockTop + 10, { width: width / 2 });
  doc.y = Math.max(doc.y, sellerBottom) + 20;
  doc.x = left;

  const c = input.currencyCode;
  const gross = input.lines.some((l) => l.unitPriceIncludesTax);
  drawTable(doc, [
    { header: 'Description', weight: 2.6, value: (l: InvoiceLine) => l.description },
    { header: 'SKU', weight: 1.0, value: (l) => l.sku ?? '' },
    { header: 'Qty', weight: 0.5, align: 'right', value: (l) => String(l.quantity) },
    // Gross unit prices (a tax-inclusive order) say so; every line shows net, tax and total, which add up.
    { header: gross ? 'Unit (gross)' : 'Unit (net)', weight: 1.1, align: 'right', value: (l) => formatMoney(l.unitPrice, c) },
    { header: 'Tax %', weight: 0.7, align: 'right', value: (l) => `${l.taxRatePercent}%` },
    { header: 'Net', weight: 1.1, align: 'right', value: (l) => formatMoney(l.net, c) },
    { header: 'Tax', weight: 1.0, align: 'right', value: (l) => formatMoney(l.taxTotal, c) },
    { header: 'Total', weight: 1.2, align: 'right', bold: true, value: (l) => formatMoney(l.total, c) },
  ], input.lines, { fontSize: 9 });

  doc.moveDown(0.8);
  // What gift cards or store credit paid (their lines have no net amount): the rest is what the payment paid.
  const tender = input.subtotal + input.taxTotal - input.total;
  const totals: [string, string][] = [
    ['Subtotal (net)', formatMoney(input.subtotal, c)],
    ['Tax', formatMoney(input.taxTotal, c)],
    ...(tender > 0 ? [['Total', formatMoney(input.subtotal + input.taxTotal, c)], ['Paid by gift card / store credit', formatMoney(-tender, c)]] as [string, string][] : []),
    [input.kind === 'INVOICE' ? (tender > 0 ? 'Paid by card / payment' : 'Total') : 'Total credited', formatMoney(input.total, c)],
  ];
  for (const [label, value] of totals) {
    const y = doc.y;
    doc.font(SANS).fontSize(10).text(label, left + width - 260, y, { width: 130 });
    doc.font(SANS_BOLD).fontSize(10).text(value, left + width - 130, y, { width: 130, align: 'right' });
    doc.y = y + 16;
  }
  doc.y += 10;
  rule(doc);
  doc.y += 8;
  const note = input.kind === 'INVOICE'
    ? 'Paid. Thank you for your order.'
    : `This credit note corrects invoice ${input.correctsNumber ?? ''}; the amount is refunded to the original payment method.`;
  doc.font(SANS).fontSize(9).fillColor('#333333').text(safeText(note), left, doc.y, { width }).fillColor('black');
  pageNumbers(doc, `${title} ${input.number}`);
  return pdfToBuffer(doc);
}

export { addressLines };
