// The purchase order a supplier receives: who orders, where to deliver, when, and per SKU the supplier's
// code, our SKU, quantity, unit cost and line total in the order's currency.
import { formatMoney } from '../../kernel/money.js';
import {
  addressLines, caption, contentWidth, createPdf, drawFacts, drawTable, formatDate, pageNumbers, pdfToBuffer, rule, safeText, SANS, SANS_BOLD,
  type PdfAddress,
} from './pdf-buffer.js';

export interface PurchaseOrderPdfLine {
  sku: string;
  supplierSku?: string | null;
  name: string;
  quantity: number;
  unitCost: number;
  expectedAt?: Date | null;
}

export interface PurchaseOrderPdfInput {
  number: string;
  buyerName: string;
  supplier: { name: string; contactName?: string | null; email: string };
  deliverTo: PdfAddress;
  currencyCode: string;
  orderedAt: Date;
  expectedAt?: Date | null;
  notes?: string | null;
  lines: PurchaseOrderPdfLine[];
}

export async function renderPurchaseOrder(input: PurchaseOrderPdfInput): Promise<Buffer> {
  const doc = createPdf('A4', 40, { title: `Purchase order ${input.number}`, createdAt: input.orderedAt });
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;
  const money = (minor: number) => formatMoney(minor, input.currencyCode);

  doc.font(SANS_BOLD).fontSize(20).text('PURCHASE ORDER', left, top);
  doc.font(SANS).fontSize(10).text(safeText(input.buyerName), left, top + 26);
  const facts: [string, string][] = [['Number', input.number], ['Date', formatDate(input.orderedAt)], ['Currency', input.currencyCode]];
  if (input.expectedAt) facts.push(['Expected', formatDate(input.expectedAt)]);
  drawFacts(doc, facts, top);

  const blockTop = top + 90;
  caption(doc, 'Supplier', left, blockTop);
  const supplier = [input.supplier.name, input.supplier.contactName, input.supplier.email].filter((l): l is string => !!l);
  doc.font(SANS).fontSize(10).text(supplier.map(safeText).join('\n'), left, blockTop + 12, { width: width / 2 - 10 });
  caption(doc, 'Deliver to', left + width / 2, blockTop);
  doc.font(SANS).fontSize(10).text(addressLines(input.deliverTo).map(safeText).join('\n'), left + width / 2, blockTop + 12, { width: width / 2 });
  doc.y = blockTop + 100;
  rule(doc);
  doc.y += 10;
  doc.x = left;

  drawTable(
    doc,
    [
      { header: 'Supplier SKU', weight: 1.3, value: (l: PurchaseOrderPdfLine) => l.supplierSku ?? '' },
      { header: 'SKU', weight: 1.3, value: (l) => l.sku, bold: true },
      { header: 'Item', weight: 2.4, value: (l) => l.name },
      { header: 'Qty', weight: 0.6, align: 'right', value: (l) => String(l.quantity), bold: true },
      { header: 'Unit cost', weight: 1.1, align: 'right', value: (l) => money(l.unitCost) },
      { header: 'Total', weight: 1.2, align: 'right', value: (l) => money(l.unitCost * l.quantity) },
      { header: 'Expected', weight: 1.1, value: (l) => (l.expectedAt ? formatDate(l.expectedAt) : '') },
    ],
    input.lines,
    { fontSize: 9 },
  );

  const units = input.lines.reduce((s, l) => s + l.quantity, 0);
  const total = input.lines.reduce((s, l) => s + l.quantity * l.unitCost, 0);
  doc.moveDown();
  doc.font(SANS_BOLD).fontSize(11).text(`${units} units  ·  Total ${money(total)}`, left, doc.y, { width, align: 'right' });
  if (input.notes) {
    doc.moveDown();
    caption(doc, 'Notes', left);
    doc.font(SANS).fontSize(10).text(safeText(input.notes), left, doc.y + 4, { width });
  }
  pageNumbers(doc, `Purchase order ${input.number}`);
  return pdfToBuffer(doc);
}
