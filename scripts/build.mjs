#!/usr/bin/env node
// `npm run build`: compiles src/, migrations/ and plugins/ into dist/ (tsc -p tsconfig.build.json) and
// stamps the build (dist/.build-stamp), so that `npm start` tells a current dist/ from a missing or stale
// one by comparing modification times (scripts/start.mjs). Paths are taken from this file's folder.
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
 * Compiles, then stamps the build with the time it started (a source saved during the compile counts as
 * newer). Resolves with tsc's exit code. SIGTERM or SIGINT meanwhile stops tsc too and exits: no compiler
 * is left running behind a stopped `npm start`.
 */
export function build() {
  const started = new Date();
  const tsc = spawn(process.execPath, [at(TSC), '-p', at('tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  const onSignal = (signal) => {
    tsc.kill(signal);
    tsc.once('exit', () => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return new Promise((resolve) => {
    tsc.once('exit', (code) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      if (code === 0) {
        writeFileSync(at(STAMP), String(started.getTime()));
        utimesSync(at(STAMP), started, started);
      }
      resolve(code ?? 1);
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await build();
}
