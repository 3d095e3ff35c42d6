import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { knownSettingNames, loadConfigFile, resolveStartup, validateConfigFile } from '../../src/config-file.js';
import { pluginImport } from '../helpers/engine.js';
import { checkProviders, providerKindsOf } from '../../src/kernel/providers.js';
import { coreModules } from '../../src/modules.js';

const dir = mkdtempSync(join(tmpdir(), 'ordo-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('ordo.config file', () => {
  it('is optional', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    expect(await loadConfigFile({}, empty)).toEqual({ path: null, plugins: [], providers: {}, settings: {} });
  });

  it('loads plugins and settings from ordo.config.js in the folder; the environment overrides settings', async () => {
    const root = mkdtempSync(join(dir, 'root-'));
    writeFileSync(join(root, 'ordo.config.js'), `export default { plugins: [{ name: 'temp-plugin', on: {} }], settings: { PORT: 4321, ORDO_INVOICE_ON: 'shipment' } };\n`);
    const file = await loadConfigFile({}, root);
    expect(file.path).toBe(join(root, 'ordo.config.js'));
    expect(file.plugins.map((p) => p.name)).toEqual(['temp-plugin']);
    expect(file.settings).toEqual({ PORT: '4321', ORDO_INVOICE_ON: 'shipment' });
    const config = loadConfig({ ...file.settings, PORT: '4999' });
    expect(config.port).toBe(4999);
    expect(config.invoiceOn).toBe('shipment');
  });

  it('reads the file ORDO_CONFIG names, and says when it is missing', async () => {
    const p = write('custom.mjs', `export default { plugins: [] };\n`);
    expect((await loadConfigFile({ ORDO_CONFIG: p }, dir)).path).toBe(p);
    await expect(loadConfigFile({ ORDO_CONFIG: join(dir, 'nope.js') }, dir)).rejects.toThrow(/ORDO_CONFIG=.*no such file/);
  });

  it('fails with a message naming the key and what is wrong', async () => {
    const bad = write('bad.mjs', `export default { plugins: [{ name: 'ok-one' }, 42] };\n`);
    await expect(loadConfigFile({ ORDO_CONFIG: bad }, dir)).rejects.toThrow('ordo.config: plugins[1] is not a plugin (use definePlugin)');
    await expect(loadConfigFile({ ORDO_CONFIG: bad }, dir)).rejects.toBeInstanceOf(ConfigError);
    expect(() => validateConfigFile({ plugin: [] })).toThrow('unknown key "plugin"');
    expect(() => validateConfigFile({ plugins: {} })).toThrow('plugins must be an array');
    expect(() => validateConfigFile({ plugins: [{ name: 'Bad Name' }] })).toThrow('plugins[0] has the name "Bad Name"');
    expect(() => validateConfigFile({ plugins: [{ name: 'a' }, { name: 'a' }] })).toThrow('plugins[1] "a" is listed twice');
    expect(() => validateConfigFile({ settings: { port: 1 } })).toThrow('settings.port is not a setting name');
    expect(() => validateConfigFile({ settings: { PORT: {} } })).toThrow('settings.PORT must be a string, number or boolean');
    expect(() => validateConfigFile({ settings: { ORDO_RETURN_WINDOW: 14 } })).toThrow('ordo.config: settings.ORDO_RETURN_WINDOW is not a setting Ordo knows');
    expect(() => validateConfigFile({ settings: { ORDO_CONFIG: 'x.js' } })).toThrow('settings.ORDO_CONFIG is not a setting Ordo knows');
    expect(() => validateConfigFile(null)).toThrow(/export default/);
    const broken = write('broken.mjs', `export default {;\n`);
    await expect(loadConfigFile({ ORDO_CONFIG: broken }, dir)).rejects.toThrow(/could not be loaded/);
  });

  it('knows the settings src/config.ts reads, policies included', () => {
    const known = knownSettingNames();
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'ORDO_CAPTURE_ATTEMPTS', 'ORDO_CAPTURE_BACKOFF_MS', 'ORDO_INVOICE_ON', 'ORDO_RETURN_WINDOW_DAYS',
      'ORDO_UNPAID_ORDER_TTL_MS', 'ORDO_STUCK_SHIPMENT_MS', 'ORDO_HOUSEKEEPING_EVERY_MS', 'ORDO_DISABLE_WORKERS', 'LOG_LEVEL']) {
      expect(known, name).toContain(name);
    }
    expect(known).not.toContain('ORDO_CONFIG');
    expect(validateConfigFile({ settings: { ORDO_RETURN_WINDOW_DAYS: 14, ORDO_HOUSEKEEPING_EVERY_MS: 60_000 } }).settings).toEqual({ ORDO_RETURN_WINDOW_DAYS: '14', ORDO_HOUSEKEEPING_EVERY_MS: '60000' });
  });

  it('resolveStartup: the file settings are defaults, the environment wins', async () => {
    const p = write('startup.mjs', `export default { settings: { ORDO_RETURN_WINDOW_DAYS: 14, ORDO_CAPTURE_ATTEMPTS: 2 } };\n`);
    const s = await resolveStartup({ ORDO_CONFIG: p, ORDO_CAPTURE_ATTEMPTS: '7' }, 'worker', dir);
    expect(s.path).toBe(p);
    expect(s.config.returnWindowDays).toBe(14);
    expect(s.config.captureAttempts).toBe(7);
    expect(s.config.runApi).toBe(false);
  });

  it('loads ordo.config.ts: transpiled next to the file (relative imports resolve), the temp file removed', async () => {
    const root = mkdtempSync(join(dir, 'ts-'));
    writeFileSync(join(root, 'options.mjs'), `export const windowDays = 21;\n`);
    writeFileSync(join(root, 'ordo.config.ts'), [
      `import type { OrdoFileConfig } from ${JSON.stringify(pluginImport('src/config-file.ts'))};`,
      `import { windowDays } from './options.mjs';`,
      `interface Local { days: number }`,
      `const local: Local = { days: windowDays };`,
      `const config: OrdoFileConfig = { plugins: [{ name: 'ts-plugin' }], settings: { ORDO_RETURN_WINDOW_DAYS: local.days } };`,
      `export default config;`,
    ].join('\n'));
    const file = await loadConfigFile({}, root);
    expect(file.path).toBe(join(root, 'ordo.config.ts'));
    expect(file.plugins.map((p) => p.name)).toEqual(['ts-plugin']);
    expect(file.settings).toEqual({ ORDO_RETURN_WINDOW_DAYS: '21' });
    expect(readdirSync(root).sort()).toEqual(['options.mjs', 'ordo.config.ts']);
  });

  it('a .ts config with a syntax error, or one that throws, is a ConfigError naming the file (no temp file left)', async () => {
    const root = mkdtempSync(join(dir, 'ts-bad-'));
    const bad = join(root, 'ordo.config.ts');
    writeFileSync(bad, `const x: number = ;\nexport default {};\n`);
    const err = await loadConfigFile({}, root).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`ordo.config: ${bad} has a syntax error (line 1, column 19)`);
    writeFileSync(bad, `throw new Error('boom');\nexport default {};\n`);
    await expect(loadConfigFile({}, root)).rejects.toThrow(`ordo.config: ${bad} could not be loaded: boom`);
    expect(readdirSync(root)).toEqual(['ordo.config.ts']);
  });

  it('checks providers against the kinds the modules declare: each has a code and the methods of its interface', () => {
    const kinds = providerKindsOf(coreModules);
    expect(kinds.map((k) => k.key).sort()).toEqual(['carrier', 'channelConnector', 'documentStore', 'email', 'payment', 'sms', 'sourcingStrategy']);
    const check = (providers: unknown) => checkProviders(validateConfigFile({ providers }).providers, 'ordo.config: providers', kinds);
    const pay = { code: 'acme-pay', authorize() {}, capture() {}, void() {}, refund() {} };
    const carrier = { code: 'acme-post', createLabel() {}, cancelLabel() {}, parseWebhook() {} };
    const sms = { code: 'acme-sms', send() {} };
    const store = { put() {}, get() {} };
    const ok = check({ payment: [pay], carrier: [carrier], sms, email: { ...sms, code: 'acme-mail' }, documentStore: store });
    expect(ok.payment).toEqual([pay]);
    expect(ok.documentStore).toBe(store);
    const { authorize: _a, ...noAuthorize } = pay;
    expect(() => check({ payment: [noAuthorize] })).toThrow('ordo.config: providers.payment[0] has no authorize function');
    expect(() => check({ payment: [{ ...pay, code: 7 }] })).toThrow('ordo.config: providers.payment[0] has no code string');
    expect(() => check({ payment: [pay, pay] })).toThrow('providers.payment[1] has the code "acme-pay" of ordo.config: providers.payment[0]');
    expect(() => check({ payment: pay })).toThrow('ordo.config: providers.payment must be an array');
    expect(() => check({ sourcingStrategy: [{ code: 'stores-first' }] })).toThrow('ordo.config: providers.sourcingStrategy[0] has no plan function');
    expect(() => check({ carrier: [{ ...carrier, code: 'Acme Post' }] })).toThrow('providers.carrier[0] has the code "Acme Post": use lower-case kebab');
    expect(() => check({ carrier: [{ ...carrier, parseWebhook: 1 }] })).toThrow('ordo.config: providers.carrier[0] has no parseWebhook function');
    expect(() => check({ sms: { send() {} } })).toThrow('ordo.config: providers.sms has no code string');
    expect(() => check({ documentStore: { put() {} } })).toThrow('ordo.config: providers.documentStore has no get function');
    expect(() => check({ payments: [] })).toThrow('ordo.config: providers.payments is not a kind of provider');
    expect(() => check([])).toThrow('ordo.config: providers must be an object');
  });

  it('accepts the plugin fields pricing and providers; the engine checks the providers, naming the plugin', () => {
    const plugin = { name: 'p', pricing: [{ name: 'x' }], providers: { sms: { code: 'p-sms', send() {} } } };
    expect(validateConfigFile({ plugins: [plugin] }).plugins).toEqual([plugin]);
    expect(() => validateConfigFile({ plugins: [{ name: 'p', pricing: {} }] })).toThrow('ordo.config: plugins[0].pricing must be an array');
    expect(() => validateConfigFile({ plugins: [{ name: 'p', providers: [] }] })).toThrow('ordo.config: plugins[0].providers must be an object');
    expect(() => checkProviders({ sms: {} }, 'module p: providers', providerKindsOf(coreModules))).toThrow('module p: providers.sms has no code string');
  });
});
