// Clean deploys (docs/deploy.md), through npm itself as a deploy runs it:
// - SIGTERM to `npm start` (and `npm run worker`) stops the engine gracefully and leaves no process of
//   its tree behind (the engine runs in the very node process npm starts: no grandchild to orphan);
// - `npm run migrate` brings an empty PostgreSQL database and an empty SQLite file up to date and exits 0;
//   with ORDO_MIGRATE_ON_START=false a start refuses a database with pending migrations (exit 78, naming
//   them and `npm run migrate`) and serves one that is up to date;
// - with NODE_ENV=production `npm start` never compiles: a missing or stale dist/ ends it with one line.
// Each npm command runs in a throwaway package root (a copy of scripts/start.mjs and build.mjs and of
// package.json, dist/ and node_modules/ linked from the repository), so that a source someone edits
// during the run neither triggers a compile nor is touched by these tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../migrations/index.js';
import { freePort } from '../helpers/spawn.js';
import { createPgDatabase } from '../helpers/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_KEY = 'deploy-test-admin-key-0123456789';
const LONG_AGO = new Date('2020-01-01T00:00:00Z');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

/** A package root of its own: the start scripts and package.json copied (dated long ago), the rest as given. */
function packageRoot(opts: { linkDist: boolean }): string {
  const root = tempDir('ordo-deploy-root-');
  mkdirSync(join(root, 'scripts'));
  for (const f of ['scripts/start.mjs', 'scripts/build.mjs', 'package.json']) {
    copyFileSync(resolve(ROOT, f), join(root, f));
    utimesSync(join(root, f), LONG_AGO, LONG_AGO);
  }
  symlinkSync(resolve(ROOT, 'node_modules'), join(root, 'node_modules'));
  if (opts.linkDist) symlinkSync(resolve(ROOT, 'dist'), join(root, 'dist'));
  return root;
}

interface Run {
  proc: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm <args>` in `cwd`, with only the environment given (no npm_* or DATABASE_URL of the parent's). */
function npm(args: string[], cwd: string, env: Record<string, string>): Run {
  const base: Record<string, string> = { HOST: '127.0.0.1', NODE_ENV: 'development', LOG_LEVEL: 'info' };
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k]) base[k] = process.env[k]!;
  const proc = spawn('npm', args, { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.once('close', (code, signal) => res({ code, signal })));
  return { proc, out: () => out, err: () => err, exited };
}

const output = (r: Run) => `--- stdout ---\n${r.out()}\n--- stderr ---\n${r.err()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what()}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `check` holds (polling), or fails with the run's output. */
async function until(r: Run, what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (r.proc.exitCode !== null || r.proc.signalCode !== null) throw new Error(`npm exited before ${what}\n${output(r)}`);
    if (Date.now() > deadline) throw new Error(`not ${what} within ${ms} ms\n${output(r)}`);
    await sleep(100);
  }
}

const ready = async (port: number) => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
};

/** Every process below `pid` now (children, grandchildren, …), from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const all: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      all.push(c);
      walk(c);
    }
  };
  walk(pid);
  return all;
}

/** A process that still exists (a zombie nobody reaps counts: it is left behind too). */
function exists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '(gone)';
  }
};

describe('signals through npm (compiled engine, SQLite)', () => {
  it.each([
    { name: 'npm start', script: ['start'], upWhen: 'ready' },
    { name: 'npm run worker', script: ['run', 'worker'], upWhen: 'workers running' },
  ])('SIGTERM to $name stops the engine gracefully and leaves no process behind', async ({ script, upWhen }) => {
    const root = packageRoot({ linkDist: true });
    const port = await freePort();
    const r = npm(script, root, { ORDO_DATA_DIR: join(root, 'data'), PORT: String(port) });
    if (upWhen === 'ready') await until(r, 'ready', () => ready(port));
    else await until(r, 'running', () => /Ordo workers running/.test(r.out()));

    // npm → node scripts/start.mjs, which runs the engine itself: no grandchild to orphan.
    const tree = descendants(r.proc.pid!);
    expect(tree.map(cmdline), output(r)).toEqual([expect.stringMatching(/node scripts\/start\.mjs/)]);

    r.proc.kill('SIGTERM');
    const exit = await within(r.exited, 15_000, () => `npm did not exit within 15 s of SIGTERM\n${output(r)}`);
    expect(exit, output(r)).toEqual({ code: 0, signal: null });
    expect(r.out()).toMatch(/"signal":"SIGTERM".*shutting down: finishing in-flight work/);
    // Nothing of the tree is left: not running, not a zombie.
    for (const pid of [r.proc.pid!, ...tree]) expect(exists(pid), `process ${pid} (${cmdline(pid)}) is left behind\n${output(r)}`).toBe(false);
  }, 40_000);
});

