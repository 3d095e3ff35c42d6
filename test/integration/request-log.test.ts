// The request log as whoever reads it sees it: one line per request when it ends, with the request's id
// (the client's x-request-id when sane, else a new one, echoed in the response), method, path, status,
// duration, operation name and the kind of principal; the id of a masked internal error is the request's;
// health probes stay out at info; and no line holds a bearer token, a password or an address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'correct-horse-battery-staple-77';
const ADDRESS_LINE = 'Geheimweg 99';

interface Line { level: number; msg: string; requestId?: string; [k: string]: unknown }

describe('request logs', () => {
  let t: TestEngine;
  const raw: string[] = [];
  const lines = () => raw.map((l) => JSON.parse(l) as Line);
  /** The request's end line (it is written when the response finishes: wait for it). */
  const endLine = (requestId: string) =>
    until(() => lines().find((l) => l.requestId === requestId && typeof l.status === 'number'), (l) => !!l, 5_000) as Promise<Line>;

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; id: string | null; json: any }> {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, id: res.headers.get('x-request-id'), json: await res.json() };
  }

  beforeAll(async () => {
    // Request logging is at info; the test's engines log at error otherwise.
    t = await startTestEngine('sqlite', { env: { LOG_LEVEL: 'info' }, logTo: { write: (s: string) => void raw.push(s) } });
    await setupShop(t, { variants: [{ sku: 'A', price: 1000, stock: { 'wh-a': 10 } }] });
  });
  afterAll(async () => t?.stop());

  it('keeps the client\'s x-request-id, echoes it, and logs the request under it once', async () => {
    const id = 'checkout-7f3a.retry_2';
    const r = await post({ query: 'query WhoAmI { __typename }', operationName: 'WhoAmI' }, { 'x-request-id': id, authorization: `Bearer ${ADMIN_KEY}` });
    expect(r.status).toBe(200);
    expect(r.id).toBe(id);
    const line = await endLine(id);
    expect(line).toMatchObject({ level: 30, msg: 'request completed', method: 'POST', path: '/graphql', status: 200, operation: 'WhoAmI', principal: 'staff' });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(lines().filter((l) => l.requestId === id && typeof l.status === 'number')).toHaveLength(1);
  });

  it('makes an id when none is sent or the one sent does not look like an id', async () => {
    const none = await post({ query: '{ __typename }' });
    expect(none.id).toMatch(UUID);
    expect(await endLine(none.id!)).toMatchObject({ status: 200, operation: 'anonymous', principal: 'anonymous' });

    for (const bad of ['has spaces in it', 'x'.repeat(129), 'semi;colon', '']) {
      const r = await post({ query: '{ __typename }' }, { 'x-request-id': bad });
      expect(r.id).toMatch(UUID);
    }
    const longest = 'a'.repeat(128);
    expect((await post({ query: '{ __typename }' }, { 'x-request-id': longest })).id).toBe(longest);
  });

  it('names the kind of principal: customer, order token, anonymous', async () => {
    const reg = ok(await t.gql(`mutation Register($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`, { i: { email: 'log@example.com', password: PASSWORD } }));
    const asCustomer = await post({ query: 'query Me { me { email } }' }, { authorization: `Bearer ${reg.registerCustomer.token}`, 'x-request-id': 'as-customer' });
    expect(asCustomer.json.data.me.email).toBe('log@example.com');
    expect(await endLine('as-customer')).toMatchObject({ operation: 'Me', principal: 'customer' });

    const placed = await post(
      { query: 'mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { accessToken order { id } } }', variables: { input: orderInput([{ sku: 'A', quantity: 1 }], { shippingAddress: { ...ADDRESS, line1: ADDRESS_LINE } }) } },
      { 'x-request-id': 'place-1' },
    );
    const { accessToken, order } = placed.json.data.placeOrder;
    expect(await endLine('place-1')).toMatchObject({ operation: 'PlaceOrder', principal: 'anonymous', status: 200 });
    await post({ query: 'query Track($id: ID!) { order(id: $id) { id } }', variables: { id: order.id } }, { authorization: `Bearer ${accessToken}`, 'x-request-id': 'as-order' });
    expect(await endLine('as-order')).toMatchObject({ operation: 'Track', principal: 'order-token' });

    // A login that fails: its password goes nowhere.
    const login = await post({ query: 'mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: { e: 'log@example.com', p: `${PASSWORD}-wrong` } }, { 'x-request-id': 'login-1' });
    expect(login.json.errors?.[0]?.extensions?.code).toBeDefined();
    expect(await endLine('login-1')).toMatchObject({ operation: 'Login', principal: 'anonymous' });
  });

  it('leaves health probes out of the info log', async () => {
    for (const path of ['/health', '/ready']) {
      const res = await fetch(new URL(path, t.url), { headers: { 'x-request-id': `probe${path.replace('/', '-')}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe(`probe${path.replace('/', '-')}`);
    }
    // Something logged after them, so that their lines would be there by now.
    await post({ query: '{ __typename }' }, { 'x-request-id': 'after-probes' });
    await endLine('after-probes');
    expect(lines().filter((l) => l.path === '/health' || l.path === '/ready')).toEqual([]);
  });

  it('gives a masked internal error the request id as its reference, on the log line too', async () => {
    // The engine's channel table gone under it: an internal error, masked.
    const db = new Database(join(t.env.ORDO_DATA_DIR, 'ordo.sqlite'), { timeout: 5_000 });
    try {
      db.exec('ALTER TABLE channel RENAME TO channel_gone');
      const r = await post({ query: 'query Channels { channels { code } }' }, { 'x-request-id': 'trace-internal-1' });
      expect(codeOf(r.json)).toBe('INTERNAL_SERVER_ERROR');
      expect(r.json.errors[0].extensions.errorId).toBe('trace-internal-1');
      expect(r.json.errors[0].message).toBe('Internal error; reference trace-internal-1.');
      const errorLine = await until(() => lines().find((l) => l.msg === 'unexpected error'), (l) => !!l, 5_000);
      expect(errorLine).toMatchObject({ level: 50, errorId: 'trace-internal-1', requestId: 'trace-internal-1' });
      expect(await endLine('trace-internal-1')).toMatchObject({ operation: 'Channels', status: 200 });
    } finally {
      db.exec('ALTER TABLE channel_gone RENAME TO channel');
      db.close();
    }
  });

  it('writes no bearer token, password or address in any line', async () => {
    // A request of its own with every secret at once in headers and variables.
    await gqlAt(t.url, 'mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: 'log@example.com', p: PASSWORD }, ADMIN_KEY, { 'x-request-id': 'secrets', cookie: 'session=cookie-secret-123' });
    await endLine('secrets');
    const all = raw.join('\n');
    expect(raw.length).toBeGreaterThan(10);
    for (const secret of [ADMIN_KEY, PASSWORD, ADDRESS_LINE, ADDRESS.postalCode, 'cookie-secret-123', 'Bearer ']) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/ot_[A-Za-z0-9_-]{10,}/); // order access tokens
    expect(all).not.toMatch(/"variables"|"headers"|"authorization"/i);
  });
});
