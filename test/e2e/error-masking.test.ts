// Error masking against the compiled server: an unexpected error (here the database failing under a
// running engine: its channel table renamed away) answers INTERNAL_SERVER_ERROR with a reference and
// nothing else (no stack, no SQL, no table name), and the reference leads to the details in the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnEngine, waitForOutput, type SpawnedEngine } from '../helpers/spawn.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';

const ADMIN_KEY = 'e2e-error-masking-admin-key-012345';

describe('an unexpected error (compiled server, SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-e2e-masking-'));
  let s: SpawnedEngine;

  beforeAll(async () => {
    // Development mode, where Apollo would otherwise put stack traces in responses; no reference cache,
    // so that the query below reaches the database.
    s = await spawnEngine({ ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY, ORDO_SEED_DEMO: '0', NODE_ENV: 'development', LOG_LEVEL: 'info', ORDO_REFERENCE_CACHE_MS: '0', DATABASE_URL: undefined, REDIS_URL: undefined });
  });

  afterAll(async () => {
    await s?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers INTERNAL_SERVER_ERROR with only a reference; the reference is in the log with the details', async () => {
    expect(ok(await gqlAt(s.url, '{ channels { code } }')).channels.map((c: { code: string }) => c.code)).toContain('default');
    const db = new Database(join(dataDir, 'ordo.sqlite'), { timeout: 5_000 });
    try {
      db.exec('ALTER TABLE channel RENAME TO channel_gone_secret');
    } finally {
      db.close();
    }
    const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ channels { code } }' }) });
    const raw = await res.text();
    const body = JSON.parse(raw);
    expect(codeOf(body), raw).toBe('INTERNAL_SERVER_ERROR');
    const [error] = body.errors;
    const errorId = error.extensions.errorId;
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toBe(`Internal error; reference ${errorId}.`);
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'errorId']);
    // Nothing of the cause reaches the client (its path is the field asked for): no SQL, no table, no
    // driver, no stack frame.
    for (const leak of [/channel_gone/, /\bfrom\b/i, /select/i, /sqlite/i, /no such table/i, /\bat .*\.js:\d+/, /node_modules/, /stack/i]) expect(raw).not.toMatch(leak);

    // The log has the reference with what happened (the logger writes asynchronously: wait for the line).
    await waitForOutput(s, new RegExp(errorId));
    const logged = s.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.errorId === errorId);
    expect(logged, s.output()).toHaveLength(1);
    expect(logged[0].level).toBe(50);
    expect(JSON.stringify(logged[0])).toMatch(/no such table: channel/);

    // A client error is still a client error, with its own message.
    expect(codeOf(await gqlAt(s.url, '{ order(id: "ord_nope") { id } }', {}, ADMIN_KEY))).not.toBe('INTERNAL_SERVER_ERROR');
  });
});
