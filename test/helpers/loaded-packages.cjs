// Preloaded into a spawned engine (NODE_OPTIONS=--require): when the process exits, writes the npm
// packages whose code it loaded (a package.json read for its version does not count) to the file named by
// ORDO_TEST_LOADED_FILE, as a JSON array. test/e2e/lazy-libraries.test.ts reads it.
const { writeFileSync } = require('node:fs');

process.once('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(file);
    if (m && !m[2].endsWith('package.json')) packages.add(m[1]);
  }
  writeFileSync(process.env.ORDO_TEST_LOADED_FILE, JSON.stringify([...packages].sort()));
});
