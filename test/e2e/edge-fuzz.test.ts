// Mutated inputs to placeOrder, adjustStock, registerCustomer and login, sent as variables the way a
// broken or hostile client would (random types, huge numbers, NUL characters, lone surrogates,
// 10,000-character strings, wrong nesting, missing and unknown fields), on both databases: never an
// INTERNAL_SERVER_ERROR, nothing logged as an error, and a refused request changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ADDRESS, setupShop } from '../helpers/fixtures.js';
import { ok, type GqlResult } from '../helpers/gql.js';

const CONTRACT_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INSUFFICIENT_STOCK', 'PAYMENT_DECLINED',
  'INVALID_STATE_TRANSITION', 'CONFLICT', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX',
]);

const PLACE = `mutation($input: PlaceOrderInput!, $key: String) { placeOrder(input: $input, idempotencyKey: $key) { accessToken order { id total } } }`;
const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { onHand reserved } }`;
const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { token } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`;

type Vars = Record<string, unknown>;
interface Target { name: string; query: string; admin: boolean; base: () => Vars }

const TARGETS: Target[] = [
  {
    name: 'placeOrder', query: PLACE, admin: false,
    base: () => ({
      input: {
        email: 'fuzz@example.com', lines: [{ sku: 'FZ-1', quantity: 1 }, { sku: 'FZ-2', quantity: 2 }], shippingAddress: { ...ADDRESS, line2: 'Hinterhaus' },
        shippingMethodCode: 'standard', payment: { method: 'test-card', token: 'tok_visa' }, note: 'leave at the door', externalId: 'ext-1',
      },
      key: 'fuzz-key',
    }),
  },
  { name: 'adjustStock', query: ADJUST, admin: true, base: () => ({ input: { sku: 'FZ-1', locationCode: 'wh-a', delta: 5, reason: 'RECEIVED', note: 'count' } }) },
  { name: 'registerCustomer', query: REGISTER, admin: false, base: () => ({ input: { email: 'new@example.com', password: 'correct horse battery', name: 'Fuzz' } }) },
  { name: 'login', query: LOGIN, admin: false, base: () => ({ email: 'known@example.com', password: 'correct horse battery' }) },
];

const weird = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e21, 1e308, -1e308, '', ' ', '0', 'true', [], {}),
  fc.constantFrom('a\u0000b', '\u0000', 'FZ-1\u0000', 'x\ud800y', '\udfff', 'ok\ud83d', 'x'.repeat(10_000), 'é'.repeat(10_000), `${'a'.repeat(9_990)}@example.com`),
  fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Mutation = { at: number; op: 'replace' | 'delete' | 'wrapList' | 'wrapObject' | 'unknownKey' | 'nul' | 'surrogate' | 'repeat'; value: unknown };
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('replace', 'replace', 'replace', 'delete', 'wrapList', 'wrapObject', 'unknownKey', 'nul', 'surrogate', 'repeat'),
  value: weird,
});

/** Every place in a value that a mutation can hit: [container, key] pairs, the root's own keys first. */
function places(root: Vars): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const todo: unknown[] = [root];
  while (todo.length) {
    const v = todo.shift();
    if (Array.isArray(v)) v.forEach((x, i) => { out.push([v, i]); todo.push(x); });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push([v as Record<string, unknown>, k]); todo.push(x); }
  }
  return out;
}

function apply(vars: Vars, m: Mutation): void {
  const all = places(vars);
  if (!all.length) {
    vars.input = m.value; // everything was deleted: send something in its place
    return;
  }
  const [container, key] = all[m.at % all.length];
  const c = container as Record<string | number, unknown>;
  const current = c[key];
  switch (m.op) {
    case 'replace': c[key] = m.value; break;
    case 'delete': if (Array.isArray(container)) container.splice(Number(key), 1); else delete c[key]; break;
    case 'wrapList': c[key] = [current]; break;
    case 'wrapObject': c[key] = { value: current }; break;
    case 'unknownKey': if (current && typeof current === 'object' && !Array.isArray(current)) (current as Record<string, unknown>).unexpected = m.value; else c[key] = m.value; break;
    case 'nul': c[key] = typeof current === 'string' ? `${current.slice(0, 1)}\u0000${current.slice(1)}` : '\u0000'; break;
    case 'surrogate': c[key] = typeof current === 'string' ? `${current}\ud800` : '\udc00'; break;
    case 'repeat': c[key] = Array.from({ length: 300 }, () => current); break;
  }
}

