#!/usr/bin/env node
// `npm start` / `npm run worker`: compiles the TypeScript when dist/ is missing or older than the
// sources, then runs the compiled engine (API + workers, or workers only with --worker).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const stamp = 'dist/.build-stamp';
const newest = (dir) => {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};
const sources = Math.max(newest('src'), newest('migrations'), newest('plugins'), statSync('package.json').mtimeMs);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  console.log('building (tsc)...');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(stamp)}, String(Date.now()))`]);
}
const entry = process.argv.includes('--worker') ? 'dist/src/worker.js' : 'dist/src/main.js';
const child = spawn(process.execPath, ['--enable-source-maps', entry], { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
