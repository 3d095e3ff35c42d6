// "At the same moment" checked, not assumed: requests fired together can still reach the server one
// after another (a slow client, a busy loop). `watchRequests` records, on the engine's own HTTP server,
// when each tagged request arrived and when its answer was sent; `allInFlightAtOnce` says whether there
// was a moment when all of them were inside the server (the last arrived before the first was answered).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export const RACE_HEADER = 'x-test-race';

export interface Span {
  tag: string;
  start: number;
  end?: number;
}

export function watchRequests(server: Server) {
  const spans: Span[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const tag = req.headers[RACE_HEADER];
    if (typeof tag !== 'string') return;
    const span: Span = { tag, start: performance.now() };
    spans.push(span);
    res.once('finish', () => (span.end = performance.now()));
  };
  server.on('request', onRequest);
  return { spans, stop: () => void server.off('request', onRequest) };
}

export function allInFlightAtOnce(spans: Span[]): boolean {
  if (spans.some((s) => s.end === undefined)) throw new Error('a watched request has not been answered yet');
  return Math.max(...spans.map((s) => s.start)) < Math.min(...spans.map((s) => s.end!));
}

/** Readable spans for a failure message: milliseconds after the first arrival. */
export function describeSpans(spans: Span[]): string {
  const t0 = Math.min(...spans.map((s) => s.start));
  return spans.map((s) => `${s.tag}: ${(s.start - t0).toFixed(1)}–${s.end === undefined ? '?' : (s.end - t0).toFixed(1)} ms`).join(', ');
}
