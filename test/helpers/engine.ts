// An engine for one test file: on SQLite (a temp data folder) or PostgreSQL (a database of its own),
// listening on a free port, driven over real HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createEngine, type Engine } from '../../src/app.js';
import { createLogger } from '../../src/kernel/logger.js';
import type { OrdoModule } from '../../src/kernel/module.js';
import type { Em } from '../../src/kernel/db.js';
import { createPgDatabase, REDIS_URL, uniqueName } from './services.js';
import { gqlAt, type GqlResult } from './gql.js';

export type DbKind = 'sqlite' | 'postgresql';
export const DB_KINDS: DbKind[] = ['sqlite', 'postgresql'];
export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestEngine {
  kind: DbKind;
  engine: Engine;
  url: string;
  env: Record<string, string>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  admin<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  em(): Em;
  /** Rows of a raw SQL query, on whichever database. */
  sql<R = any>(query: string, params?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

export interface TestEngineOptions {
  redis?: boolean;
  plugins?: OrdoModule[];
  env?: Record<string, string>;
}

export async function startTestEngine(kind: DbKind, opts: TestEngineOptions = {}): Promise<TestEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-test-'));
  const pg = kind === 'postgresql' ? await createPgDatabase() : null;
  const env: Record<string, string> = {
    NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY,
    ORDO_SEED_DEMO: '0', ORDO_REFERENCE_CACHE_MS: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    ...(opts.redis ? { REDIS_URL, ORDO_REDIS_PREFIX: uniqueName('ordo-test') } : {}),
    ...opts.env,
  };
  const config = loadConfig(env);
  const engine = await createEngine(config, { plugins: opts.plugins, log: createLogger(config.logLevel) });
  const url = `http://127.0.0.1:${engine.port}/graphql`;
  const gql = <T,>(q: string, v?: Record<string, unknown>, token?: string) => gqlAt<T>(url, q, v, token);
  return {
    kind, engine, url, env, gql,
    admin: (q, v) => gql(q, v, ADMIN_KEY),
    em: () => engine.app.orm.em.fork() as Em,
    sql: (q, p = []) => (engine.app.orm.em.fork() as Em).execute(q, p as any[]) as Promise<any[]>,
    stop: async () => {
      await engine.stop();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
