// ADMIN_API_KEY becomes (or rotates) the superadmin key at every start: an engine restarted on the same
// database with a new key answers the old one UNAUTHENTICATED and the new one as superadmin; other API
// keys and the data are untouched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';

const OLD_KEY = 'rotation-old-key-0123456789abcdef';
const NEW_KEY = 'rotation-new-key-fedcba9876543210';
const ORDERS = `{ orders(first: 1) { totalCount } }`;

describe('ADMIN_API_KEY rotation (restart on the same database)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-key-rotation-'));
  let t: TestEngine | undefined;
  afterAll(async () => {
    await t?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = (key: string) => startTestEngine('sqlite', { env: { ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: key } });

  it('the old key answers UNAUTHENTICATED after a restart with a new one; the new key is superadmin; other keys stay', async () => {
    t = await start(OLD_KEY);
    expect(ok(await gqlAt(t.url, ORDERS, {}, OLD_KEY)).orders.totalCount).toBe(0);
    const staff = ok(await gqlAt(t.url, `mutation { createApiKey(name: "staff", roles: ["orders"]) { token } }`, {}, OLD_KEY)).createApiKey.token;
    await t.stop();

    t = await start(NEW_KEY);
    expect(codeOf(await gqlAt(t.url, ORDERS, {}, OLD_KEY))).toBe('UNAUTHENTICATED');
    expect(ok(await gqlAt(t.url, ORDERS, {}, NEW_KEY)).orders.totalCount).toBe(0);
    // Superadmin: it may create keys (only superadmins may).
    ok(await gqlAt(t.url, `mutation { createApiKey(name: "later", roles: ["catalog"]) { token } }`, {}, NEW_KEY));
    expect(ok(await gqlAt(t.url, ORDERS, {}, staff)).orders.totalCount).toBe(0);
    const keys = await t.sql("SELECT name FROM api_key WHERE name = 'superadmin'");
    expect(keys).toHaveLength(1);
  });
});
