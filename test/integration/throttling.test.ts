// Throttles (kernel/rate-limit.ts) through GraphQL: failed sign-ins per email and per IP, sign-ups per IP,
// placeOrder and quoteOrder per caller when configured; in memory, and on Redis shared by two engines.
// Over a limit: RATE_LIMITED with extensions.retryAfterSeconds, and nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok, type GqlResult } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';
import { sleep } from '../helpers/until.js';

const REGISTER = `mutation($email: String!, $password: String!) { registerCustomer(input: { email: $email, password: $password }) { token } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token customer { email } } }`;
const WINDOW = 4;

const retryAfter = (r: GqlResult) => r.errors?.[0]?.extensions?.retryAfterSeconds as number | undefined;
const sessions = async (t: TestEngine) => Number((await t.sql('SELECT COUNT(*) AS n FROM customer_session'))[0].n);

describe.each(DB_KINDS)('sign-in throttle on %s', (kind) => {
  let t: TestEngine;
  const login = (email: string, password: string) => t.gql(LOGIN, { email, password });

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_LOGIN_WINDOW_SECONDS: String(WINDOW), ORDO_LOGIN_LIMIT_PER_EMAIL: '5', ORDO_LOGIN_LIMIT_PER_IP: '1000' } });
    ok(await t.gql(REGISTER, { email: 'jane@example.com', password: 'right-password' }));
    ok(await t.gql(REGISTER, { email: 'bob@example.com', password: 'bobs-password' }));
  });
  afterAll(async () => t?.stop());

  it('10 bad passwords for one email: RATE_LIMITED after 5, the right one refused until the window ends; other emails unaffected', async () => {
    const codes: unknown[] = [];
    let limited: GqlResult | undefined;
    const before = await sessions(t);
    for (let i = 0; i < 10; i++) {
      const r = await login('Jane@Example.com', `wrong-${i}`);
      codes.push(codeOf(r));
      if (codeOf(r) === 'RATE_LIMITED') limited = r;
      // Right after the limit is reached (the window is short): the right password is refused too.
      if (i === 5) expect(codeOf(await login('jane@example.com', 'right-password'))).toBe('RATE_LIMITED');
    }
    expect(codes).toEqual([...Array(5).fill('UNAUTHENTICATED'), ...Array(5).fill('RATE_LIMITED')]);
    expect(retryAfter(limited!)).toBeGreaterThanOrEqual(1);
    expect(retryAfter(limited!)).toBeLessThanOrEqual(WINDOW);
    expect(await sessions(t)).toBe(before); // no session made
    expect(ok(await login('bob@example.com', 'bobs-password')).login.customer.email).toBe('bob@example.com');

    await sleep(WINDOW * 1000 + 300);
    expect(ok(await login('jane@example.com', 'right-password')).login.customer.email).toBe('jane@example.com');
  });

  it('a successful sign-in clears the email\'s failures', async () => {
    for (let i = 0; i < 4; i++) expect(codeOf(await login('bob@example.com', 'nope'))).toBe('UNAUTHENTICATED');
    ok(await login('bob@example.com', 'bobs-password'));
    for (let i = 0; i < 4; i++) expect(codeOf(await login('bob@example.com', 'nope'))).toBe('UNAUTHENTICATED');
    ok(await login('bob@example.com', 'bobs-password'));
  });
});

describe('per-IP throttles (sign-in failures, sign-ups) on sqlite', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite', { env: { ORDO_LOGIN_WINDOW_SECONDS: '60', ORDO_LOGIN_LIMIT_PER_EMAIL: '100', ORDO_LOGIN_LIMIT_PER_IP: '3' } });
  });
  afterAll(async () => t?.stop());

  it('an IP gets 3 sign-ups, then RATE_LIMITED with nothing created', async () => {
    for (let i = 0; i < 3; i++) ok(await t.gql(REGISTER, { email: `u${i}@example.com`, password: 'long-enough' }));
    const r = await t.gql(REGISTER, { email: 'u3@example.com', password: 'long-enough' });
    expect(codeOf(r)).toBe('RATE_LIMITED');
    expect(retryAfter(r)).toBeGreaterThan(0);
    expect(await t.sql(`SELECT id FROM customer WHERE email = 'u3@example.com'`)).toHaveLength(0);
  });

  it('an IP gets 3 failed sign-ins across emails; successes do not count', async () => {
    ok(await t.gql(LOGIN, { email: 'u0@example.com', password: 'long-enough' }));
    for (let i = 0; i < 3; i++) expect(codeOf(await t.gql(LOGIN, { email: `x${i}@example.com`, password: 'guess' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(LOGIN, { email: 'u1@example.com', password: 'long-enough' }))).toBe('RATE_LIMITED');
  });
});

