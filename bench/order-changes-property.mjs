#!/usr/bin/env node
// The order-changes property test (test/integration/order-changes.property.test.ts) with many more
// sequences than `npm test` runs: `node bench/order-changes-property.mjs [runs] [sqlite|postgresql]`
// (default 3000, both databases). A failure prints fast-check's shrunk counterexample and its seed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 3000);
const only = process.argv[3];
const root = fileURLToPath(new URL('..', import.meta.url));
const args = ['vitest', 'run', 'test/integration/order-changes.property.test.ts', ...(only ? ['-t', only] : [])];
const started = Date.now();
const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, ORDO_PROPERTY_RUNS: String(runs) } });
console.log(`${runs} sequences per database${only ? ` (${only})` : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s: ${r.status === 0 ? 'every invariant held' : 'FAILED'}`);
process.exit(r.status ?? 1);
