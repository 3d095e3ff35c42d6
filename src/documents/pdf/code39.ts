// Code 39: the simplest barcode a handheld scanner reads (letters, digits, - . space $ / + %). Enough for
// the sim carrier's labels; real carriers send their own label PDFs.
import type { Pdf } from './pdf-buffer.js';

// Per character: bar, space, bar, space, bar, space, bar, space, bar; 1 = wide. Three of the nine are wide.
const PATTERNS: Record<string, string> = {
  '0': '000110100', '1': '100100001', '2': '001100001', '3': '101100000', '4': '000110001',
  '5': '100110000', '6': '001110000', '7': '000100101', '8': '100100100', '9': '001100100',
  A: '100001001', B: '001001001', C: '101001000', D: '000011001', E: '100011000', F: '001011000',
  G: '000001101', H: '100001100', I: '001001100', J: '000011100', K: '100000011', L: '001000011',
  M: '101000010', N: '000010011', O: '100010010', P: '001010010', Q: '000000111', R: '100000110',
  S: '001000110', T: '000010110', U: '110000001', V: '011000001', W: '111000000', X: '010010001',
  Y: '110010000', Z: '011010000', '-': '010000101', '.': '110000100', ' ': '011000100',
  '$': '010101000', '/': '010100010', '+': '010001010', '%': '000101010', '*': '010010100',
};

const WIDE = 3;

/**
 * The element widths in narrow modules, bar first and alternating, with the `*` start/stop characters and
 * a narrow gap between characters; null when the text has characters Code 39 cannot encode.
 */
export function code39Modules(text: string): number[] | null {
  const upper = text.toUpperCase();
  if (!upper || upper.includes('*') || [...upper].some((c) => !(c in PATTERNS))) return null;
  const out: number[] = [];
  [...`*${upper}*`].forEach((c, i) => {
    if (i > 0) out.push(1);
    for (const bit of PATTERNS[c]) out.push(bit === '1' ? WIDE : 1);
  });
  return out;
}

/** Draws the barcode centred in the box (quiet zones included); false when the text cannot be encoded. */
export function drawCode39(doc: Pdf, text: string, x: number, y: number, width: number, height: number): boolean {
  const modules = code39Modules(text);
  if (!modules) return false;
  const quiet = 10;
  const total = modules.reduce((s, m) => s + m, 0) + 2 * quiet;
  const narrow = Math.min(width / total, 1.5);
  let cx = x + (width - total * narrow) / 2 + quiet * narrow;
  doc.save().fillColor('black');
  modules.forEach((m, i) => {
    if (i % 2 === 0) doc.rect(cx, y, m * narrow, height);
    cx += m * narrow;
  });
  doc.fill().restore();
  return true;
}
