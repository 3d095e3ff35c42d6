// The documents' font: DejaVu Sans, regular and bold (the dejavu-fonts-ttf package), embedded as a subset
// in every PDF, so that names and addresses print as written in Latin, Greek and Cyrillic scripts (the
// PDF built-in fonts only have the cp1252 glyphs).
//
// Reading and parsing a TrueType file for every document costs about 40 ms of CPU per document (its
// glyph substitution and positioning tables, cmap, metrics): the files are read and parsed once per
// process, and each document gets pdfkit's font object around the shared parsed tables. pdfkit and
// fontkit export no hook for this: pdfkit's EmbeddedFont class and fontkit's parsed font are taken from
// a first document's font, and set in each new document's font table. A document gets a view of the
// parsed font with glyph objects and a layout engine of its own: fontkit keeps on each glyph object the
// characters it was first made for, which pdfkit writes into the PDF's text map, so shared glyph objects
// would let one document's text decide another's (a letter first made as part of an accented one has
// none). If an update of either moves things, each document parses the font itself (registerFont):
// slower, the same output.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { lazyRequire } from '../../kernel/lazy-require.js';

/** pdfkit (and fontkit under it), loaded by the first document a process renders (lazy-require.ts). */
export const pdfkit = lazyRequire<typeof import('pdfkit')>('pdfkit');

export const SANS = 'Sans';
export const SANS_BOLD = 'Sans-Bold';

const FILES: Record<typeof SANS | typeof SANS_BOLD, string> = { [SANS]: 'DejaVuSans.ttf', [SANS_BOLD]: 'DejaVuSans-Bold.ttf' };
const NAMES = [SANS, SANS_BOLD] as const;

/** The parts of a fontkit font used here. */
interface ParsedFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
  layout(text: string): unknown;
  _glyphs?: Record<number, unknown>;
  _layoutEngine?: { constructor: new (font: ParsedFont) => unknown };
}
type EmbeddedFontClass = new (doc: PDFKit.PDFDocument, font: ParsedFont, id: string) => unknown;
/** pdfkit's own fields, read and written here (see the top of the file). */
interface PdfkitInternals {
  _font?: { font?: ParsedFont; constructor: EmbeddedFontClass };
  _fontFamilies?: Record<string, unknown>;
  _fontCount?: number;
}

interface Loaded {
  files: Record<string, Buffer>;
  parsed: Record<string, ParsedFont> | null;
  /** Null when pdfkit or fontkit do not look as expected: then every document parses the files. */
  shared: { Embedded: EmbeddedFontClass; LayoutEngine: new (font: ParsedFont) => unknown } | null;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const files = Object.fromEntries(NAMES.map((n) => [n, readFileSync(join(dir, FILES[n]))]));
  const probe = new (pdfkit())({ font: '' });
  const parsed: Record<string, ParsedFont> = {};
  let Embedded: EmbeddedFontClass | null = null;
  for (const name of NAMES) {
    probe.registerFont(name, files[name]).font(name);
    const f = (probe as unknown as PdfkitInternals)._font;
    if (f?.font && typeof f.font.hasGlyphForCodePoint === 'function' && typeof f.font.layout === 'function') parsed[name] = f.font;
    Embedded = f && typeof f.constructor === 'function' ? f.constructor : null;
  }
  const inner = probe as unknown as PdfkitInternals;
  const all = Object.keys(parsed).length === NAMES.length;
  const LayoutEngine = all ? parsed[SANS]._layoutEngine?.constructor : undefined;
  const shaped = all && Embedded && typeof LayoutEngine === 'function' && typeof inner._fontFamilies === 'object' && typeof inner._fontCount === 'number' &&
    NAMES.every((n) => typeof parsed[n]._glyphs === 'object');
  loaded = { files, parsed: all ? parsed : null, shared: shaped ? { Embedded: Embedded!, LayoutEngine: LayoutEngine! } : null };
  return loaded;
}

/** A document's view of a parsed font: the tables are shared, glyph objects and layout its own. */
function documentView(parsed: ParsedFont, LayoutEngine: new (font: ParsedFont) => unknown): ParsedFont {
  const view = Object.create(parsed) as ParsedFont;
  view._glyphs = {};
  Object.defineProperty(view, '_layoutEngine', { value: new LayoutEngine(view) });
  return view;
}

/** Whether documents share the fonts parsed once (a test checks it, so that a pdfkit update that moves things is noticed). */
export function documentFontsShared(): boolean {
  return load().shared !== null;
}

/** Makes SANS and SANS_BOLD available in a new document and selects SANS. */
export function useDocumentFonts(doc: PDFKit.PDFDocument): void {
  const { files, parsed, shared } = load();
  const inner = doc as unknown as PdfkitInternals;
  for (const name of NAMES) {
    doc.registerFont(name, files[name]);
    // pdfkit looks a registered name up in the document's font table before it opens the file.
    if (shared && parsed) inner._fontFamilies![name] = new shared.Embedded(doc, documentView(parsed[name], shared.LayoutEngine), `F${++inner._fontCount!}`);
  }
  doc.font(SANS);
}

/** Whether both faces have a glyph for the character; true for all when the fonts could not be inspected. */
export function hasGlyph(codePoint: number): boolean {
  const { parsed } = load();
  return !parsed || NAMES.every((n) => parsed[n].hasGlyphForCodePoint(codePoint));
}
