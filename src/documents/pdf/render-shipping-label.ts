// A carrier label on A6 (the size of thermal label printers): one page per parcel, the receiver's address
// largest, the tracking number as text and as a Code 39 barcode.
import { badInput } from '../../kernel/errors.js';
import { drawCode39 } from './code39.js';
import { addressLines, caption, contentWidth, createPdf, formatDate, formatWeight, pdfToBuffer, rule, safeText, SANS, SANS_BOLD, type Pdf, type PdfAddress } from './pdf-buffer.js';

export interface ShippingLabelInput {
  /** The carrier's display name ("Sim Carrier"). */
  carrier: string;
  /** The carrier service ("express"). */
  service: string;
  trackingNumber: string;
  from: PdfAddress;
  to: PdfAddress;
  orderNumber: string;
  weightGrams: number;
  /** One page is printed per parcel ("Parcel 2 of 3"). */
  parcels: number;
  shipmentId?: string;
  createdAt?: Date;
}

const MAX_PARCELS = 999;

export async function renderShippingLabel(input: ShippingLabelInput): Promise<Buffer> {
  if (!Number.isInteger(input.parcels) || input.parcels < 1 || input.parcels > MAX_PARCELS) {
    throw badInput(`parcels must be a whole number from 1 to ${MAX_PARCELS}.`, 'parcels');
  }
  const createdAt = input.createdAt ?? new Date();
  const doc = createPdf('A6', 14, { title: `Label ${input.trackingNumber}`, createdAt });
  for (let parcel = 1; parcel <= input.parcels; parcel++) {
    if (parcel > 1) doc.addPage();
    labelPage(doc, input, parcel, createdAt);
  }
  return pdfToBuffer(doc);
}

function labelPage(doc: Pdf, input: ShippingLabelInput, parcel: number, createdAt: Date): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;

  // Carrier and service.
  doc.font(SANS_BOLD).fontSize(15).text(safeText(input.carrier), left, top, { width: width * 0.6, lineBreak: false, ellipsis: true });
  doc
    .font(SANS_BOLD)
    .fontSize(10)
    .text(safeText(input.service).toUpperCase(), left + width * 0.6, top + 3, { width: width * 0.4, align: 'right', lineBreak: false, ellipsis: true });
  doc.y = top + 22;
  rule(doc, doc.y, 'black');

  // Sender, small.
  doc.y += 5;
  caption(doc, 'From');
  doc.font(SANS).fontSize(7.5).text(addressLines(input.from).map(safeText).join(', '), left, doc.y + 1, { width, height: 20, ellipsis: true });
  doc.y += 4;
  rule(doc, doc.y, 'black');

  // Receiver, large.
  doc.y += 6;
  caption(doc, 'Ship to');
  const [name, ...rest] = addressLines(input.to, { phone: true }).map(safeText);
  doc.font(SANS_BOLD).fontSize(13).text(name ?? '', left, doc.y + 2, { width });
  doc.font(SANS).fontSize(11).text(rest.join('\n'), { width, lineGap: 1 });
  doc.y = Math.max(doc.y + 6, 190);
  rule(doc, doc.y, 'black');

  // Tracking number, large, and its barcode.
  doc.y += 6;
  caption(doc, 'Tracking number');
  doc.font(SANS_BOLD).fontSize(18).text(safeText(input.trackingNumber), left, doc.y + 2, { width, align: 'center', lineBreak: false });
  doc.y += 24;
  drawCode39(doc, input.trackingNumber, left, doc.y, width, 62);
  doc.y += 70;
  rule(doc, doc.y, 'black');

  // Order, weight, parcels.
  const y = doc.y + 6;
  const col = width / 3;
  const cell = (i: number, label: string, value: string) => {
    caption(doc, label, left + i * col, y);
    doc.font(SANS_BOLD).fontSize(10).text(safeText(value), left + i * col, y + 9, { width: col - 4, lineBreak: false, ellipsis: true });
  };
  cell(0, 'Order', input.orderNumber.startsWith('#') ? input.orderNumber : `#${input.orderNumber}`);
  cell(1, 'Weight', formatWeight(input.weightGrams));
  cell(2, 'Parcel', `${parcel} of ${input.parcels}`);
  const meta = [input.shipmentId, formatDate(createdAt)].filter(Boolean).join('  ·  ');
  doc.font(SANS).fontSize(6.5).fillColor('#555555').text(safeText(meta), left, y + 26, { width, lineBreak: false }).fillColor('black');
}
