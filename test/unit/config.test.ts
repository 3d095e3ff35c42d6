import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('defaults to SQLite in ./data, the in-process queue and port 4000', () => {
    const c = loadConfig({});
    expect(c.database.kind).toBe('sqlite');
    expect(c.database.sqlitePath).toMatch(/data\/ordo\.sqlite$/);
    expect(c.redisUrl).toBeUndefined();
    expect(c.port).toBe(4000);
    expect(c.runWorkers).toBe(true);
  });

  it('says what to fix', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT=abc is not valid: give a whole number/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must start with postgres:\/\//);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL must start with redis:\/\//);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/NODE_ENV=production needs ADMIN_API_KEY/);
    expect(() => loadConfig({ ADMIN_API_KEY: 'short' })).toThrow(ConfigError);
  });

  it('runs workers only for the worker role', () => {
    const w = loadConfig({ NODE_ENV: 'production' }, 'worker');
    expect(w.runApi).toBe(false);
    expect(w.runWorkers).toBe(true);
    expect(loadConfig({ ORDO_DISABLE_WORKERS: '1' }).runWorkers).toBe(false);
  });
});