describe.each(['sqlite', 'postgresql'] as const)('`npm run migrate` and ORDO_MIGRATE_ON_START=false (%s)', (kind) => {
  let dropDb: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await dropDb?.();
  });

  it('refuses to start with pending migrations, migrates an empty database, then serves without migrating', async () => {
    const root = packageRoot({ linkDist: true });
    const env: Record<string, string> = { ORDO_DATA_DIR: join(root, 'data'), ORDO_SEED_DEMO: '0' };
    if (kind === 'postgresql') {
      const db = await createPgDatabase();
      dropDb = db.drop;
      env.DATABASE_URL = db.url;
    }
    const expected = migrationsFor(kind).map((m) => m.name);
    const tables = async (): Promise<{ migrations: string[]; orders: boolean }> => {
      if (kind === 'sqlite') {
        const file = join(root, 'data', 'ordo.sqlite');
        if (!existsSync(file)) return { migrations: [], orders: false };
        const db = new Database(file, { readonly: true });
        try {
          const has = (t: string) => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t);
          const migrations = has('ordo_migrations') ? (db.prepare('SELECT name FROM ordo_migrations ORDER BY id').all() as { name: string }[]).map((m) => m.name) : [];
          return { migrations, orders: has('orders') };
        } finally {
          db.close();
        }
      }
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      try {
        const has = async (t: string) => (await c.query('SELECT to_regclass($1) AS t', [t])).rows[0].t !== null;
        const migrations = (await has('ordo_migrations')) ? (await c.query('SELECT name FROM ordo_migrations ORDER BY id')).rows.map((m) => m.name as string) : [];
        return { migrations, orders: await has('orders') };
      } finally {
        await c.end();
      }
    };

    // 1. The new code on an empty database, told not to migrate: it refuses, naming what is pending and the command.
    const refused = npm(['start'], root, { ...env, PORT: String(await freePort()), ORDO_MIGRATE_ON_START: 'false' });
    const no = await within(refused.exited, 20_000, () => `the start did not end\n${output(refused)}`);
    expect(no.code, output(refused)).toBe(78);
    expect(refused.err()).toMatch(new RegExp(`Ordo cannot start: the database lacks ${expected.length} migration\\(s\\) this code needs \\(${expected[0]}, `));
    expect(refused.err()).toMatch(/ORDO_MIGRATE_ON_START is false: run `npm run migrate` first/);
    expect((await tables()).orders).toBe(false);

    // 2. The deploy step: every migration applied, exit 0.
    const migrated = npm(['run', 'migrate'], root, env);
    const ok = await within(migrated.exited, 30_000, () => `npm run migrate did not end\n${output(migrated)}`);
    expect(ok, output(migrated)).toEqual({ code: 0, signal: null });
    expect(migrated.out()).toMatch(new RegExp(`applied ${expected.length} migration\\(s\\)`));
    expect(await tables()).toEqual({ migrations: expected, orders: true });

    // 3. Production (migrations off by default there; said explicitly too) on the migrated database: it serves.
    const port = await freePort();
    const served = npm(['start'], root, { ...env, PORT: String(port), NODE_ENV: 'production', ADMIN_API_KEY: ADMIN_KEY, ORDO_MIGRATE_ON_START: 'false' });
    try {
      await until(served, 'ready', () => ready(port));
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query: '{ products(first: 5) { nodes { name } } }' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { products: { nodes: [] } } });
      expect(served.out()).not.toMatch(/database migrated/);
    } finally {
      served.proc.kill('SIGTERM');
    }
    expect(await within(served.exited, 15_000, () => `no exit after SIGTERM\n${output(served)}`), output(served)).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('NODE_ENV=production never compiles (a package root with its own src/ and dist/)', () => {
  const root = packageRoot({ linkDist: false });
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist', 'src'), { recursive: true });
  writeFileSync(join(root, 'dist', 'src', 'main.js'), "console.log('the compiled engine ran');\n");
  writeFileSync(join(root, 'src', 'main.ts'), '// the sources\n');
  const stamp = join(root, 'dist', '.build-stamp');
  const start = async (env: Record<string, string> = {}) => {
    const r = npm(['start'], root, { NODE_ENV: 'production', ...env });
    return { ...(await within(r.exited, 20_000, () => `npm start did not end\n${output(r)}`)), out: r.out(), err: r.err(), output: output(r) };
  };
  const ourLines = (err: string) => err.split('\n').filter((l) => l.startsWith('Ordo cannot start'));

  it('refuses a dist/ older than a source, in one line naming `npm run build`', async () => {
    writeFileSync(stamp, 'old');
    utimesSync(stamp, LONG_AGO, LONG_AGO); // src/main.ts is newer
    const r = await start();
    expect(r.code, r.output).not.toBe(0);
    expect(ourLines(r.err), r.output).toEqual(['Ordo cannot start: dist/ is older than the sources and NODE_ENV=production does not compile: run `npm run build` first.']);
    expect(r.out).not.toMatch(/building|the compiled engine ran/);
  });

  it('refuses a missing dist/ the same way', async () => {
    rmSync(stamp, { force: true });
    const r = await start();
    expect(r.code, r.output).not.toBe(0);
    expect(ourLines(r.err), r.output).toEqual(['Ordo cannot start: dist/ is missing and NODE_ENV=production does not compile: run `npm run build` first.']);
  });

  it('runs a current dist/ as it is', async () => {
    writeFileSync(stamp, String(Date.now())); // newer than every source
    const r = await start();
    expect(r.code, r.output).toBe(0);
    expect(r.out).toMatch(/the compiled engine ran/);
    expect(r.out).not.toMatch(/building/);
  });
});
