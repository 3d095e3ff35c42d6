// The compiled engine as a real child process (like `npm start`), on a free port of 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedEngine {
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** http://127.0.0.1:<port> */
  base: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  port: number;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves when the process has exited (rejects after timeoutMs). */
  waitForExit(timeoutMs?: number): Promise<ExitInfo>;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then wait for the exit (SIGKILL when it does not come in time). */
  stop(timeoutMs?: number): Promise<ExitInfo>;
}

export interface SpawnOptions {
  /** Script to run, relative to the repository root. */
  entry?: string;
  /** Wait until GET /ready answers 200 (default true). Without it, the process may also exit at once. */
  waitForReady?: boolean;
  readyTimeoutMs?: number;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A port that was free a moment ago: listen on 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Only what a process needs from the parent: no stray DATABASE_URL, NODE_ENV or keys leak in. */
function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k]) out[k] = process.env[k]!;
  return out;
}

export async function spawnEngine(env: Record<string, string | undefined>, opts: SpawnOptions = {}): Promise<SpawnedEngine> {
  const waitReady = opts.waitForReady ?? true;
  // A port picked this way may be taken by someone else before the child binds it: try again then.
  for (let attempt = 1; ; attempt++) {
    const e = await start(env, opts);
    if (!waitReady) return e;
    try {
      await waitUntilReady(e, opts.readyTimeoutMs ?? 60_000);
      return e;
    } catch (err) {
      if (attempt < 3 && /EADDRINUSE/.test(e.output())) continue;
      if (e.proc.exitCode === null && e.proc.signalCode === null) await e.stop(5_000).catch(() => {});
      throw err;
    }
  }
}

async function start(env: Record<string, string | undefined>, opts: SpawnOptions): Promise<SpawnedEngine> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const fullEnv: Record<string, string> = { ...baseEnv(), HOST: '127.0.0.1', NODE_ENV: 'development' };
  for (const [k, v] of Object.entries({ ...env, PORT: String(port) })) {
    if (v === undefined) delete fullEnv[k];
    else fullEnv[k] = v;
  }
  const proc = spawn(process.execPath, [resolve(ROOT, opts.entry ?? 'dist/src/main.js')], {
    cwd: ROOT,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<ExitInfo>((res) => {
    proc.once('exit', (code, signal) => {
      // Let the pipes drain so that the last lines are in the buffers.
      const done = () => res({ code, signal });
      let pending = 2;
      const one = () => (--pending === 0 ? done() : undefined);
      if (proc.stdout!.readableEnded) one(); else proc.stdout!.once('end', one);
      if (proc.stderr!.readableEnded) one(); else proc.stderr!.once('end', one);
      setTimeout(done, 1_000).unref();
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const waitForExit = async (timeoutMs = 30_000): Promise<ExitInfo> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`process ${proc.pid} did not exit within ${timeoutMs} ms\n${out}\n${err}`)), timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
  };
  return {
    url: `${base}/graphql`,
    base,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    port,
    proc,
    stdout: () => out,
    stderr: () => err,
    output: () => `--- stdout ---\n${out}\n--- stderr ---\n${err}`,
    waitForExit,
    kill,
    stop: async (timeoutMs = 25_000) => {
      kill('SIGTERM');
      try {
        return await waitForExit(timeoutMs);
      } catch (e) {
        kill('SIGKILL');
        await waitForExit(5_000).catch(() => {});
        throw e;
      }
    },
  };
}

async function waitUntilReady(e: SpawnedEngine, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (e.proc.exitCode !== null || e.proc.signalCode !== null) {
      throw new Error(`engine exited (code ${e.proc.exitCode}, signal ${e.proc.signalCode}) before it was ready\n${e.output()}`);
    }
    try {
      const res = await fetch(`${e.base}/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`engine not ready within ${timeoutMs} ms\n${e.output()}`);
}

/** Waits (bounded) until the collected stdout matches. */
export async function waitForOutput(e: SpawnedEngine, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = e.stdout().match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`stdout did not match ${pattern} within ${timeoutMs} ms\n${e.output()}`);
    await sleep(50);
  }
}
