// The pick list a warehouse walks with: per SKU the total to take off the shelf, and which orders and
// shipments it is for, so the picker can sort while picking. Rows are printed in the order given (the
// caller sorts, for example by bin).
import { contentWidth, createPdf, drawTable, formatDateTime, pageNumbers, pdfToBuffer, safeText, SANS, SANS_BOLD } from './pdf-buffer.js';

export interface PickListAllocation {
  orderNumber: string;
  shipmentId?: string;
  quantity: number;
}

export interface PickListRow {
  sku: string;
  name: string;
  /** The units to pick; the sum of the allocations when unset. */
  totalQuantity?: number;
  allocations: PickListAllocation[];
}

export interface PickListInput {
  location: { code: string; name: string };
  generatedAt: Date;
  rows: PickListRow[];
}

const totalOf = (r: PickListRow) => r.totalQuantity ?? r.allocations.reduce((s, a) => s + a.quantity, 0);
const orderLabel = (n: string) => (n.startsWith('#') ? n : `#${n}`);

export async function renderPickList(input: PickListInput): Promise<Buffer> {
  const doc = createPdf('A4', 40, { title: `Pick list ${input.location.code}`, createdAt: input.generatedAt });
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;

  doc.font(SANS_BOLD).fontSize(20).text('PICK LIST', left, top);
  doc.font(SANS_BOLD).fontSize(12).text(`${safeText(input.location.code)}  ${safeText(input.location.name)}`, left, top + 26, { width });
  doc.font(SANS).fontSize(9).fillColor('#555555').text(`Generated ${formatDateTime(input.generatedAt)}`, left, top + 44).fillColor('black');

  const units = input.rows.reduce((s, r) => s + totalOf(r), 0);
  const orders = new Set(input.rows.flatMap((r) => r.allocations.map((a) => a.orderNumber))).size;
  doc
    .font(SANS_BOLD)
    .fontSize(10)
    .text(`${input.rows.length} SKUs  ·  ${units} units  ·  ${orders} ${orders === 1 ? 'order' : 'orders'}`, left, top + 44, { width, align: 'right' });
  doc.y = top + 66;
  doc.x = left;

  drawTable(
    doc,
    [
      { header: 'Picked', weight: 0.6, align: 'center', value: () => '[   ]' },
      { header: 'SKU', weight: 1.4, value: (r: PickListRow) => r.sku, bold: true },
      { header: 'Item', weight: 2.6, value: (r) => r.name },
      { header: 'Qty', weight: 0.6, align: 'right', value: (r) => String(totalOf(r)), bold: true },
      {
        header: 'For',
        weight: 2.6,
        value: (r) => r.allocations.map((a) => `${orderLabel(a.orderNumber)} x ${a.quantity}${a.shipmentId ? `  (${a.shipmentId})` : ''}`).join('\n'),
      },
    ],
    input.rows,
    { fontSize: 9 },
  );

  pageNumbers(doc, `Pick list ${input.location.code}, ${formatDateTime(input.generatedAt)}`);
  return pdfToBuffer(doc);
}
