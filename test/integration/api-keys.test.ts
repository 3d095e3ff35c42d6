// Admin API keys through GraphQL: superadmins list them (never a secret) and revoke one by id; the
// revoked key is refused at once (no principal cache); other roles and customers are FORBIDDEN; the last
// active superadmin key cannot be revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { until } from '../helpers/until.js';

const LIST = `{ apiKeys { id name roles createdAt lastUsedAt revokedAt revoked } }`;
const REVOKE_BY_ID = `mutation($id: ID!) { revokeApiKey(id: $id) }`;
const CREATE = `mutation($name: String!, $roles: [String!]!) { createApiKey(name: $name, roles: $roles) { token } }`;
const PRODUCTS = `{ products(first: 1) { totalCount } }`;

describe.each(DB_KINDS)('API keys on %s', (kind) => {
  let t: TestEngine;
  let catalogToken: string;
  let superToken: string;
  let customerToken: string;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    catalogToken = ok(await t.admin(CREATE, { name: 'catalog-bot', roles: ['catalog'] })).createApiKey.token;
    superToken = ok(await t.admin(CREATE, { name: 'second-super', roles: ['superadmin'] })).createApiKey.token;
    customerToken = ok(await t.gql(`mutation { registerCustomer(input: { email: "c@example.com", password: "secret-123" }) { token } }`)).registerCustomer.token;
  });
  afterAll(async () => t?.stop());

  it('lists every key with its roles and dates, never a secret or its hash', async () => {
    ok(await t.gql(PRODUCTS, {}, catalogToken));
    const r = await t.admin(LIST);
    const keys = ok(r).apiKeys as any[];
    expect(keys.map((k) => k.name).sort()).toEqual(['catalog-bot', 'second-super', 'superadmin']);
    const bot = keys.find((k) => k.name === 'catalog-bot');
    expect(bot).toMatchObject({ roles: ['catalog'], revoked: false, revokedAt: null });
    expect(Date.parse(bot.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    const hashes = (await t.sql('SELECT token_hash FROM api_key')).map((row: any) => row.token_hash as string);
    const body = JSON.stringify(r);
    for (const secret of [ADMIN_KEY, catalogToken, superToken, ...hashes]) expect(body).not.toContain(secret);
    // The type has no field for either.
    expect(codeOf(await t.admin(`{ apiKeys { tokenHash } }`))).toBe('BAD_USER_INPUT');
    // When a key was last used is recorded (after the request, at most once a minute).
    const used = await until(async () => (ok(await t.admin(LIST)).apiKeys as any[]).find((k) => k.name === 'catalog-bot').lastUsedAt, (v) => !!v, 5_000);
    expect(Date.parse(used)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('only superadmins list and revoke keys', async () => {
    const botId = (ok(await t.admin(LIST)).apiKeys as any[]).find((k) => k.name === 'catalog-bot').id;
    expect(codeOf(await t.gql(LIST, {}, catalogToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REVOKE_BY_ID, { id: botId }, catalogToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(LIST, {}, customerToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REVOKE_BY_ID, { id: botId }, customerToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(LIST))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(REVOKE_BY_ID, { id: botId }))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql(PRODUCTS, {}, catalogToken)).products.totalCount).toBe(0);
  });

  it('a revoked key is UNAUTHENTICATED on its very next request', async () => {
    const botId = (ok(await t.admin(LIST)).apiKeys as any[]).find((k) => k.name === 'catalog-bot').id;
    expect(ok(await t.gql(PRODUCTS, {}, catalogToken)).products.totalCount).toBe(0);
    // Revoked by the other superadmin key.
    expect(ok(await t.gql(REVOKE_BY_ID, { id: botId }, superToken)).revokeApiKey).toBe(true);
    const refused = await t.gql(PRODUCTS, {}, catalogToken);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.status).toBe(401);
    // Again: nothing to revoke.
    expect(ok(await t.admin(REVOKE_BY_ID, { id: botId })).revokeApiKey).toBe(false);
    const bot = (ok(await t.admin(LIST)).apiKeys as any[]).find((k) => k.name === 'catalog-bot');
    expect(bot.revoked).toBe(true);
    expect(bot.revokedAt).not.toBeNull();
    expect(codeOf(await t.admin(`mutation { revokeApiKey }`))).toBe('BAD_USER_INPUT');
  });

  it('the last active superadmin key cannot be revoked; a superadmin key may revoke itself while another remains', async () => {
    const keys = ok(await t.admin(LIST)).apiKeys as any[];
    const second = keys.find((k) => k.name === 'second-super').id;
    const first = keys.find((k) => k.name === 'superadmin').id;
    // Itself: its own request succeeds, its next one is refused.
    expect(ok(await t.gql(REVOKE_BY_ID, { id: second }, superToken)).revokeApiKey).toBe(true);
    expect(codeOf(await t.gql(LIST, {}, superToken))).toBe('UNAUTHENTICATED');
    const last = await t.admin(REVOKE_BY_ID, { id: first });
    expect(codeOf(last)).toBe('CONFLICT');
    expect(ok(await t.admin(LIST)).apiKeys.find((k: any) => k.id === first).revoked).toBe(false);
    // By name (the older form) still works.
    ok(await t.admin(CREATE, { name: 'temp', roles: ['orders'] }));
    expect(ok(await t.admin(`mutation { revokeApiKey(name: "temp") }`)).revokeApiKey).toBe(true);
  });
});
