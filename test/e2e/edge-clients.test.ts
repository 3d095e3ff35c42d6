// Client tools against a running engine, as a new user would point them: GraphQL Code Generator at the
// URL (it introspects), and Apollo Client 4 with automatic persisted queries placing an order. The first
// request is hash-only and answered PERSISTED_QUERY_NOT_FOUND, the link retries with the full query, and
// the next identical operation goes hash-only and succeeds. With REDIS_URL two engine processes share
// the registrations (registered on A, found on B); without it each process keeps them in memory.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Redis } from 'ioredis';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';
import { createPgDatabase, REDIS_URL, uniqueName } from '../helpers/services.js';
import { gqlAt } from '../helpers/gql.js';
import { ADDRESS, setupShop } from '../helpers/fixtures.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const PLACE = gql`
  mutation PlaceOrder($input: PlaceOrderInput!, $key: String) {
    placeOrder(input: $input, idempotencyKey: $key) {
      accessToken
      order { id number status total currencyCode lines { sku quantity } }
    }
  }
`;
const VARIANT = gql`
  query Variant($sku: String!) { variant(sku: $sku) { sku available } }
`;

interface Seen {
  body: { query?: string; extensions?: { persistedQuery?: { sha256Hash: string } }; operationName?: string };
  answer: { errors?: { extensions?: { code?: string } }[]; data?: unknown };
  url: string;
}

/**
 * Apollo Client as a storefront builds it: PersistedQueryLink (sha256 from node:crypto) over an HttpLink,
 * whose fetch is wrapped to record each request body and answer.
 */
function storefrontClient(url: string) {
  const seen: Seen[] = [];
  const recordingFetch: typeof fetch = async (_input, init) => {
    const res = await fetch(url, init);
    const text = await res.text();
    seen.push({ body: JSON.parse(String(init?.body)), answer: JSON.parse(text), url });
    return new Response(text, { status: res.status, headers: res.headers });
  };
  const client = new ApolloClient({
    link: ApolloLink.from([new PersistedQueryLink({ sha256 }), new HttpLink({ uri: url, fetch: recordingFetch })]),
    cache: new InMemoryCache(),
  });
  return { client, seen };
}

const orderVars = (sku: string, key: string) => ({
  input: { email: 'apq@example.com', lines: [{ sku, quantity: 1 }], shippingAddress: ADDRESS, shippingMethodCode: 'standard', payment: { method: 'test-card', token: 'tok_visa' } },
  key,
});

describe('GraphQL Code Generator against the running URL', () => {
  let t: TestEngine;
  const outDir = mkdtempSync(join(tmpdir(), 'ordo-codegen-'));
  beforeAll(async () => {
    t = await startTestEngine('sqlite');
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('introspects the server and types the storefront operations', async () => {
    const files = await generate({
      schema: t.url,
      documents: 'test/operations/*.graphql',
      silent: true,
      generates: { [join(outDir, 'operations.ts')]: { plugins: ['typescript-operations'], config: { scalars: { Money: 'number', DateTime: 'string' }, enumsAsTypes: true } } },
    }, false);
    expect(files).toHaveLength(1);
    const out = files[0].content;
    expect(out).toMatch(/export type PlaceOrderMutation = /);
    expect(out).toMatch(/export type PlaceOrderInput = /);
    expect(out).toMatch(/export type CatalogQuery = /);
  });
});

/** Places an order through `registerOn` (first time: the hash is unknown), then again through `reuseOn`. */
async function placeWithApq(registerOn: string, reuseOn: string, sku: string) {
  const { client, seen } = storefrontClient(registerOn);
  const first = await client.mutate({ mutation: PLACE, variables: orderVars(sku, uniqueName('apq')) });
  expect(first.error).toBeUndefined();
  expect((first.data as any).placeOrder.order.status).toBe('CONFIRMED');
  // The first request carried the hash only, and the server asked for the query.
  expect(seen.length).toBe(2);
  expect(seen[0].body.query).toBeUndefined();
  expect(seen[0].body.extensions?.persistedQuery?.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
  expect(seen[0].answer.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  // The retry carried hash and full query, and placed the order.
  expect(seen[1].body.query).toContain('placeOrder');
  expect(seen[1].body.extensions?.persistedQuery?.sha256Hash).toBe(seen[0].body.extensions?.persistedQuery?.sha256Hash);
  expect(seen[1].answer.errors).toBeUndefined();

  // A second identical operation (a new client, so nothing is remembered on the client side) goes hash-only.
  const again = storefrontClient(reuseOn);
  const second = await again.client.mutate({ mutation: PLACE, variables: orderVars(sku, uniqueName('apq')) });
  expect(second.error).toBeUndefined();
  expect(again.seen).toHaveLength(1);
  expect(again.seen[0].body.query).toBeUndefined();
  expect(again.seen[0].answer.errors).toBeUndefined();
  expect((again.seen[0].answer.data as any).placeOrder.order.lines).toEqual([{ sku, quantity: 1, __typename: 'OrderLine' }]);
  return { first: seen, second: again.seen };
}

describe('Apollo Client 4 with automatic persisted queries (in memory)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite');
    await setupShop(t, { variants: [{ sku: 'APQ-1', price: 1000, stock: { 'wh-a': 10 } }] });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('places an order: hash-only first, NOT_FOUND, full retry; the next time hash-only succeeds', async () => {
    await placeWithApq(t.url, t.url, 'APQ-1');
    // A query too: registered once, then answered from the hash.
    const { client, seen } = storefrontClient(t.url);
    expect((await client.query({ query: VARIANT, variables: { sku: 'APQ-1' } })).data).toMatchObject({ variant: { sku: 'APQ-1', available: 8 } });
    expect(seen.map((s) => s.answer.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(['PERSISTED_QUERY_NOT_FOUND', 'ok']);
  });

  it('answers a hash that does not match its query as bad input, and an unsupported version likewise', async () => {
    const q = '{ __typename }';
    const wrong = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('other') } } }) });
    expect(((await wrong.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const ok = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(q) } } }) });
    expect(((await ok.json()) as any).data).toEqual({ __typename: 'Query' });
  });
});

describe('Apollo Client 4 with automatic persisted queries shared in Redis by two engine processes', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: SpawnedEngine | undefined;
  let b: SpawnedEngine | undefined;
  const prefix = uniqueName('ordo-apq');
  const ADMIN = 'edge-apq-admin-key-0123456789abcdef';

  beforeAll(async () => {
    db = await createPgDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL, ORDO_REDIS_PREFIX: prefix, ADMIN_API_KEY: ADMIN, ORDO_SEED_DEMO: '0', LOG_LEVEL: 'info', DATABASE_POOL_SIZE: '5' };
    a = await spawnEngine(env);
    b = await spawnEngine(env);
    await setupShop({ admin: (q: string, v?: Record<string, unknown>) => gqlAt(a!.url, q, v, ADMIN) } as unknown as TestEngine, { variants: [{ sku: 'APQ-R', price: 1000, stock: { 'wh-a': 10 } }] });
  });

  afterAll(async () => {
    await Promise.all([a?.stop().catch(() => {}), b?.stop().catch(() => {})]);
    await db?.drop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('registers on A, answers the hash on B; the registration is in Redis under the prefix, with an expiry', async () => {
    const { first, second } = await placeWithApq(a!.url, b!.url, 'APQ-R');
    expect(first.map((s) => s.url)).toEqual([a!.url, a!.url]);
    expect(second[0].url).toBe(b!.url);
    const hash = first[0].body.extensions!.persistedQuery!.sha256Hash;
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.get(`${prefix}:apq:${hash}`)).toContain('placeOrder');
      const ttl = await redis.ttl(`${prefix}:apq:${hash}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(86_400);
    } finally {
      redis.disconnect();
    }
    // Neither process logged the PERSISTED_QUERY_NOT_FOUND answers as errors.
    for (const e of [a!, b!]) {
      const errors = e.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.level >= 50);
      expect(errors, e.output()).toEqual([]);
    }
  });
});
