// Reads back the text lines of a PDF made by these renderers, so tests and support can check what a label
// or slip says without a PDF library. Not a general PDF parser: it reads uncompressed (or Flate) objects
// as pdfkit writes them, the pages' content streams in page order, and decodes each text-showing
// operation with its font: an embedded font (Type0, two-byte glyph codes) through its ToUnicode map, a
// built-in font's one-byte codes as WinAnsi.
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream?: string;
}

/** Pages of the document (`/Type /Page` objects, not the `/Pages` tree). */
export function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page(?![s\w])/g)?.length ?? 0;
}

/** The numbered objects, with their stream data (latin1: one char per byte). */
function objects(src: string): Map<number, PdfObject> {
  const out = new Map<number, PdfObject>();
  const head = /(\d+) 0 obj\b/g;
  let m: RegExpExecArray | null;
  while ((m = head.exec(src))) {
    const start = head.lastIndex;
    const end = src.indexOf('endobj', start);
    if (end < 0) break;
    const streamAt = src.indexOf('stream', start);
    if (streamAt >= 0 && streamAt < end) {
      const dict = src.slice(start, streamAt);
      let from = streamAt + 'stream'.length;
      if (src[from] === '\r') from++;
      if (src[from] === '\n') from++;
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? -1);
      const to = length >= 0 ? from + length : src.indexOf('endstream', from);
      let data = src.slice(from, to);
      if (/\/Filter\s*\/FlateDecode/.test(dict)) data = inflateSync(Buffer.from(data, 'latin1')).toString('latin1');
      out.set(Number(m[1]), { dict, stream: data });
      head.lastIndex = src.indexOf('endobj', to) + 'endobj'.length;
    } else {
      out.set(Number(m[1]), { dict: src.slice(start, end) });
      head.lastIndex = end + 'endobj'.length;
    }
  }
  return out;
}

const refs = (s: string) => [...s.matchAll(/(\d+) 0 R/g)].map((r) => Number(r[1]));

/** UTF-16BE hex (spaces allowed) to a string. */
function utf16(hex: string): string {
  const h = hex.replace(/\s+/g, '');
  let s = '';
  for (let i = 0; i + 4 <= h.length; i += 4) s += String.fromCharCode(parseInt(h.slice(i, i + 4), 16));
  return s;
}

/** A ToUnicode CMap: glyph code to text (bfchar and bfrange, both forms). */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const e of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]*)>/g)) map.set(parseInt(e[1], 16), utf16(e[2]));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const e of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F\s]*>)/g)) {
      const lo = parseInt(e[1], 16);
      const hi = parseInt(e[2], 16);
      if (e[3].startsWith('[')) {
        [...e[3].matchAll(/<([0-9a-fA-F\s]*)>/g)].forEach((d, i) => map.set(lo + i, utf16(d[1])));
      } else {
        const first = utf16(e[3].slice(1, -1));
        for (let c = lo; c <= hi; c++) {
          map.set(c, first.slice(0, -1) + String.fromCharCode(first.charCodeAt(first.length - 1) + (c - lo)));
        }
      }
    }
  }
  return map;
}

type Decoder = (bytes: Buffer) => string;

const winAnsi = new TextDecoder('windows-1252');
const oneByte: Decoder = (bytes) => winAnsi.decode(bytes);

function twoByte(map: Map<number, string>): Decoder {
  return (bytes) => {
    let s = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) s += map.get(bytes.readUInt16BE(i)) ?? '\ufffd';
    return s;
  };
}

/** Font resource name (F1, ...) to its decoder; pdfkit names each font once per document. */
function fontDecoders(objs: Map<number, PdfObject>): Map<string, Decoder> {
  const byObject = new Map<number, Decoder>();
  for (const [num, o] of objs) {
    if (!/\/Type \/Font\b/.test(o.dict) || /\/Subtype \/CIDFontType/.test(o.dict)) continue;
    const cmapRef = /\/ToUnicode (\d+) 0 R/.exec(o.dict)?.[1];
    const cmap = cmapRef ? objs.get(Number(cmapRef))?.stream : undefined;
    const wide = /\/Subtype \/Type0/.test(o.dict);
    byObject.set(num, wide ? twoByte(cmap ? toUnicode(cmap) : new Map()) : oneByte);
  }
  const byName = new Map<string, Decoder>();
  for (const o of objs.values()) {
    for (const fonts of o.dict.matchAll(/\/Font\s*<<([^>]*)>>/g)) {
      for (const e of fonts[1].matchAll(/\/([^\s/<>[\]()]+)\s+(\d+) 0 R/g)) {
        const d = byObject.get(Number(e[2]));
        if (d) byName.set(e[1], d);
      }
    }
  }
  return byName;
}

/** The content streams of the pages, in page order. */
function pageContents(objs: Map<number, PdfObject>): string[] {
  const root = [...objs.values()].find((o) => /\/Type \/Pages\b/.test(o.dict) && !/\/Parent /.test(o.dict));
  const kids = (pages: PdfObject | undefined): PdfObject[] =>
    refs(/\/Kids \[([^\]]*)\]/.exec(pages?.dict ?? '')?.[1] ?? '').flatMap((n) => {
      const kid = objs.get(n);
      if (!kid) return [];
      return /\/Type \/Pages\b/.test(kid.dict) ? kids(kid) : [kid];
    });
  const pages = root ? kids(root) : [...objs.values()].filter((o) => /\/Type \/Page(?![s\w])/.test(o.dict));
  return pages.flatMap((p) => {
    const c = /\/Contents\s*(\[[^\]]*\]|\d+ 0 R)/.exec(p.dict)?.[1] ?? '';
    return refs(c).map((n) => objs.get(n)?.stream ?? '');
  });
}

const hexBytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

/** One string per text-showing operation, in drawing order; kerning splits are joined again. */
export function pdfTextLines(pdf: Buffer): string[] {
  const objs = objects(pdf.toString('latin1'));
  const decoders = fontDecoders(objs);
  const lines: string[] = [];
  for (const content of pageContents(objs)) {
    let decode: Decoder = oneByte;
    const ops = /\/([^\s/<>[\]()]+)\s+[-\d.]+\s+Tf\b|\[((?:\s*(?:<[0-9a-fA-F\s]*>|-?[\d.]+))*)\s*\]\s*TJ|<([0-9a-fA-F\s]*)>\s*Tj/g;
    for (const m of content.matchAll(ops)) {
      if (m[1] !== undefined) decode = decoders.get(m[1]) ?? oneByte;
      else if (m[2] !== undefined) lines.push([...m[2].matchAll(/<([0-9a-fA-F\s]*)>/g)].map((h) => decode(hexBytes(h[1]))).join(''));
      else lines.push(decode(hexBytes(m[3])));
    }
  }
  return lines;
}
