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
    reporters: ['default'],
  },
});
