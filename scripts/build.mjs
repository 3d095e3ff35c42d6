#!/usr/bin/env node
// `npm run build`: compiles src/, migrations/ and plugins/ into dist/ (tsc -p tsconfig.build.json), builds
// the console plugin's page (plugins/console/app, Vite) and stamps the build (dist/.build-stamp), so that
// `npm start` tells a current dist/ from a missing or stale one by comparing modification times
// (scripts/start.mjs). Paths are taken from this file's folder.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p) => join(root, p);
const STAMP = 'dist/.build-stamp';
export const TSC = 'node_modules/typescript/bin/tsc';

/** Newest modification time of the compiled sources (test files left out), in ms; 0 when none is there. */
function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.endsWith('.test.ts')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function sourcesNewest() {
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json'].map(at).filter((f) => existsSync(f));
  return Math.max(newest(at('src')), newest(at('migrations')), newest(at('plugins')), ...files.map((f) => statSync(f).mtimeMs));
}

/** 'missing' (nothing built, or built without the stamp), 'stale' (a source is newer than the build) or 'current'. */
export function distState(entry = 'dist/src/main.js') {
  if (!existsSync(at(entry)) || !existsSync(at(STAMP))) return 'missing';
  return statSync(at(STAMP)).mtimeMs < sourcesNewest() ? 'stale' : 'current';
}

/**
 * Compiles the engine, then type-checks and bundles the console plugin's page (Vite: plugins/console/app
 * into dist/plugins/console/public), then stamps the build with the time it started (a source saved
 * during the build counts as newer). Resolves with the first failing step's exit code, or 0. SIGTERM or
 * SIGINT meanwhile stops the running step too and exits: nothing is left running behind a stopped
 * `npm start`.
 */
export async function build() {
  const started = new Date();
  const steps = [
    [at(TSC), '-p', at('tsconfig.build.json')],
    [at(TSC), '-p', at('plugins/console/app/tsconfig.json')],
    [at('node_modules/vite/bin/vite.js'), 'build', '--config', at('plugins/console/app/vite.config.ts')],
  ];
  for (const args of steps) {
    const code = await run(args);
    if (code !== 0) return code;
  }
  writeFileSync(at(STAMP), String(started.getTime()));
  utimesSync(at(STAMP), started, started);
  return 0;
}

/** One build step in its own process; its exit code. */
function run(args) {
  const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root });
  const onSignal = (signal) => {
    child.kill(signal);
    child.once('exit', () => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(code ?? 1);
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await build();
}
