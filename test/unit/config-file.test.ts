import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadConfigFile, validateConfigFile } from '../../src/config-file.js';

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
    expect(await loadConfigFile({}, empty)).toEqual({ path: null, plugins: [], settings: {} });
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
    expect(() => validateConfigFile(null)).toThrow(/export default/);
    const broken = write('broken.mjs', `export default {;\n`);
    await expect(loadConfigFile({ ORDO_CONFIG: broken }, dir)).rejects.toThrow(/could not be loaded/);
  });
});
