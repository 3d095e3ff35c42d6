// An engine for one test file: on SQLite (a temp data folder) or PostgreSQL (a database of its own),
// listening on a free port, driven over real HTTP. With `configFile` it starts from an ordo.config.mjs
// the way `npm start` does (resolveStartup: the file's plugins, providers and settings).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveStartup } from '../../src/config-file.js';
import { createEngine, type Engine } from '../../src/app.js';
import { createLogger } from '../../src/kernel/logger.js';
import type { DestinationStream } from 'pino';
import type { OrdoModule } from '../../src/kernel/module.js';
import type { Em } from '../../src/kernel/db/orm.js';
import { createPgDatabase, REDIS_URL, uniqueName } from './services.js';
import { gqlAt, type GqlResult } from './gql.js';
import { migratedTemplate } from './pg-template.js';

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
  /**
   * The source of an ordo.config.mjs to start from (plugins with their options, providers, settings);
   * import repository files in it through `pluginImport`. The test env overrides its settings.
   */
  configFile?: string;
  /** `worker` starts it as `npm run worker` does: no API (t.url then leads nowhere), workers only. */
  role?: 'all' | 'worker';
  /** Where its log lines go (each line a JSON string) instead of stdout: tests that read the log. */
  logTo?: DestinationStream;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The URL to import a repository file by in a config source (`pluginImport('plugins/fraud-screen/index.ts')`).
 * Under vitest the config file is imported through vitest's module graph, so the plugin and the engine
 * share one copy of src/ (one Order class for type-graphql, one order machine).
 */
export function pluginImport(fromRepoRoot: string): string {
  return pathToFileURL(resolve(ROOT, fromRepoRoot)).href;
}

/**
 * One file per config source in this test file: a process loads its config once, and so does a test
 * file, however many engines it starts. A second copy would make new plugin objects, and their guards
 * would join the process-wide order machine a second time.
 */
const configFiles = new Map<string, string>();
function configFileFor(source: string): string {
  let path = configFiles.get(source);
  if (!path) {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-test-config-'));
    path = join(dir, 'ordo.config.mjs');
    writeFileSync(path, source);
    configFiles.set(source, path);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return path;
}

export async function startTestEngine(kind: DbKind, opts: TestEngineOptions = {}): Promise<TestEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-test-'));
  // A copy of the migrated template unless the test gives its own database (pg-template.ts).
  const pg = kind === 'postgresql' && !opts.env?.DATABASE_URL ? await createPgDatabase(await migratedTemplate()) : null;
  const env: Record<string, string> = {
    NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY,
    ORDO_SEED_DEMO: '0', ORDO_REFERENCE_CACHE_MS: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    // Every operation runs compiled from its first execution (no compile-time budget), the path repeated
    // operations take in production: the whole suite checks its answers (compiled-execution.test.ts checks
    // both paths agree).
    ORDO_COMPILE_AFTER: '0', ORDO_COMPILE_MS_PER_SECOND: '1000000',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    ...(opts.redis ? { REDIS_URL, ORDO_REDIS_PREFIX: uniqueName('ordo-test') } : {}),
    ...(opts.configFile ? { ORDO_CONFIG: configFileFor(opts.configFile) } : {}),
    ...opts.env,
  };
  // As src/process.ts starts; the data folder as cwd, so that no ordo.config.js of the checkout is picked up.
  const { config, plugins, providers } = await resolveStartup(env, opts.role ?? 'all', dataDir);
  const engine = await createEngine(config, { plugins: [...plugins, ...(opts.plugins ?? [])], providers, log: createLogger(config.logLevel, opts.logTo) });
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
