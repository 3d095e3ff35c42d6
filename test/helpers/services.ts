// The real services the tests talk to (started by .ci/run when they are down).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** The URL of database `name` on the tests' PostgreSQL server. */
export const pgUrlOf = (name: string) => PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);

/**
 * A PostgreSQL database of its own for one test file; dropped by the returned function. Empty, or a copy
 * of `template` (a migrated one: pg-template.ts).
 */
export async function createPgDatabase(template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName('ordo_t');
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  return {
    url: pgUrlOf(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Deletes the keys under one prefix (SCAN, bounded); never the others'. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    const deadline = Date.now() + 20_000;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.unlink(...keys);
    } while (cursor !== '0' && Date.now() < deadline);
  } finally {
    r.disconnect();
  }
}
