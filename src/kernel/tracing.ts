// OpenTelemetry traces, optional. With OTEL_EXPORTER_OTLP_ENDPOINT set, the process starts the SDK
// (src/process.ts: startTracing) and exports spans over OTLP (http/protobuf); tests hand in an exporter of
// their own. Unset, nothing of OpenTelemetry is loaded (dynamic imports below) and every helper here is a
// check of one variable. What is traced: HTTP requests and GraphQL operations (tracing-http.ts), SQL
// statements (db/sql-spans.ts), one span per job run (the queue drivers). The context crosses the outbox
// as a W3C traceparent: recordEvent (and placeOrder's plain insert) keep the active one on the event row,
// the relay puts it on the event's job, and a job adds its own jobs under its span, so a request, its
// events and the jobs they start are one trace.
import type * as Api from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from './logger.js';

export interface TracingOptions {
  /** service.name (OTEL_SERVICE_NAME). */
  serviceName: string;
  /** The OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT): spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  /** Instead of OTLP (tests: an InMemorySpanExporter); each span is handed over when it ends. */
  exporter?: SpanExporter;
  /** Where OpenTelemetry's own warnings go (a collector that refuses or cannot be reached). */
  log?: Logger;
}

interface Otel {
  api: typeof Api;
  tracer: Api.Tracer;
  provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> };
}

let otel: Otel | null = null;

/** The loaded API and this process's tracer, or null when tracing is off (the one check on hot paths). */
export const tracing = (): Otel | null => otel;

export async function startTracing(opts: TracingOptions): Promise<void> {
  if (otel) throw new Error('tracing is already started in this process');
  const [api, node, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ]);
  let processor;
  if (opts.exporter) processor = new node.SimpleSpanProcessor(opts.exporter);
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    // Headers, timeout and compression come from the standard OTEL_EXPORTER_OTLP_* variables.
    const url = opts.endpoint ? `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` : undefined;
    processor = new node.BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {}));
  }
  const provider = new node.NodeTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': opts.serviceName }),
    spanProcessors: [processor],
  });
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  const log = opts.log;
  if (log) {
    const warn = (message: string, ...args: unknown[]) => log.warn({ otel: args.map(String).join(' ').slice(0, 500) }, `opentelemetry: ${message}`);
    const quiet = () => {};
    api.diag.setLogger({ error: warn, warn, info: quiet, debug: quiet, verbose: quiet }, api.DiagLogLevel.WARN);
  }
  otel = { api, tracer: api.trace.getTracer('ordo'), provider };
}

/** Exports what is left and unregisters (a stopping process; tests). */
export async function stopTracing(): Promise<void> {
  const o = otel;
  if (!o) return;
  otel = null;
  await o.provider.forceFlush().catch(() => {});
  await o.provider.shutdown().catch(() => {});
  o.api.trace.disable();
  o.api.context.disable();
  o.api.propagation.disable();
  o.api.diag.disable();
}

/** The active context as a W3C traceparent (kept on an outbox row, put on a job), or null outside a span. */
export function currentTraceParent(): string | null {
  if (!otel) return null;
  const { api } = otel;
  if (!api.trace.getSpan(api.context.active())) return null;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The context a traceparent names (the root context for none). */
export function contextOf(o: Otel, traceParent: string | null | undefined): Api.Context {
  const root = o.api.ROOT_CONTEXT;
  return traceParent ? o.api.propagation.extract(root, { traceparent: traceParent }) : root;
}

/** Runs `fn` outside any trace: background work (the outbox relay) that a request only kicked. */
export function untraced<T>(fn: () => T): T {
  return otel ? otel.api.context.with(otel.api.ROOT_CONTEXT, fn) : fn();
}

export interface TracedJob {
  id: string;
  name: string;
  attempt: number;
}

/**
 * One job run as a span (kind consumer), a child of the context the job was added in (`traceParent`,
 * null: a trace of its own); the handler runs inside it, so its SQL and the jobs it adds follow it.
 */
export function inJobSpan<T>(driver: string, queue: string, job: TracedJob, traceParent: string | null | undefined, run: () => Promise<T>): Promise<T> {
  const o = otel;
  if (!o) return run();
  const { api } = o;
  const parent = contextOf(o, traceParent);
  const span = o.tracer.startSpan(`job ${job.name}`, {
    kind: api.SpanKind.CONSUMER,
    attributes: {
      'messaging.system': driver,
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.message.id': job.id,
      'ordo.job.name': job.name,
      'ordo.job.attempt': job.attempt,
    },
  }, parent);
  return api.context.with(api.trace.setSpan(parent, span), async () => {
    try {
      return await run();
    } catch (err) {
      failed(o, span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error (its message and type, no stack). */
export function failed(o: Otel, span: Api.Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException({ name: e.name, message: e.message });
  span.setStatus({ code: o.api.SpanStatusCode.ERROR, message: e.message.slice(0, 300) });
}
