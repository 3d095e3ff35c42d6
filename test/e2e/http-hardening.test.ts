// The HTTP edge of an engine in production: security headers (helmet) on the HTML routes (GraphiQL, the
// queue board) and not on the API's JSON answers; a body over the limit answered 413 with a GraphQL
// error, having changed nothing; ORDO_TRUST_PROXY: behind one proxy the client's address comes from
// X-Forwarded-For (per-IP sign-in limits count each client), without it the header is ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
/** Sign-in limits small enough to reach: 2 failures per IP, the per-email limit out of the way. */
const LIMITS = { ORDO_LOGIN_LIMIT_PER_IP: '2', ORDO_LOGIN_LIMIT_PER_EMAIL: '1000' };

let n = 0;
/** A failed sign-in (an unknown address each time) from `forwardedFor`, as a proxy in front would name it. */
const badLogin = (t: TestEngine, forwardedFor: string) =>
  gqlAt(t.url, LOGIN, { email: `nobody-${++n}@example.com`, password: 'wrong password' }, undefined, { 'x-forwarded-for': forwardedFor });

describe('HTTP hardening', () => {
  /** Behind one proxy (ORDO_TRUST_PROXY=1), with Redis (the queue board). */
  let proxied: TestEngine;
  /** Default settings: no proxy trusted, no Redis. */
  let direct: TestEngine;
  const baseOf = (t: TestEngine) => t.url.replace(/\/graphql$/, '');

  beforeAll(async () => {
    [proxied, direct] = await Promise.all([
      startTestEngine('sqlite', { redis: true, env: { ORDO_TRUST_PROXY: '1', ...LIMITS } }),
      startTestEngine('sqlite', { env: LIMITS }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([proxied?.stop(), direct?.stop()]);
  });

  describe('security headers (helmet)', () => {
    it('on GraphiQL: its Content-Security-Policy and the other headers', async () => {
      const res = await fetch(`${baseOf(proxied)}/graphiql`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://${new URL(proxied.url).host} wss://${new URL(proxied.url).host}`);
      expect(csp).toContain("frame-ancestors 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      await res.text();
    });

    it('on the queue board (every answer: the page, its API, refusals)', async () => {
      for (const auth of [`Bearer ${ADMIN_KEY}`, undefined]) {
        const res = await fetch(`${baseOf(proxied)}/admin/queues`, { headers: auth ? { authorization: auth } : {} });
        expect(res.status).toBe(auth ? 200 : 401);
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
        expect(res.headers.get('x-powered-by')).toBeNull();
        await res.text();
      }
    });

    it('not on the API: /graphql answers JSON without a page policy', async () => {
      const res = await fetch(proxied.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
      for (const h of ['content-security-policy', 'x-frame-options', 'strict-transport-security', 'cross-origin-resource-policy', 'x-powered-by']) {
        expect(res.headers.get(h), h).toBeNull();
      }
      expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
    });
  });

  describe('the request body limit (1 MB)', () => {
    it('answers a larger body 413 with a GraphQL error (BAD_USER_INPUT, a message that says what to do) and changes nothing', async () => {
      const name = `Too Large ${'x'.repeat(1_100_000)}`;
      const res = await fetch(direct.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({
          query: `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`,
          variables: { i: { name, variants: [{ sku: 'HUGE-1', name: 'Huge', price: 100, currencyCode: 'EUR', allowBackorder: true, trackInventory: false }] } },
        }),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      // BAD_USER_INPUT is one of the contract's codes (../shared/contract/core.graphql).
      expect(await res.json()).toEqual({
        errors: [{ message: 'The request body is larger than 1 MB; send smaller variables or split the request.', extensions: { code: 'BAD_USER_INPUT' } }],
      });
      // Nothing was created; the engine answers the next request as usual.
      expect(ok(await direct.admin(`{ variant(sku: "HUGE-1") { sku } }`)).variant).toBeNull();
      expect((await direct.sql(`SELECT COUNT(*) AS n FROM product`))[0].n).toBe(0);
    });

    it('takes a body just under the limit', async () => {
      const r = await gqlAt(direct.url, `query($pad: String) { __typename }`, { pad: 'x'.repeat(1_000_000) });
      expect(r.status).not.toBe(413);
      expect(JSON.stringify(r.errors ?? [])).not.toMatch(/larger than/);
    });
  });

  describe('ORDO_TRUST_PROXY', () => {
    it('=1: the address X-Forwarded-For names is the client, throttled on its own', async () => {
      const a = '203.0.113.7';
      const b = '198.51.100.9';
      expect(codeOf(await badLogin(proxied, a))).toBe('UNAUTHENTICATED');
      expect(codeOf(await badLogin(proxied, a))).toBe('UNAUTHENTICATED');
      const limited = await badLogin(proxied, a);
      expect(codeOf(limited)).toBe('RATE_LIMITED');
      expect(limited.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
      // Another client behind the same proxy is not limited by the first one's failures.
      expect(codeOf(await badLogin(proxied, b))).toBe('UNAUTHENTICATED');
      // One hop is trusted: what a client writes before its real address (the proxy appends that) is ignored.
      expect(codeOf(await badLogin(proxied, `192.0.2.1, ${a}`))).toBe('RATE_LIMITED');
      expect(codeOf(await badLogin(proxied, `${a}, ${b}`))).toBe('UNAUTHENTICATED');
    });

    it('unset: X-Forwarded-For is ignored, the connection’s address is the client', async () => {
      expect(codeOf(await badLogin(direct, '203.0.113.7'))).toBe('UNAUTHENTICATED');
      expect(codeOf(await badLogin(direct, '198.51.100.9'))).toBe('UNAUTHENTICATED');
      // A third address changes nothing: all three came from 127.0.0.1.
      expect(codeOf(await badLogin(direct, '192.0.2.44'))).toBe('RATE_LIMITED');
    });

    it('is read as false, a number of proxies, or their addresses; `true` and garbage are refused at start', () => {
      const trust = (v?: string) => loadConfig({ ORDO_TRUST_PROXY: v }).trustProxy;
      expect([trust(), trust(''), trust('false'), trust('0')]).toEqual([false, false, false, false]);
      expect(trust('2')).toBe(2);
      expect(trust('loopback, 10.0.0.0/8 ,fd00::/8,192.168.1.10')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.10']);
      expect(() => trust('true')).toThrow(ConfigError);
      expect(() => trust('true')).toThrow(/number of proxies/);
      for (const bad of ['10.0.0.0/33', 'proxy.example', '10.0.0.1/8/1', '99']) expect(() => trust(bad), bad).toThrow(ConfigError);
    });
  });
});
