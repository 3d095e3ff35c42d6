// The metrics and worker-port settings: unset by default, checked at start with a message that says what to fix.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('metrics settings', () => {
  it('serves nothing extra by default', () => {
    const c = loadConfig({});
    expect([c.metricsToken, c.metricsPort, c.workerPort, c.metricsHost]).toEqual([undefined, undefined, undefined, '127.0.0.1']);
  });

  it('reads the token, the ports and the metrics host', () => {
    const c = loadConfig({ ORDO_METRICS_TOKEN: 'a-long-enough-token', ORDO_METRICS_PORT: '9464', ORDO_METRICS_HOST: '0.0.0.0', ORDO_WORKER_PORT: '9465' }, 'worker');
    expect([c.metricsToken, c.metricsPort, c.metricsHost, c.workerPort]).toEqual(['a-long-enough-token', 9464, '0.0.0.0', 9465]);
  });

  it('refuses a short token and a port that is not one', () => {
    expect(() => loadConfig({ ORDO_METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ ORDO_METRICS_TOKEN: 'short' })).toThrow(/ORDO_METRICS_TOKEN is too short/);
    expect(() => loadConfig({ ORDO_WORKER_PORT: 'eighty' })).toThrow(/ORDO_WORKER_PORT=eighty is not valid/);
    expect(() => loadConfig({ ORDO_METRICS_PORT: '70000' })).toThrow(/ORDO_METRICS_PORT=70000 is not valid/);
  });
});
