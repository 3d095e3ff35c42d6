// OpenTelemetry traces (kernel/tracing.ts), with an in-memory exporter instead of OTLP: one placeOrder
// over HTTP is one trace, from the request's span through its GraphQL operation and SQL statements, the
// outbox row (which keeps the traceparent), the `order.confirmed` event's job, to the routing job that
// event's handler adds. On SQLite with the in-process queue, and on PostgreSQL with BullMQ on Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../../src/kernel/tracing.js';
import { startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';

const exporter = new InMemorySpanExporter();
beforeAll(() => startTracing({ serviceName: 'ordo-test', exporter }));
afterAll(() => stopTracing());

const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } } }`;
const SERVER = 1; // SpanKind.SERVER
const CONSUMER = 4; // SpanKind.CONSUMER

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const idOf = (s: ReadableSpan) => s.spanContext().spanId;

describe.each<[DbKind, boolean]>([['sqlite', false], ['postgresql', true]])('a placeOrder trace on %s (Redis: %s)', (kind, redis) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind, { redis });
    await setupShop(t, { locations: [{ code: 'wh-a', priority: 1, autoFulfill: true }], variants: [{ sku: 'TR-1', price: 1000, stock: { 'wh-a': 10 } }] });
    await settled(t);
  });
  afterAll(async () => t?.stop());

  it('runs from the HTTP request through the outbox to the routing job', async () => {
    exporter.reset();
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'TR-1', quantity: 2 }]) })).placeOrder.order;
    expect(placed.status).toBe('CONFIRMED');
    await settled(t);

    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === 'mutation PlaceOrder');
    expect(operation, spans.map((s) => s.name).join(', ')).toBeDefined();
    const trace = operation!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === trace);
    const byId = new Map(inTrace.map((s) => [idOf(s), s]));

    // HTTP → GraphQL operation.
    const http = byId.get(parentOf(operation!)!)!;
    expect(http).toBeDefined();
    expect(http.name).toBe('POST /graphql');
    expect(http.kind).toBe(SERVER);
    expect(parentOf(http)).toBeUndefined();
    expect(http.attributes['http.response.status_code']).toBe(200);
    expect(operation!.attributes).toMatchObject({ 'graphql.operation.name': 'PlaceOrder', 'graphql.operation.type': 'mutation' });

    // The operation's SQL, as children of the operation, its literals left out.
    const sql = inTrace.filter((s) => s.attributes['db.system.name'] === kind && parentOf(s) === idOf(operation!));
    expect(sql.length).toBeGreaterThan(0);
    const texts = sql.map((s) => String(s.attributes['db.query.text']));
    expect(texts.some((q) => /outbox_event/.test(q))).toBe(true);
    expect(texts.join('\n')).not.toContain('jane@example.com');

    // The outbox row keeps the operation's context; the event's job is its child.
    const [row] = await t.sql(`SELECT trace_parent FROM outbox_event WHERE type = 'order.confirmed' AND aggregate_id = ?`, [placed.id]);
    expect(row.trace_parent).toBe(`00-${trace}-${idOf(operation!)}-01`);
    const eventJob = inTrace.find((s) => s.name === 'job order.confirmed');
    expect(eventJob, inTrace.map((s) => s.name).join(', ')).toBeDefined();
    expect(eventJob!.kind).toBe(CONSUMER);
    expect(parentOf(eventJob!)).toBe(idOf(operation!));
    expect(eventJob!.attributes).toMatchObject({ 'messaging.system': redis ? 'bullmq' : 'in-process', 'messaging.destination.name': 'events' });

    // jobOnEvent adds the routing job under the event job's span; the routing job's SQL is its own.
    const routing = inTrace.find((s) => s.name === 'job fulfillment.route');
    expect(routing, inTrace.map((s) => s.name).join(', ')).toBeDefined();
    expect(parentOf(routing!)).toBe(idOf(eventJob!));
    expect(routing!.attributes['messaging.destination.name']).toBe('fulfillment');
    expect(inTrace.some((s) => s.attributes['db.system.name'] === kind && parentOf(s) === idOf(routing!))).toBe(true);
    // What routing recorded goes on in the same trace: the job walks the automated shipment to SHIPPED, and
    // the event job of shipment.shipped (capture, invoice, mail) is the routing job's child.
    const shipped = inTrace.find((s) => s.name === 'job shipment.shipped');
    expect(shipped && parentOf(shipped)).toBe(idOf(routing!));
  });
});
