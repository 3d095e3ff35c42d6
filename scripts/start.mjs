#!/usr/bin/env node
// `npm start`, `npm run worker` (--worker) and `npm run migrate` (--migrate): the compiled engine
// (dist/src/main.js, worker.js or migrate.js), run in this very process: no child process, so SIGTERM
// or SIGINT to this process (or to `npm start`, which passes it on) is the engine's own signal
// (src/process.ts stops it gracefully) and nothing is left behind.
// Outside production, dist/ is compiled first when it is missing or older than the sources (the quick
// start: `npm install && npm start`). With NODE_ENV=production nothing is compiled (the TypeScript
// compiler is a dev dependency): a missing or stale dist/ ends the start with one line naming the fix.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, distState, root, TSC } from './build.mjs';

const entry = process.argv.includes('--migrate') ? 'dist/src/migrate.js' : process.argv.includes('--worker') ? 'dist/src/worker.js' : 'dist/src/main.js';
const state = distState(entry);
if (state !== 'current') {
  const what = state === 'missing' ? 'dist/ is missing' : 'dist/ is older than the sources';
  if (process.env.NODE_ENV === 'production') {
    console.error(`Ordo cannot start: ${what} and NODE_ENV=production does not compile: run \`npm run build\` first.`);
    process.exit(1);
  }
  if (!existsSync(join(root, TSC))) {
    console.error(`Ordo cannot start: ${what} and the TypeScript compiler is not installed: run \`npm install\` (with dev dependencies), then \`npm run build\`.`);
    process.exit(1);
  }
  console.log('building (tsc)...');
  const code = await build();
  if (code !== 0) process.exit(code);
}
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(root, entry)).href);
