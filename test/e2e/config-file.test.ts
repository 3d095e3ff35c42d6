// The compiled server (`node dist/src/main.js`, like `npm start`) and worker started with ORDO_CONFIG: a
// config file that enables the compiled fraud-screen plugin with its options holds a big order placed
// over HTTP; a bad config file stops the start with exit code 78 and a message naming the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEngine } from '../helpers/spawn.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput } from '../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dist = (p: string) => JSON.stringify(pathToFileURL(resolve(ROOT, 'dist', p)).href);
const dir = mkdtempSync(join(tmpdir(), 'ordo-e2e-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, source: string): string {
  const p = join(dir, name);
  writeFileSync(p, source);
  return p;
}

/** A fresh SQLite folder with the demo shop; no stray config from the checkout. */
const envWith = (config: string) => ({
  ORDO_CONFIG: config, ORDO_DATA_DIR: mkdtempSync(join(dir, 'data-')), NODE_ENV: 'development', LOG_LEVEL: 'info', ADMIN_API_KEY: undefined, DATABASE_URL: undefined,
});

describe('compiled server with an ordo.config file', () => {
  it('enables the compiled fraud-screen plugin with its options: an order above maxTotal is ON_HOLD', async () => {
    const config = configFile('ordo.config.mjs', `
import { fraudScreen } from ${dist('plugins/fraud-screen/index.js')};
export default { plugins: [fraudScreen({ maxTotal: 20_000 })], settings: { ORDO_RETURN_WINDOW_DAYS: 14 } };
`);
    const server = await spawnEngine(envWith(config));
    try {
      const read = server.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'configuration file read');
      expect(read, server.output()).toMatchObject({ file: config, plugins: ['fraud-screen'] });
      // The demo shop: SHOE-TR-42 is 89.99 EUR; one pair (with shipping and tax) stays under 200.00, three go above it.
      const small = ok(await gqlAt(server.url, PLACE_ORDER, { input: orderInput([{ sku: 'SHOE-TR-42', quantity: 1 }], { email: 'small@example.com' }) })).placeOrder.order;
      expect(small.total).toBeLessThanOrEqual(20_000);
      expect(small.status).toBe('CONFIRMED');
      const big = ok(await gqlAt(server.url, PLACE_ORDER, { input: orderInput([{ sku: 'SHOE-TR-42', quantity: 3 }], { email: 'big@example.com' }) })).placeOrder.order;
      expect(big.total).toBeGreaterThan(20_000);
      expect(big.status).toBe('ON_HOLD');
      expect(big.history.find((h: any) => h.toStatus === 'ON_HOLD')?.message).toMatch(/fraud-screen rule max-total: total \d+ EUR is above 20000/);
    } finally {
      await server.stop();
    }
  });

  const refused = async (config: string, entry?: string) => {
    const p = await spawnEngine(envWith(config), { waitForReady: false, entry });
    const exit = await p.waitForExit(30_000);
    expect(exit.code, p.output()).toBe(78);
    return p.stderr();
  };

  it('refuses a config whose plugins is not an array, naming the key (API and worker alike)', async () => {
    const config = configFile('bad-plugins.mjs', `export default { plugins: 'x' };\n`);
    expect(await refused(config)).toContain('Ordo cannot start: ordo.config: plugins must be an array of plugins');
    expect(await refused(config, 'dist/src/worker.js')).toContain('Ordo cannot start: ordo.config: plugins must be an array of plugins');
  });

  it('refuses an unknown settings key in an ordo.config.ts (transpiled by the compiled engine)', async () => {
    const config = configFile('ordo.config.ts', `
const days: number = 14;
export default { settings: { ORDO_RETURN_WINDOW: days } };
`);
    expect(await refused(config)).toContain('Ordo cannot start: ordo.config: settings.ORDO_RETURN_WINDOW is not a setting Ordo knows');
  });

  it('refuses a plugin whose dependency is not enabled, naming both', async () => {
    const config = configFile('missing-dependency.mjs', `export default { plugins: [{ name: 'loyalty-tiers', dependsOn: ['loyalty'] }] };\n`);
    expect(await refused(config)).toContain('Ordo cannot start: module "loyalty-tiers" depends on "loyalty", which is not enabled');
  });

  it('refuses a provider without the methods of its interface', async () => {
    const config = configFile('bad-provider.mjs', `export default { providers: { payment: [{ code: 'acme-pay', capture() {}, void() {}, refund() {} }] } };\n`);
    expect(await refused(config)).toContain('Ordo cannot start: ordo.config: providers.payment[0] has no authorize function');
  });
});
