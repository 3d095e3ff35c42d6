// The packing slip that goes into the parcel: what was ordered and is in this box, for the customer to
// check against and for the packer to pack by.
import { addressLines, caption, contentWidth, createPdf, drawFacts, drawTable, formatDate, pageNumbers, pdfToBuffer, rule, safeText, SANS, SANS_BOLD, type PdfAddress } from './pdf-buffer.js';

export interface PackingSlipLine {
  sku: string;
  name: string;
  quantity: number;
}

export interface PackingSlipInput {
  orderNumber: string;
  /** The order date. */
  date: Date;
  shipTo: PdfAddress;
  lines: PackingSlipLine[];
  /** The sender (shop or warehouse), printed top left when given. */
  from?: PdfAddress;
  shipmentId?: string;
  /** The note at the foot; a default thanks-and-returns note when unset. */
  note?: string;
}

export const DEFAULT_PACKING_SLIP_NOTE =
  'Thank you for your order. Please check the contents of this parcel against this slip; if anything is missing or damaged, contact us and quote your order number.';

export async function renderPackingSlip(input: PackingSlipInput): Promise<Buffer> {
  const orderNumber = input.orderNumber.startsWith('#') ? input.orderNumber : `#${input.orderNumber}`;
  const doc = createPdf('A4', 50, { title: `Packing slip ${orderNumber}` });
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;

  doc.font(SANS_BOLD).fontSize(20).text('PACKING SLIP', left, top);
  const facts: [string, string][] = [
    ['Order', orderNumber],
    ['Date', formatDate(input.date)],
  ];
  if (input.shipmentId) facts.push(['Shipment', input.shipmentId]);
  drawFacts(doc, facts, top);

  let y = top + Math.max(48, facts.length * 14 + 12);
  const blockTop = y;
  if (input.from) {
    caption(doc, 'From', left, y);
    doc.font(SANS).fontSize(9).text(addressLines(input.from).map(safeText).join('\n'), left, y + 10, { width: width / 2 - 10 });
    y = doc.y;
  }
  const shipX = input.from ? left + width / 2 : left;
  caption(doc, 'Ship to', shipX, blockTop);
  const [name, ...rest] = addressLines(input.shipTo).map(safeText);
  doc.font(SANS_BOLD).fontSize(11).text(name ?? '', shipX, blockTop + 10, { width: width / 2 });
  doc.font(SANS).fontSize(10).text(rest.join('\n'), { width: width / 2 });
  doc.y = Math.max(doc.y, y) + 20;
  doc.x = left;

  drawTable(
    doc,
    [
      { header: 'SKU', weight: 1.3, value: (l: PackingSlipLine) => l.sku, bold: true },
      { header: 'Item', weight: 3.5, value: (l) => l.name },
      { header: 'Qty', weight: 0.6, align: 'right', value: (l) => String(l.quantity), bold: true },
      { header: 'Packed', weight: 0.7, align: 'center', value: () => '[   ]' },
    ],
    input.lines,
    { fontSize: 10 },
  );
  const units = input.lines.reduce((s, l) => s + l.quantity, 0);
  doc.moveDown(0.5);
  doc.font(SANS_BOLD).fontSize(10).text(`${input.lines.length} ${input.lines.length === 1 ? 'line' : 'lines'}, ${units} ${units === 1 ? 'item' : 'items'}`, left, doc.y, { width, align: 'right' });

  // The note stays together: on a new page when the table left too little room.
  const note = safeText(input.note ?? DEFAULT_PACKING_SLIP_NOTE);
  const noteHeight = doc.font(SANS).fontSize(9).heightOfString(note, { width }) + 20;
  if (doc.y + 20 + noteHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.y += 20;
  rule(doc);
  doc.y += 8;
  doc.font(SANS).fontSize(9).fillColor('#333333').text(note, left, doc.y, { width }).fillColor('black');

  pageNumbers(doc, `Packing slip ${orderNumber}`);
  return pdfToBuffer(doc);
}
