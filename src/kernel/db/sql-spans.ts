// SQL statements as spans, when tracing is on (kernel/tracing.ts): the ORM's from knex's query events
// (both databases), placeOrder's PostgreSQL session from the session itself (pg-session.ts). Only inside a
// traced request or job (a statement with no span around it, such as the relay's polling, makes none).
// The ORM inlines values into its SQL: the text on a span has its literals replaced by `?`, so no email,
// address or token reaches the trace.
import type * as Api from '@opentelemetry/api';
import { failed, tracing } from '../tracing.js';

type System = 'postgresql' | 'sqlite';

interface KnexQuery {
  sql?: string;
  __knexQueryUid?: string;
}

interface KnexEvents {
  on(event: 'query', fn: (q: KnexQuery) => void): unknown;
  on(event: 'query-response', fn: (res: unknown, q: KnexQuery) => void): unknown;
  on(event: 'query-error', fn: (err: unknown, q: KnexQuery) => void): unknown;
}

/** Spans for the statements knex sends (from its query event to its response or error). */
export function traceKnexQueries(knex: KnexEvents, system: System): void {
  const o = tracing();
  if (!o) return;
  const open = new Map<string, Api.Span>();
  knex.on('query', (q) => {
    // BEGIN, COMMIT and ROLLBACK carry no query id and get no response event: they make no span.
    if (!q.__knexQueryUid || !q.sql) return;
    const span = startSqlSpan(system, [q.sql]);
    if (!span) return;
    if (open.size > 10_000) open.clear(); // never expected: a statement without its response event
    open.set(q.__knexQueryUid, span);
  });
  const end = (q: KnexQuery, err?: unknown) => {
    const span = q?.__knexQueryUid ? open.get(q.__knexQueryUid) : undefined;
    if (!span) return;
    open.delete(q.__knexQueryUid!);
    if (err) failed(o, span, err);
    span.end();
  };
  knex.on('query-response', (_res, q) => end(q));
  knex.on('query-error', (err, q) => end(q, err));
}

/** One round trip of statements (with their `?` placeholders) as a span, when there is a trace to join. */
export function inSqlSpan<T>(system: System, texts: readonly string[], run: () => Promise<T>): Promise<T> {
  const o = tracing();
  if (!o) return run();
  const span = startSqlSpan(system, texts);
  if (!span) return run();
  return run().then(
    (value) => {
      span.end();
      return value;
    },
    (err) => {
      failed(o, span, err);
      span.end();
      throw err;
    },
  );
}

const STRING = /'(?:[^']|'')*'/g;
const NUMBER = /(?<![\w$."])-?\d+(?:\.\d+)?\b/g;
const OPERATION = /^\s*\(?\s*([A-Za-z]+)/;
const TARGET = /\b(?:from|into|update|join)\s+["`]?([A-Za-z_][\w.]*)/i;

/** A statement's text without its literals (strings and numbers become `?`), at most 2000 characters. */
export function sqlShape(sql: string): string {
  return sql.replace(STRING, '?').replace(NUMBER, '?').slice(0, 2000);
}

function startSqlSpan(system: System, texts: readonly string[]): Api.Span | null {
  const o = tracing();
  if (!o) return null;
  const { api } = o;
  const parent = api.context.active();
  if (!api.trace.getSpan(parent)) return null;
  const main = texts.find((t) => !/^\s*(BEGIN|COMMIT)\b/i.test(t)) ?? texts[0];
  const operation = (OPERATION.exec(main)?.[1] ?? 'SQL').toUpperCase();
  const target = TARGET.exec(main)?.[1];
  return o.tracer.startSpan(target ? `${operation} ${target}` : operation, {
    kind: api.SpanKind.CLIENT,
    attributes: {
      'db.system.name': system,
      'db.operation.name': operation,
      ...(target ? { 'db.collection.name': target } : {}),
      'db.query.text': texts.map(sqlShape).join(';\n').slice(0, 4000),
      ...(texts.length > 1 ? { 'db.operation.batch.size': texts.length } : {}),
    },
  }, parent);
}
