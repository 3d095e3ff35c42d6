// What an engine process carries is what it uses: the libraries of documents (pdfkit), mail (nodemailer),
// Redis (ioredis, bullmq) and the other database's driver are loaded by their first use, not at start
// (src/kernel/lazy-require.ts). A process serving GraphQL on SQLite without Redis, or on PostgreSQL,
// does not load them: about a tenth of an idle engine's resident memory (README, Performance). Once a
// mail is sent, nodemailer is there. The compiled engine runs as `npm start` runs it, with a preload
// that lists what it loaded when it exits (test/helpers/loaded-packages.cjs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEngine } from '../helpers/spawn.js';
import { createPgDatabase, REDIS_URL, uniqueName } from '../helpers/services.js';
import { migratedTemplate } from '../helpers/pg-template.js';
import { gqlAt } from '../helpers/gql.js';

const ADMIN = 'lazy-libraries-admin-key-0123456789';
const PRELOAD = fileURLToPath(new URL('../helpers/loaded-packages.cjs', import.meta.url));
const ON_DEMAND = ['pdfkit', 'nodemailer', 'ioredis', 'bullmq', '@bull-board/api'];

const folders: string[] = [];
afterAll(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Starts the compiled engine with `env`, runs `use` against it, stops it; the packages it had loaded. */
async function loadedBy(env: Record<string, string>, use: (url: string) => Promise<void>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-lazy-'));
  folders.push(dir);
  const file = join(dir, 'loaded.json');
  const engine = await spawnEngine({
    ORDO_DATA_DIR: dir, ADMIN_API_KEY: ADMIN, ORDO_SEED_DEMO: '0', NODE_ENV: 'production', ORDO_MIGRATE_ON_START: 'true',
    LOG_LEVEL: 'warn', NODE_OPTIONS: `--require ${PRELOAD}`, ORDO_TEST_LOADED_FILE: file, ...env,
  });
  try {
    await use(engine.url);
  } finally {
    const exit = await engine.stop();
    expect(exit.code, engine.output()).toBe(0);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as string[];
}

const browse = async (url: string) => {
  const r = await gqlAt<{ products: { totalCount: number } }>(url, '{ products(first: 5) { totalCount } }', {}, ADMIN);
  expect(r.errors).toBeUndefined();
  expect(r.data!.products.totalCount).toBe(0);
};

describe('libraries a process does not use are not loaded', () => {
  it('SQLite without Redis: no PostgreSQL driver, no Redis client, no PDF or mail library', async () => {
    const loaded = await loadedBy({}, browse);
    expect(loaded).toContain('better-sqlite3');
    for (const p of [...ON_DEMAND, '@mikro-orm/postgresql', 'pg']) expect(loaded, p).not.toContain(p);
  });

  it('PostgreSQL with Redis: no SQLite driver, and still no PDF or mail library', async () => {
    const db = await createPgDatabase(await migratedTemplate());
    try {
      const loaded = await loadedBy({ DATABASE_URL: db.url, REDIS_URL, ORDO_REDIS_PREFIX: uniqueName('ordo-lazy') }, browse);
      expect(loaded).toEqual(expect.arrayContaining(['@mikro-orm/postgresql', 'pg', 'ioredis', 'bullmq']));
      for (const p of ['better-sqlite3', '@mikro-orm/better-sqlite', 'pdfkit', 'nodemailer', '@bull-board/api']) expect(loaded, p).not.toContain(p);
    } finally {
      await db.drop();
    }
  });
});
