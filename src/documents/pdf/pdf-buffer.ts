// What every renderer shares: a pdfkit document with the embedded document font, collected into a
// Buffer; text made safe for that font, address blocks, a table that breaks across pages, page numbers.
import { SANS, SANS_BOLD, hasGlyph, pdfkit, useDocumentFonts } from './document-fonts.js';

export { SANS, SANS_BOLD };

export type Pdf = PDFKit.PDFDocument;

export interface PdfAddress {
  name: string;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  countryCode: string;
  phone?: string | null;
}

/**
 * Uncompressed: documents of a few pages stay small (a label is a few KB), and the text can be read back
 * by tests (pdf-text.ts). Pages are buffered so page numbers can be written at the end.
 */
export function createPdf(size: 'A4' | 'A6', margin: number, info: { title: string; createdAt?: Date }): Pdf {
  const PDFDocument = pdfkit();
  const doc = new PDFDocument({
    size,
    margin,
    compress: false,
    bufferPages: true,
    font: '', // not the built-in Helvetica: the document font is set next
    info: { Title: safeText(info.title), Producer: 'Ordo', Creator: 'Ordo', CreationDate: info.createdAt ?? new Date() },
  });
  useDocumentFonts(doc);
  return doc;
}

/** Label and value pairs (order number, date, ...) in the top right corner, a line of 14 points each. */
export function drawFacts(doc: Pdf, facts: [string, string][], top: number): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  facts.forEach(([label, value], i) => {
    const y = top + i * 14;
    doc.font(SANS).fontSize(9).fillColor('#555555').text(label, left + width - 220, y, { width: 70 });
    doc.font(SANS_BOLD).fontSize(10).fillColor('black').text(safeText(value), left + width - 150, y - 1, { width: 150, align: 'right' });
  });
}

/** Ends the document and resolves with its bytes. */
export function pdfToBuffer(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

// What the document font has no glyph for (Chinese, Arabic, ... in DejaVu Sans) would print as empty boxes.
const FALLBACKS: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h', '‐': '-', '‑': '-', '−': '-', '×': 'x' };

function printable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c >= 0x20 && !(c >= 0x7f && c < 0xa0) && hasGlyph(c);
}

/** Text the document font can show: a letter it lacks without its accent when it has the base letter, else "?"; line breaks stay, other controls become spaces. */
export function safeText(text: string | null | undefined): string {
  if (!text) return '';
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (ch === '\n') out += ch;
    else if (/\p{Cc}/u.test(ch)) out += ' ';
    else if (printable(ch)) out += ch;
    else if (/\s/u.test(ch)) out += ' ';
    else if (FALLBACKS[ch] && [...FALLBACKS[ch]].every(printable)) out += FALLBACKS[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && base !== ch && [...base].every(printable) ? base : '?';
    }
  }
  return out;
}

let regionNames: Intl.DisplayNames | undefined;
export function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** The lines of an address block, as a postal label prints them (as written: renderers pass them through safeText). */
export function addressLines(a: PdfAddress, opts: { phone?: boolean } = {}): string[] {
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  const lines = [a.name, a.line1, a.line2, cityLine, a.region, countryName(a.countryCode).toUpperCase()];
  if (opts.phone && a.phone) lines.push(`Tel. ${a.phone}`);
  return lines.filter((l): l is string => !!l && l.trim() !== '');
}

/** 2024-05-01 (UTC): documents are read across time zones, so they say which one. */
export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function formatDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** 850 g, 1.25 kg. */
export function formatWeight(grams: number): string {
  if (grams < 1000) return `${Math.round(grams)} g`;
  return `${Number((grams / 1000).toFixed(2))} kg`;
}

export function contentWidth(doc: Pdf): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

export function rule(doc: Pdf, y = doc.y, color = '#999999'): void {
  doc.save().moveTo(doc.page.margins.left, y).lineTo(doc.page.width - doc.page.margins.right, y).lineWidth(0.5).strokeColor(color).stroke().restore();
}

/** A small caption above a block ("SHIP TO"). */
export function caption(doc: Pdf, text: string, x = doc.page.margins.left, y = doc.y): void {
  doc.font(SANS_BOLD).fontSize(7).fillColor('#555555').text(text.toUpperCase(), x, y).fillColor('black');
}

export interface TableColumn<R> {
  header: string;
  /** Relative width; the columns share the page width in these proportions. */
  weight: number;
  align?: 'left' | 'right' | 'center';
  bold?: boolean;
  value: (row: R) => string;
}

/**
 * Rows of wrapped text under a header; a row that does not fit starts a new page, which repeats the header.
 * Leaves doc.y under the table.
 */
export function drawTable<R>(doc: Pdf, columns: TableColumn<R>[], rows: R[], opts: { fontSize?: number; reserveBottom?: number } = {}): void {
  const fontSize = opts.fontSize ?? 9;
  const pad = 4;
  const left = doc.page.margins.left;
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const widths = columns.map((c) => (contentWidth(doc) * c.weight) / total);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((s, w) => s + w, 0));
  const bottom = () => doc.page.height - doc.page.margins.bottom - (opts.reserveBottom ?? 0);

  const cellHeight = (text: string, i: number, bold: boolean) =>
    doc.font(bold ? SANS_BOLD : SANS).fontSize(fontSize).heightOfString(text || ' ', { width: widths[i] - 2 * pad });

  const drawRow = (cells: string[], bold: (i: number) => boolean, shade: boolean) => {
    const height = Math.max(...cells.map((t, i) => cellHeight(t, i, bold(i)))) + 2 * pad;
    if (doc.y + height > bottom()) {
      doc.addPage();
      if (!shade) drawHeader();
    }
    const y = doc.y;
    if (shade) doc.save().rect(left, y, contentWidth(doc), height).fill('#eeeeee').restore();
    cells.forEach((text, i) => {
      doc
        .font(bold(i) ? SANS_BOLD : SANS)
        .fontSize(fontSize)
        .fillColor('black')
        .text(text, xs[i] + pad, y + pad, { width: widths[i] - 2 * pad, align: columns[i].align ?? 'left' });
    });
    doc.y = y + height;
    rule(doc, doc.y, '#cccccc');
  };
  const drawHeader = () => drawRow(columns.map((c) => safeText(c.header)), () => true, true);

  drawHeader();
  for (const row of rows) drawRow(columns.map((c) => safeText(c.value(row))), (i) => !!columns[i].bold, false);
  doc.x = left;
}

/** "Page 1 of 3" at the foot of every page; call last (needs bufferPages). */
export function pageNumbers(doc: Pdf, label: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing into the bottom margin would make pdfkit start a new page; lift the margin meanwhile.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(SANS)
      .fontSize(7)
      .fillColor('#555555')
      .text(`${safeText(label)}  ·  Page ${i - range.start + 1} of ${range.count}`, doc.page.margins.left, doc.page.height - bottom / 2 - 4, {
        width: contentWidth(doc),
        align: 'center',
        lineBreak: false,
      })
      .fillColor('black');
    doc.page.margins.bottom = bottom;
  }
}
