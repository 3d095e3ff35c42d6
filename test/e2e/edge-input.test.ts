// Input a form sends, refused in a way the form can show: strings no database can hold (NUL, a lone
// surrogate) answer BAD_USER_INPUT naming the field before anything runs, on both databases; validation,
// variable coercion and service refusals all list the failing fields in `extensions.fields`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { PLACE_ORDER, orderInput, setupShop, snapshot } from '../helpers/fixtures.js';
import { codeOf, ok } from '../helpers/gql.js';

const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { token } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`;

describe.each(DB_KINDS)('input errors on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { variants: [{ sku: 'IN-1', price: 1000, stock: { 'wh-a': 5 } }] });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses a NUL character anywhere in an order, naming the field, and places nothing', async () => {
    const before = await snapshot(t);
    for (const [input, path] of [
      [orderInput([{ sku: 'IN-1', quantity: 1 }], { shippingAddress: { name: 'Jane', line1: 'Haupt\u0000str. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' } }), 'input.shippingAddress.line1'],
      [orderInput([{ sku: 'IN-1\u0000', quantity: 1 }]), 'input.lines[0].sku'],
      [orderInput([{ sku: 'IN-1', quantity: 1 }], { note: 'ring twice\u0000' }), 'input.note'],
      [orderInput([{ sku: 'IN-1', quantity: 1 }], { email: 'ja\u0000ne@example.com' }), 'input.email'],
    ] as const) {
      const r = await t.gql(PLACE_ORDER, { input });
      expect(r.status).toBe(400);
      expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ path, message: 'contains a NUL character (U+0000)' }] } });
      expect(r.errors?.[0].message).toBe(`${path} contains a NUL character (U+0000).`);
    }
    // As an inline literal in the document too.
    const literal = await t.gql(`{ variant(sku: "IN\\u0000-1") { sku } }`);
    expect(literal.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'sku' }] } });
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a lone surrogate in an email, on registration and login, with the field named', async () => {
    const reg = await t.gql(REGISTER, { input: { email: 'jane\ud800@example.com', password: 'correct horse battery' } });
    expect(reg.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'input.email' }] } });
    expect(reg.errors?.[0].message).toMatch(/^input\.email contains half of a UTF-16 surrogate pair/);
    const login = await t.gql(LOGIN, { email: '\udc00', password: 'x' });
    expect(login.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ path: 'email' }] } });
    expect(Number((await t.sql('SELECT COUNT(*) AS n FROM customer'))[0].n)).toBe(0);
    // A well-formed pair (an emoji) is a character like any other.
    ok(await t.gql(REGISTER, { input: { email: 'emoji@example.com', password: 'correct horse battery 😀', name: 'Jane 😀' } }));
  });

  it('lists every failing field of a validation error, with the argument in the path', async () => {
    const r = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'IN-1', quantity: 0 }, { sku: '', quantity: 1 }], { email: 'not-an-email' }) });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/^Invalid input: /);
    const fields = (r.errors?.[0].extensions?.fields ?? []) as { path: string; message: string }[];
    expect(fields.map((f) => f.path).sort()).toEqual(['input.email', 'input.lines[0].quantity', 'input.lines[1].sku']);
    expect(fields.find((f) => f.path === 'input.lines[0].quantity')?.message).toBe('quantity must be at least 1');
  });

  it('lists the fields of variable coercion errors, named by argument', async () => {
    const r = await t.gql(`mutation($o: PlaceOrderInput!) { placeOrder(input: $o) { accessToken } }`, { o: { ...orderInput([{ sku: 'IN-1', quantity: 'two' as unknown as number }]), shippingMethodCode: undefined } });
    expect(r.status).toBe(400);
    const fields = r.errors!.flatMap((e) => (e.extensions?.fields ?? []) as { path: string }[]).map((f) => f.path).sort();
    expect(fields).toEqual(['input.lines[0].quantity', 'input.shippingMethodCode']);
    expect(r.errors!.every((e) => e.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
  });

  it('lists the field a service refuses, keeping the older `field` extension', async () => {
    const r = await t.gql(`{ products(first: 1000) { totalCount } }`);
    expect(r.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first', fields: [{ path: 'first', message: 'first must be between 0 and 100.' }] });
  });

  it('answers a subscription sent over HTTP with where it is served, not an internal error', async () => {
    const r = await t.gql(`subscription { stockLevelChanged(sku: "IN-1") { sku available } }`);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(r.errors?.[0].message).toMatch(/WebSocket \(graphql-ws\)/);
  });
});