describe.each(DB_KINDS)('placeOrder and quoteOrder per caller on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1', ORDO_PLACE_ORDER_RATE: '2', ORDO_QUOTE_ORDER_RATE: '3' } });
    await setupShop(t, { variants: [{ sku: 'A', price: 1000, stock: { 'wh-a': 100 } }] });
  });
  afterAll(async () => t?.stop());

  it('the third placeOrder from one IP in a minute is RATE_LIMITED and changes nothing; a signed-in customer counts apart', async () => {
    const input = orderInput([{ sku: 'A', quantity: 1 }]);
    ok(await t.gql(PLACE_ORDER, { input }));
    ok(await t.gql(PLACE_ORDER, { input }));
    const before = await snapshot(t);
    const r = await t.gql(PLACE_ORDER, { input });
    expect(codeOf(r)).toBe('RATE_LIMITED');
    expect(retryAfter(r)).toBeGreaterThan(0);
    expect(retryAfter(r)).toBeLessThanOrEqual(60);
    expect(await snapshot(t)).toEqual(before);
    // A token is counted on its own (per customer), not per IP.
    const token = ok(await t.gql(REGISTER, { email: 'buyer@example.com', password: 'long-enough' })).registerCustomer.token;
    expect(ok(await t.gql(PLACE_ORDER, { input: { ...input, email: 'buyer@example.com' } }, token)).placeOrder.order.status).toBe('CONFIRMED');
  });

  it('quoteOrder: 3 a minute per IP', async () => {
    const Q = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { total } }`;
    const input = orderInput([{ sku: 'A', quantity: 1 }]);
    for (let i = 0; i < 3; i++) ok(await t.gql(Q, { input }));
    expect(codeOf(await t.gql(Q, { input }))).toBe('RATE_LIMITED');
  });
});

describe('sign-in throttle on Redis, shared by two engines', () => {
  let a: TestEngine;
  let b: TestEngine;
  beforeAll(async () => {
    const env = { ORDO_LOGIN_WINDOW_SECONDS: '60', ORDO_LOGIN_LIMIT_PER_EMAIL: '5', ORDO_LOGIN_LIMIT_PER_IP: '1000' };
    a = await startTestEngine('postgresql', { redis: true, env });
    // The same database and the same Redis prefix: two API processes of one deployment.
    b = await startTestEngine('postgresql', { redis: true, env: { ...env, DATABASE_URL: a.env.DATABASE_URL, ORDO_REDIS_PREFIX: a.env.ORDO_REDIS_PREFIX } });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('failures counted on one engine limit the email on the other', async () => {
    ok(await a.gql(REGISTER, { email: 'shared@example.com', password: 'right-password' }));
    for (let i = 0; i < 3; i++) expect(codeOf(await a.gql(LOGIN, { email: 'shared@example.com', password: 'wrong' }))).toBe('UNAUTHENTICATED');
    for (let i = 0; i < 2; i++) expect(codeOf(await b.gql(LOGIN, { email: 'shared@example.com', password: 'wrong' }))).toBe('UNAUTHENTICATED');
    const r = await b.gql(LOGIN, { email: 'shared@example.com', password: 'right-password' });
    expect(codeOf(r)).toBe('RATE_LIMITED');
    expect(retryAfter(r)).toBeGreaterThan(50);
    expect(codeOf(await a.gql(LOGIN, { email: 'shared@example.com', password: 'right-password' }))).toBe('RATE_LIMITED');
    // The counters are in Redis under the deployment's prefix.
    expect(a.engine.app.config.redisPrefix).toBe(b.engine.app.config.redisPrefix);
  });
});
