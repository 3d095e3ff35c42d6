// A migration that rebuilds a table SQLite cannot alter in place (the channel table, for the
// PER_SHIPMENT capture policy) keeps what refers to it: a database at the migration before it, with a
// channel and an order of that channel, migrates to the newest schema with both rows intact, every
// foreign key satisfied, and the new policy accepted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Em } from '../../src/kernel/db/orm.js';
import { createLogger } from '../../src/kernel/logger.js';
import { sqlite } from '../../migrations/sqlite/index.js';

const REBUILD = 'Migration20261130111727_per_shipment_capture';

describe('the channel rebuild on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps channels and the orders that refer to them', async () => {
    const config = loadConfig({ ORDO_DATA_DIR: dir, NODE_ENV: 'test' });
    const orm = await openDatabase(config, { entities: [], migrations: sqlite, log: createLogger('warn') });
    try {
      const migrator = orm.getMigrator();
      const before = sqlite[sqlite.findIndex((m) => m.name === REBUILD) - 1].name;
      await migrator.up({ to: before });
      const em = orm.em.fork() as Em;
      await em.execute(`INSERT INTO channel (id, code, name, kind, currency_code, capture_policy, created_at) VALUES ('ch_1', 'web', 'Web', 'WEB_STORE', 'EUR', 'ON_PLACEMENT', '2026-11-30T00:00:00.000Z')`);
      await em.execute(`INSERT INTO orders (id, number, status, payment_status, channel_id, email, currency_code, subtotal, shipping_total, tax_total, total, discount_total, tax_basis_points,
        ship_name, ship_line1, ship_city, ship_postal_code, ship_country_code, placed_at, updated_at, version, access_token_hash)
        VALUES ('ord_1', '1001', 'CONFIRMED', 'AUTHORIZED', 'ch_1', 'a@example.com', 'EUR', 1000, 0, 190, 1190, 0, 1900, 'A', 'B', 'C', '10115', 'DE', '2026-11-30T00:00:00.000Z', '2026-11-30T00:00:00.000Z', 1, 'h')`);

      await migrator.up();
      expect((await migrator.getPendingMigrations()).length).toBe(0);
      expect(await em.execute('SELECT id, code, capture_policy FROM channel')).toEqual([{ id: 'ch_1', code: 'web', capture_policy: 'ON_PLACEMENT' }]);
      expect(await em.execute('SELECT id, channel_id FROM orders')).toEqual([{ id: 'ord_1', channel_id: 'ch_1' }]);
      expect(await em.execute('PRAGMA foreign_key_check')).toEqual([]);
      await em.execute(`UPDATE channel SET capture_policy = 'PER_SHIPMENT' WHERE id = 'ch_1'`);
      await expect(em.execute(`UPDATE channel SET capture_policy = 'WHENEVER' WHERE id = 'ch_1'`)).rejects.toThrow(/CHECK constraint/);
      // The channel is still the parent of its orders: it cannot go while they are there.
      await expect(em.execute(`DELETE FROM channel WHERE id = 'ch_1'`)).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await orm.close();
    }
  });
});
