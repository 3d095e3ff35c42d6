// pdfkit reads and parses a built-in font's metrics (an AFM file of 2,000+ lines) for every document
// that uses the font: half of the CPU of a packing slip. The metrics never change, so each font's are
// parsed once per process and shared (pdfkit only reads them after parsing). pdfkit exports no hook for
// this: the parser class is reached through the first document's default font, and its parse method
// answers from the cache. If a pdfkit update moves things, the cache simply stays off.
import type { Pdf } from './pdf-buffer.js';

interface Metrics {
  attributes: Record<string, unknown>;
  glyphWidths: Record<string, number>;
  kernPairs: Record<string, number>;
}

interface AfmParser {
  prototype: { parse(this: Metrics, contents: string): void; __ordoCached?: boolean };
}

let active = false;

/** Whether the cache took hold (a test checks it, so that a pdfkit update that moves things is noticed). */
export function fontMetricsCacheActive(): boolean {
  return active;
}

export function cacheFontMetrics(doc: Pdf): void {
  const parser = (doc as unknown as { _font?: { font?: { constructor: AfmParser } } })._font?.font?.constructor;
  const proto = parser?.prototype;
  if (!proto || typeof proto.parse !== 'function' || proto.__ordoCached) return;
  const parse = proto.parse;
  const parsed = new Map<string, Metrics>();
  proto.parse = function (this: Metrics, contents: string) {
    const name = /^FontName\s+(\S+)/m.exec(contents)?.[1];
    const hit = name ? parsed.get(name) : undefined;
    if (hit) {
      this.attributes = hit.attributes;
      this.glyphWidths = hit.glyphWidths;
      this.kernPairs = hit.kernPairs;
      return;
    }
    parse.call(this, contents);
    if (name) parsed.set(name, { attributes: this.attributes, glyphWidths: this.glyphWidths, kernPairs: this.kernPairs });
  };
  proto.__ordoCached = true;
  active = true;
}
