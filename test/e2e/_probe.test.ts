import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { spawnEngine } from '../helpers/spawn.js';
import { gqlAt } from '../helpers/gql.js';

for (const mode of ['none', 'http', 'ws', 'wsbad', 'order']) {
  it('sigterm ' + mode, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ordo-probe-'));
    const s = await spawnEngine({ ORDO_DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    const key = s.stdout().match(/(ak_\S+)/)![1];
    if (mode === 'http') await gqlAt(s.url, '{ channels { code } }');
    if (mode === 'order') await gqlAt(s.url, `mutation { placeOrder(input: {email: "a@b.de", lines: [{sku: "SOCK-MER-3P", quantity: 1}], shippingAddress: {name: "x", line1: "y", city: "B", postalCode: "10115", countryCode: "DE"}, shippingMethodCode: "standard", payment: {method: "test-card", token: "tok_visa"}}) { accessToken } }`);
    if (mode.startsWith('ws')) {
      const c = createClient({ url: s.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: mode === 'ws' ? `Bearer ${key}` : 'Bearer ak_bad_xxxxxxxxxxxxxxxxxxxxx' } });
      try { for await (const r of c.iterate({ query: '{ channels { code } }' })) void r; } catch {}
      await c.dispose();
    }
    const t = Date.now();
    const exit = await s.stop();
    console.log(mode, exit, Date.now() - t, 'ms');
    if (exit.code !== 0) console.log(s.output().split('\n').slice(-15).join('\n'));
  }, 60000);
}
