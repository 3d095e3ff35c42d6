// /metrics as an operator's Prometheus sees it: after a quote, an order that confirms, one refused for
// stock and a malformed query, the counters say so by operation, kind and outcome; orders by outcome;
// the queues (in-process on SQLite, BullMQ on PostgreSQL) by state; the outbox lag; the PostgreSQL pool;
// open subscriptions; the process. Only with the Bearer token on the API port (404 without the setting),
// or without a token on ORDO_METRICS_PORT. Two engines in one process count apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';
import { follow, wsClient } from '../e2e/subscriptions.helpers.js';

const TOKEN = 'metrics-token-0123456789abcdef';

const QUOTE = `query QuoteOrder($input: PlaceOrderInput!) { quoteOrder(input: $input) { total placeable } }`;
const PLACE = `mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } } }`;

function metricsUrl(t: TestEngine): string {
  return new URL('/metrics', t.url).href;
}

async function scrape(url: string, token?: string): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

/** The value of one sample, by its exact name and labels as exposed (`name{a="b",c="d"}`); undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(DB_KINDS)('/metrics on %s', (kind) => {
  let t: TestEngine;
  const clients: Client[] = [];

  beforeAll(async () => {
    // SQLite with the in-process queue, PostgreSQL with BullMQ: both queue drivers are scraped.
    t = await startTestEngine(kind, { redis: kind === 'postgresql', env: { ORDO_METRICS_TOKEN: TOKEN } });
    await setupShop(t, { variants: [{ sku: 'A', price: 1000, stock: { 'wh-a': 10 } }, { sku: 'B', price: 500, stock: { 'wh-a': 1 } }] });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  it('refuses a scrape without the token or with a wrong one (401)', async () => {
    expect((await scrape(metricsUrl(t))).status).toBe(401);
    expect((await scrape(metricsUrl(t), 'not-the-token-at-all')).status).toBe(401);
    expect((await scrape(metricsUrl(t), TOKEN)).status).toBe(200);
  });

  it('counts operations by name, kind and outcome, orders by outcome, and jobs by queue', async () => {
    ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'A', quantity: 1 }]) }));
    const placed = ok(await t.gql(PLACE, { input: orderInput([{ sku: 'A', quantity: 2 }]) }));
    expect(placed.placeOrder.order.status).toBe('CONFIRMED');
    expect(codeOf(await t.gql(PLACE, { input: orderInput([{ sku: 'B', quantity: 5 }]) }))).toBe('INSUFFICIENT_STOCK');
    expect(codeOf(await t.gql('query Broken { noSuchField }'))).toBe('BAD_USER_INPUT');
    await settled(t);

    const { status, body, type } = await scrape(metricsUrl(t), TOKEN);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);

    expect(sample(body, 'ordo_graphql_operations_total{operation="QuoteOrder",kind="query",outcome="ok"}')).toBe(1);
    expect(sample(body, 'ordo_graphql_operations_total{operation="PlaceOrder",kind="mutation",outcome="ok"}')).toBe(1);
    expect(sample(body, 'ordo_graphql_operations_total{operation="PlaceOrder",kind="mutation",outcome="INSUFFICIENT_STOCK"}')).toBe(1);
    expect(sample(body, 'ordo_graphql_operations_total{operation="Broken",kind="query",outcome="BAD_USER_INPUT"}')).toBe(1);
    // The shop's setup: unnamed admin mutations.
    expect(sample(body, 'ordo_graphql_operations_total{operation="anonymous",kind="mutation",outcome="ok"}')).toBeGreaterThanOrEqual(4);
    expect(sample(body, 'ordo_graphql_operation_duration_seconds_count{operation="PlaceOrder",kind="mutation"}')).toBe(2);
    expect(sample(body, 'ordo_graphql_operation_duration_seconds_bucket{le="+Inf",operation="QuoteOrder",kind="query"}')).toBe(1);
    // Never the query text.
    expect(body).not.toContain('quoteOrder(');
    expect(body).not.toContain('noSuchField');

    expect(sample(body, 'ordo_orders_placed_total{outcome="confirmed"}')).toBe(1);
    expect(sample(body, 'ordo_orders_placed_total{outcome="insufficient_stock"}')).toBe(1);
    expect(sample(body, 'ordo_orders_placed_total{outcome="pending"}')).toBe(0);
    expect(sample(body, 'ordo_orders_placed_total{outcome="declined"}')).toBe(0);
    expect(sample(body, 'ordo_orders_placed_total{outcome="invalid"}')).toBe(0);

    // The events queue by state, read from the driver at the scrape: everything ran.
    for (const state of ['waiting', 'active', 'failed', 'delayed']) expect(sample(body, `ordo_queue_jobs{queue="events",state="${state}"}`)).toBe(0);
    expect(sample(body, 'ordo_queue_jobs{queue="events",state="completed"}')).toBeGreaterThanOrEqual(1);
    const eventJobs = body.split('\n').filter((l) => l.startsWith('ordo_job_duration_seconds_count{queue="events",name="order.'));
    expect(eventJobs.length).toBeGreaterThan(0);
    expect(eventJobs.every((l) => l.includes('outcome="ok"'))).toBe(true);

    expect(sample(body, 'ordo_outbox_lag_seconds')).toBe(0);
    if (kind === 'postgresql') {
      for (const state of ['used', 'free', 'pending']) expect(sample(body, `ordo_db_pool_connections{state="${state}"}`)).toBeGreaterThanOrEqual(0);
      expect(sample(body, 'ordo_db_pool_connections{state="free"}')).toBeGreaterThan(0);
    } else {
      expect(body).not.toContain('ordo_db_pool_connections');
    }
    // The process's own, prefixed.
    expect(body).toMatch(/^ordo_process_cpu_user_seconds_total \d/m);
    expect(body).toMatch(/^ordo_nodejs_eventloop_lag_seconds \d/m);
  });

  it('counts the subscriptions open now, and subscriptions by name and outcome', async () => {
    const open = async () => sample((await scrape(metricsUrl(t), TOKEN)).body, 'ordo_subscriptions_open');
    expect(await open()).toBe(0);
    const client = wsClient(t.url.replace(/^http/, 'ws'), undefined, clients);
    const f = follow(client, `subscription StockOfA { stockLevelChanged(sku: "A") { sku available } }`);
    await until(open, (n) => n === 1);
    // Counted, and still delivering: a stock change reaches it.
    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'A', locationCode: 'wh-a', delta: 3, reason: 'RECEIVED' } }));
    await f.until((r) => r.some((x) => x.data?.stockLevelChanged?.sku === 'A'));
    // One refused by its resolver, one by validation: counted with their codes, never open.
    const refused = follow(client, `subscription TooLong { stockLevelChanged(sku: "${'x'.repeat(101)}") { sku } }`);
    await refused.ended;
    const invalid = follow(client, `subscription Invalid { stockLevelChanged { sku } }`);
    await invalid.ended;
    expect(await open()).toBe(1);
    await client.dispose();
    await f.ended;
    await until(open, (n) => n === 0);
    const body = (await scrape(metricsUrl(t), TOKEN)).body;
    expect(sample(body, 'ordo_graphql_operations_total{operation="StockOfA",kind="subscription",outcome="ok"}')).toBe(1);
    expect(sample(body, 'ordo_graphql_operations_total{operation="TooLong",kind="subscription",outcome="BAD_USER_INPUT"}')).toBe(1);
    expect(sample(body, 'ordo_graphql_operations_total{operation="Invalid",kind="subscription",outcome="BAD_USER_INPUT"}')).toBe(1);
  });

  it('shows the age of the oldest event the relay has not published', async () => {
    // Written straight into the outbox, 60 s old, while the relay is stopped: as a relay that lags (last: the relay stays stopped).
    await t.engine.app.relay.stop();
    const created = Date.now() - 60_000;
    await t.sql(`INSERT INTO outbox_event (type, payload, created_at_ms, attempts) VALUES ('metrics.test', '{}', ?, 0)`, [created]);
    const lag = sample((await scrape(metricsUrl(t), TOKEN)).body, 'ordo_outbox_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(60);
    expect(lag).toBeLessThan(120);
  });
});

describe('/metrics settings', () => {
  const engines: TestEngine[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.stop()));
  });

  it('is not served on the API without ORDO_METRICS_TOKEN (404); ORDO_METRICS_PORT serves it without a token; engines count apart', async () => {
    const a = await startTestEngine('sqlite', { env: { ORDO_METRICS_PORT: '0' } });
    engines.push(a);
    const b = await startTestEngine('sqlite', { env: { ORDO_METRICS_PORT: '0' } });
    engines.push(b);
    expect((await scrape(metricsUrl(a))).status).toBe(404);
    expect((await scrape(metricsUrl(a), TOKEN)).status).toBe(404);

    ok(await a.gql(`query OnlyOnA { __typename }`));
    const onA = await scrape(`http://127.0.0.1:${a.engine.metricsPort}/metrics`);
    const onB = await scrape(`http://127.0.0.1:${b.engine.metricsPort}/metrics`);
    expect(onA.status).toBe(200);
    expect(sample(onA.body, 'ordo_graphql_operations_total{operation="OnlyOnA",kind="query",outcome="ok"}')).toBe(1);
    expect(onB.status).toBe(200);
    expect(onB.body).not.toContain('OnlyOnA');
    // Only /metrics there.
    expect((await fetch(`http://127.0.0.1:${a.engine.metricsPort}/graphql`)).status).toBe(404);
  });
});