const fuzzCase = fc.record({ target: fc.nat({ max: TARGETS.length - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });

/** What a refused request must leave as it was: the rows of every table it could write, and stock. */
async function snapshot(t: TestEngine) {
  const tables = ['orders', 'order_line', 'order_history_entry', 'payment', 'payment_operation', 'stock_movement', 'customer', 'customer_session', 'outbox_event', 'invoice', 'shipment', 'notification_message'];
  const counts = await Promise.all(tables.map(async (name) => [name, Number((await t.sql(`SELECT COUNT(*) AS n FROM ${name}`))[0].n)] as const));
  const stock = await t.sql(`SELECT v.sku AS sku, s.on_hand AS on_hand, s.reserved AS reserved FROM stock_level s JOIN product_variant v ON v.id = s.variant_id ORDER BY v.sku`);
  return { ...Object.fromEntries(counts), stock: stock.map((r: any) => `${r.sku}:${Number(r.on_hand)}/${Number(r.reserved)}`).join(' ') };
}

describe.each(DB_KINDS)('fuzzed inputs on %s', (kind) => {
  let t: TestEngine;
  const logged: unknown[] = [];

  beforeAll(async () => {
    // No workers: nothing changes the database behind the test's back between its before and after.
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    // Every error-level line the engine logs (an unexpected error is logged with its reference).
    const log = t.engine.app.log as unknown as Record<'error' | 'fatal', (...a: unknown[]) => void>;
    for (const level of ['error', 'fatal'] as const) {
      const original = log[level].bind(log);
      log[level] = (...args: unknown[]) => { logged.push(args); original(...args); };
    }
    await setupShop(t, { variants: [{ sku: 'FZ-1', price: 1250, stock: { 'wh-a': 1000 } }, { sku: 'FZ-2', price: 399, stock: { 'wh-a': 1000 } }] });
    ok(await t.gql(REGISTER, { input: { email: 'known@example.com', password: 'correct horse battery' } }));
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('answers a few hundred mutated inputs with contract codes, and a refusal changes nothing', async () => {
    // The unmutated inputs work: the fuzz starts from requests that succeed.
    for (const target of TARGETS) {
      const r = target.admin ? await t.admin(target.query, target.base()) : await t.gql(target.query, target.base());
      if (target.name !== 'registerCustomer') ok(r); // registering new@example.com twice is a CONFLICT later on
    }
    let refused = 0;
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(fuzzCase, async ({ target: i, mutations }) => {
        const target = TARGETS[i];
        const vars = target.base();
        for (const m of mutations) apply(vars, m);
        const before = await snapshot(t);
        const sent = Date.now();
        const r: GqlResult = target.admin ? await t.admin(target.query, vars) : await t.gql(target.query, vars);
        slowest = Math.max(slowest, Date.now() - sent);
        const shown = JSON.stringify({ target: target.name, vars, r }).slice(0, 1500);
        expect(r.status, shown).toBeLessThan(500);
        for (const e of r.errors ?? []) {
          expect(CONTRACT_CODES.has(String(e.extensions?.code)), shown).toBe(true);
          if (e.extensions?.code === 'BAD_USER_INPUT' && Array.isArray(e.extensions.fields)) {
            for (const f of e.extensions.fields as { path: unknown; message: unknown }[]) expect(typeof f.path === 'string' && typeof f.message === 'string', shown).toBe(true);
          }
        }
        if (r.errors?.length) {
          refused++;
          expect(await snapshot(t), shown).toEqual(before);
        }
        expect(logged, shown).toEqual([]);
      }),
      { numRuns: 200, endOnFailure: true },
    );
    // Most mutations make an input invalid; the run must have exercised refusals.
    expect(refused).toBeGreaterThan(150);
    // No input wedges the engine: each answer comes within seconds (they take milliseconds; a bound on
    // the whole run instead failed on a busy machine without anything being wrong).
    expect(slowest).toBeLessThan(10_000);
  }, 120_000);
});
