// ORDO_MIGRATE_ON_START: on outside production, off in production (migrations are a deploy step there:
// `npm run migrate`, docs/deploy.md); either way overridable, and known to the config file's settings.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { knownSettingNames } from '../../src/config-file.js';

const PROD = { NODE_ENV: 'production', ADMIN_API_KEY: 'a-long-enough-admin-key' };

describe('ORDO_MIGRATE_ON_START', () => {
  it('defaults to true unless NODE_ENV=production', () => {
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).migrateOnStart).toBe(true);
    expect(loadConfig(PROD).migrateOnStart).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }, 'worker').migrateOnStart).toBe(false);
  });

  it('is overridden either way, and a bad value says what to write', () => {
    expect(loadConfig({ ...PROD, ORDO_MIGRATE_ON_START: 'true' }).migrateOnStart).toBe(true);
    expect(loadConfig({ ORDO_MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
    expect(() => loadConfig({ ORDO_MIGRATE_ON_START: 'later' })).toThrow(ConfigError);
    expect(() => loadConfig({ ORDO_MIGRATE_ON_START: 'later' })).toThrow(/ORDO_MIGRATE_ON_START=later is not valid: use true or false/);
    expect(knownSettingNames()).toContain('ORDO_MIGRATE_ON_START');
  });
});
