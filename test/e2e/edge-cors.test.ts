// CORS on /graphql as a browser storefront on another origin meets it: an allowed origin's preflight
// answers 204 with the allow headers and a max-age (bearer tokens, so no credentials); another origin,
// or the setting left unset, gets no allow header. Apollo's CSRF prevention still refuses simple requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const SHOP = 'https://shop.example';
const DEV = 'http://localhost:5173';

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name' },
  });

const post = (url: string, origin: string) =>
  fetch(url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

describe('CORS with ORDO_CORS_ORIGINS set to a list', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite', { env: { ORDO_CORS_ORIGINS: `${SHOP}, ${DEV}` } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers an allowed origin\'s preflight with 204 and the allow headers, cached for 10 minutes', async () => {
    for (const origin of [SHOP, DEV]) {
      const res = await preflight(t.url, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST']));
      const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name']));
      expect(res.headers.get('access-control-max-age')).toBe('600');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toMatch(/origin/i);
    }
    const answer = await post(t.url, SHOP);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('gives another origin no allow header, on the preflight or the request', async () => {
    const res = await preflight(t.url, 'https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.status).not.toBe(204);
    const answer = await post(t.url, 'https://evil.example');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    // A lookalike of an allowed origin is another origin.
    expect((await preflight(t.url, 'https://shop.example.evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it("keeps Apollo's CSRF prevention for simple requests", async () => {
    const simple = await fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: SHOP } });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF/);
    const preflighted = await fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: SHOP, 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
  });
});

describe('CORS with ORDO_CORS_ORIGINS=*', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite', { env: { ORDO_CORS_ORIGINS: '*' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('allows any origin, without credentials', async () => {
    const res = await preflight(t.url, 'https://anyone.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('CORS with ORDO_CORS_ORIGINS unset', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('sends no CORS header at all: same origin only', async () => {
    const res = await preflight(t.url, SHOP);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
    expect((await post(t.url, SHOP)).headers.get('access-control-allow-origin')).toBeNull();
  });
});
