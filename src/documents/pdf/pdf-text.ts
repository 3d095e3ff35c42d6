// Reads back the text lines of a PDF made by these renderers (uncompressed, built-in fonts), so tests and
// support can check what a label or slip says without a PDF library. Not a general PDF parser.

/** Pages of the document (`/Type /Page` objects, not the `/Pages` tree). */
export function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page(?![s\w])/g)?.length ?? 0;
}

/** One string per text-showing operation, in drawing order; kerning splits are joined again. */
export function pdfTextLines(pdf: Buffer): string[] {
  const src = pdf.toString('latin1');
  const lines: string[] = [];
  for (const m of src.matchAll(/\[((?:\s*(?:<[0-9a-fA-F]*>|-?[\d.]+))*)\s*\]\s*TJ/g)) {
    let text = '';
    for (const hex of m[1].matchAll(/<([0-9a-fA-F]*)>/g)) text += Buffer.from(hex[1], 'hex').toString('latin1');
    lines.push(text);
  }
  return lines;
}
