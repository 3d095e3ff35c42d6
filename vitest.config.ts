import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // SWC so that decorator metadata is emitted (type-graphql and MikroORM read it).
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    // One copy of graphql-js: the one Node itself loads for type-graphql and Apollo (the CommonJS
    // entry). Vite would otherwise hand our sources the .mjs copy, and instanceof checks fail.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'plugins/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Test files reuse their worker's loaded modules instead of importing src/ again each (import time
    // went from about 250 s to 27 s of the suite's 2-core budget). Nothing in src/ may keep state at
    // module level that one engine changes and another sees (each engine has its own registries); a
    // file that changes process.env puts it back.
    isolate: false,
    reporters: ['default'],
  },
});
