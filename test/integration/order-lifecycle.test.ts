// Who may see and change an order, and what cancel, hold and release do, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';

const ORDER = `query($id: ID!) { order(id: $id) { id number status paymentStatus email payments { status } history { type fromStatus toStatus actor message } } }`;
const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id email } } }`;

describe.each(DB_KINDS)('order access and lifecycle on %s', (kind) => {
  let t: TestEngine;
  let alice: string;
  let bob: string;

  const reserved = async (sku: string) => Number((await t.sql('SELECT SUM(reserved) AS r FROM stock_level WHERE sku = ?', [sku]))[0].r);
  const place = async (token?: string, sku = 'S', qty = 2, extra = {}) =>
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity: qty }], extra) }, token)).placeOrder;

  beforeAll(async () => {
    // No workers: fulfillment jobs would add rows while these tests check that a refused request changed nothing.
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, { variants: [{ sku: 'S', price: 1000, stock: { 'wh-a': 50 } }] });
    alice = ok(await t.gql(REGISTER, { i: { email: 'Alice@Example.com', password: 'correct horse', name: 'Alice' } })).registerCustomer.token;
    bob = ok(await t.gql(REGISTER, { i: { email: 'bob@example.com', password: 'battery staple' } })).registerCustomer.token;
  });
  afterAll(async () => t?.stop());

  it('registers and signs in customers; wrong passwords and taken emails are refused', async () => {
    expect(ok(await t.gql(`{ me { email name } }`, {}, alice)).me).toEqual({ email: 'alice@example.com', name: 'Alice' });
    const login = ok(await t.gql(`mutation { login(email: "ALICE@example.com", password: "correct horse") { token customer { email } } }`));
    expect(login.login.token).toMatch(/^cs_/);
    expect(codeOf(await t.gql(`mutation { login(email: "alice@example.com", password: "wrong pass") { token } }`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(`mutation { login(email: "nobody@example.com", password: "wrong pass") { token } }`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(REGISTER, { i: { email: 'alice@example.com', password: 'another one' } }))).toBe('CONFLICT');
    expect(codeOf(await t.gql(REGISTER, { i: { email: 'x@example.com', password: 'short' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(`{ me { email } }`, {}, 'cs_forged-token'))).toBe('UNAUTHENTICATED');
    // Passwords are stored as scrypt hashes, tokens as SHA-256 hashes: never in clear.
    const [row] = await t.sql(`SELECT password_hash FROM customer WHERE email = 'alice@example.com'`);
    expect(row.password_hash).toMatch(/^scrypt\$/);
    const sessions = await t.sql('SELECT token_hash FROM customer_session');
    expect(sessions.every((s: any) => !s.token_hash.startsWith('cs_'))).toBe(true);
  });

  it('admin mutations need an admin key: UNAUTHENTICATED without a token, FORBIDDEN with the wrong kind', async () => {
    const m = `mutation { createShippingMethod(input: {code: "x", name: "X", carrierCode: "sim", price: 1, currencyCode: "EUR", minTransitDays: 1, maxTransitDays: 2}) { id } }`;
    expect(codeOf(await t.gql(m))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(m, {}, alice))).toBe('FORBIDDEN');
    const { accessToken } = await place();
    expect(codeOf(await t.gql(m, {}, accessToken))).toBe('FORBIDDEN');
    // A key with the catalog role only may not touch settings or orders.
    const key = ok(await t.admin(`mutation { createApiKey(name: "catalog-bot", roles: ["catalog"]) { token } }`)).createApiKey.token;
    expect(codeOf(await t.gql(m, {}, key))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(`{ orders { totalCount } }`, {}, key))).toBe('FORBIDDEN');
    ok(await t.gql(`mutation { createProduct(input: {name: "P", variants: [{sku: "BOT-1", name: "v", price: 1, currencyCode: "EUR"}]}) { id } }`, {}, key));
    ok(await t.admin(`mutation { revokeApiKey(name: "catalog-bot") }`));
    expect(codeOf(await t.gql(`{ channels { code } }`, {}, key))).toBe('UNAUTHENTICATED');
    for (const q of [`{ stockLevels { onHand } }`, `{ stockMovements(sku: "S") { delta } }`]) {
      expect(codeOf(await t.gql(q))).toBe('UNAUTHENTICATED');
      expect(codeOf(await t.gql(q, {}, alice))).toBe('FORBIDDEN');
    }
  });

  it('shows an order to its customer, its token holder and staff only', async () => {
    const mine = await place(alice);
    const guest = await place(undefined);
    const id = mine.order.id;
    expect(ok(await t.gql(ORDER, { id }, alice)).order.id).toBe(id);
    expect(ok(await t.gql(ORDER, { id }, mine.accessToken)).order.id).toBe(id);
    expect(ok(await t.admin(ORDER, { id })).order.id).toBe(id);
    for (const [token, code] of [[bob, 'FORBIDDEN'], [guest.accessToken, 'FORBIDDEN'], [undefined, 'UNAUTHENTICATED']] as const) {
      const r = await t.gql(ORDER, { id }, token);
      expect(codeOf(r)).toBe(code);
      expect(r.data?.order ?? null).toBeNull();
    }
    const byNumber = `query($n: String!) { orderByNumber(number: $n) { id } }`;
    expect(ok(await t.gql(byNumber, { n: mine.order.number }, alice)).orderByNumber.id).toBe(id);
    expect(codeOf(await t.gql(byNumber, { n: mine.order.number }, bob))).toBe('FORBIDDEN');
    // Lists: a customer sees only their orders, a token only its order; node(id) checks the same.
    const bobs = ok(await t.gql(`{ orders(first: 50) { totalCount nodes { id } } me { orders { totalCount } } }`, {}, bob));
    expect(bobs.orders.totalCount).toBe(0);
    expect(bobs.me.orders.totalCount).toBe(0);
    const alices = ok(await t.gql(`{ orders(first: 50) { totalCount nodes { id email } } }`, {}, alice)).orders;
    expect(alices.nodes.map((n: any) => n.id)).toContain(id);
    expect(ok(await t.gql(`{ orders { totalCount nodes { id } } }`, {}, guest.accessToken)).orders.nodes).toEqual([{ id: guest.order.id }]);
    expect(codeOf(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, bob))).toBe('FORBIDDEN');
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Order { number } } }`, { id }, alice)).node.number).toBe(mine.order.number);
  });

  it('cancels: stock reservation released, authorization voided, history written; a second cancel is refused', async () => {
    const before = await reserved('S');
    const { order, accessToken } = await place(undefined, 'S', 5);
    expect(await reserved('S')).toBe(before + 5);
    const c = ok(await t.gql(`mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { status paymentStatus payments { status } } }`, { id: order.id }, accessToken)).cancelOrder;
    expect(c).toEqual({ status: 'CANCELLED', paymentStatus: 'VOIDED', payments: [{ status: 'VOIDED' }] });
    expect(await reserved('S')).toBe(before);
    const h = ok(await t.admin(ORDER, { id: order.id })).order.history.at(-1);
    expect(h).toMatchObject({ type: 'STATUS_CHANGED', fromStatus: 'CONFIRMED', toStatus: 'CANCELLED', actor: 'customer' });
    expect(h.message).toContain('changed my mind');
    const snap = await snapshot(t);
    expect(codeOf(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: order.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(await snapshot(t)).toEqual(snap);
    expect(codeOf(await t.gql(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: order.id }, bob))).toBe('FORBIDDEN');
  });

  it('releases stock exactly once when two cancels of one order race', async () => {
    const before = await reserved('S');
    const { order } = await place(undefined, 'S', 3);
    const results = await Promise.all(Array.from({ length: 5 }, () => t.admin(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: order.id })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).every((r) => ['CONFLICT', 'INVALID_STATE_TRANSITION'].includes(codeOf(r) as string))).toBe(true);
    expect(await reserved('S')).toBe(before);
  });

  it('holds and releases an order back to where it was; only staff may', async () => {
    const { order, accessToken } = await place(alice);
    const hold = `mutation($id: ID!) { holdOrder(id: $id, reason: "address check") { status } }`;
    expect(codeOf(await t.gql(hold, { id: order.id }, accessToken))).toBe('FORBIDDEN');
    expect(ok(await t.admin(hold, { id: order.id })).holdOrder.status).toBe('ON_HOLD');
    expect(codeOf(await t.admin(hold, { id: order.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(ok(await t.admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: order.id })).releaseOrderHold.status).toBe('CONFIRMED');
    expect(codeOf(await t.admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: order.id }))).toBe('INVALID_STATE_TRANSITION');
    const history = ok(await t.admin(ORDER, { id: order.id })).order.history.slice(-2);
    expect(history.map((h: any) => [h.fromStatus, h.toStatus, h.actor])).toEqual([['CONFIRMED', 'ON_HOLD', 'superadmin'], ['ON_HOLD', 'CONFIRMED', 'superadmin']]);
    expect(codeOf(await t.admin(`mutation { cancelOrder(id: "ord_nope") { status } }`))).toBe('NOT_FOUND');
  });

  it('pages orders by cursor with filters and a total count', async () => {
    for (let i = 0; i < 5; i++) await place(undefined, 'S', 1, { email: 'pager@example.com' });
    const q = `query($after: String) { orders(first: 2, after: $after, filter: { email: "pager@example.com", status: [CONFIRMED] }) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r: any = ok(await t.admin(q, { after })).orders;
      expect(r.totalCount).toBe(5);
      seen.push(...r.nodes.map((n: any) => n.id));
      if (!r.pageInfo.hasNextPage) break;
      after = r.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort().reverse()).toEqual(seen); // newest first
    expect(codeOf(await t.admin(`{ orders(first: 1000) { totalCount } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`{ orders(after: "garbage") { totalCount } }`))).toBe('BAD_USER_INPUT');
  });
});
