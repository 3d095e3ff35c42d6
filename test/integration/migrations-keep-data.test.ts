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
const PICKUP_REBUILD = 'Migration20261201035655_sourcing_pickup_holds';

describe('table rebuilds on SQLite', () => {
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

  it('keeps shipments, their lines and tracking events through the shipment rebuild (READY_FOR_PICKUP)', async () => {
    const config = loadConfig({ ORDO_DATA_DIR: join(dir, 'pickup'), NODE_ENV: 'test' });
    const orm = await openDatabase(config, { entities: [], migrations: sqlite, log: createLogger('warn') });
    try {
      const migrator = orm.getMigrator();
      await migrator.up({ to: sqlite[sqlite.findIndex((m) => m.name === PICKUP_REBUILD) - 1].name });
      const em = orm.em.fork() as Em;
      const at = `'2026-11-30T00:00:00.000Z'`;
      await em.execute(`INSERT INTO channel (id, code, name, kind, currency_code, capture_policy, created_at) VALUES ('ch_1', 'web', 'Web', 'WEB_STORE', 'EUR', 'ON_PLACEMENT', ${at})`);
      await em.execute(`INSERT INTO orders (id, number, status, payment_status, channel_id, email, currency_code, subtotal, shipping_total, tax_total, total, discount_total, tax_basis_points,
        ship_name, ship_line1, ship_city, ship_postal_code, ship_country_code, placed_at, updated_at, version, access_token_hash)
        VALUES ('ord_1', '1001', 'SHIPPED', 'AUTHORIZED', 'ch_1', 'a@example.com', 'EUR', 1000, 0, 190, 1190, 0, 1900, 'A', 'B', 'C', '10115', 'DE', ${at}, ${at}, 1, 'h')`);
      await em.execute(`INSERT INTO order_line (id, order_id, sku, name, quantity, unit_price, tax_total, line_total, quantity_shipped, allocations) VALUES ('oln_1', 'ord_1', 'S', 'S', 1, 1000, 190, 1190, 1, '[]')`);
      await em.execute(`INSERT INTO stock_location (id, code, name, kind, country_code) VALUES ('loc_1', 'wh', 'WH', 'WAREHOUSE', 'DE')`);
      await em.execute(`INSERT INTO shipment (id, order_id, location_id, status, created_at, status_changed_at, tracking_number) VALUES ('shp_1', 'ord_1', 'loc_1', 'SHIPPED', ${at}, ${at}, 'TRK1')`);
      await em.execute(`INSERT INTO shipment_line (id, shipment_id, order_line_id, quantity) VALUES ('shl_1', 'shp_1', 'oln_1', 1)`);
      await em.execute(`INSERT INTO tracking_event (id, shipment_id, status, at, recorded_at) VALUES ('trk_1', 'shp_1', 'SHIPPED', ${at}, ${at})`);

      await migrator.up();
      expect((await migrator.getPendingMigrations()).length).toBe(0);
      expect(await em.execute('SELECT id, order_id, status, tracking_number FROM shipment')).toEqual([{ id: 'shp_1', order_id: 'ord_1', status: 'SHIPPED', tracking_number: 'TRK1' }]);
      expect(await em.execute('SELECT id, shipment_id FROM shipment_line')).toEqual([{ id: 'shl_1', shipment_id: 'shp_1' }]);
      expect(await em.execute('SELECT id, shipment_id FROM tracking_event')).toEqual([{ id: 'trk_1', shipment_id: 'shp_1' }]);
      expect(await em.execute('PRAGMA foreign_key_check')).toEqual([]);
      await em.execute(`UPDATE shipment SET status = 'READY_FOR_PICKUP' WHERE id = 'shp_1'`);
      await expect(em.execute(`UPDATE shipment SET status = 'LOST' WHERE id = 'shp_1'`)).rejects.toThrow(/CHECK constraint/);
      // Still the parent of its lines and events.
      await expect(em.execute(`DELETE FROM shipment WHERE id = 'shp_1'`)).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await orm.close();
    }
  });
});
