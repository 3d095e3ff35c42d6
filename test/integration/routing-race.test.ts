// Routing one order from several calls at the same moment (the routing job, a replay of it, the
// sweeper's re-add), on both databases, before any shipment exists: exactly one call creates the
// shipments, the others find them and create nothing. On PostgreSQL the calls are held at the order's
// row lock, so they are provably inside route() together: the express walk's batch (one transaction for
// the three calls, fulfillment/express-walk.ts) waits there, then finds the order is not its case
// (staffed locations) and lets the three race to the ORM's routing at the same moment. On SQLite the engine's single connection runs their transactions one after
// another (they still start together).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { RoutingService } from '../../src/fulfillment/routing.js';

const CALLS = 3;

describe.each(DB_KINDS)('routing one order from several calls at once on %s', (kind: DbKind) => {
  let t: TestEngine;
  beforeAll(async () => {
    // No workers: the order's own routing job never runs, the test's calls are the only routing.
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [{ sku: 'SPLIT', price: 300, stock: { 'wh-a': 2, 'wh-b': 3 } }, { sku: 'MAN', price: 700, stock: { 'wh-a': 20 } }],
    });
  });
  afterAll(async () => t?.stop());

  it('one call creates the shipments (one per location), the others create nothing', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SPLIT', quantity: 5 }, { sku: 'MAN', quantity: 1 }]) })).placeOrder.order;
    expect(placed.status).toBe('CONFIRMED');
    expect(await t.sql('SELECT id FROM shipment WHERE order_id = ?', [placed.id])).toEqual([]);
    const routing = t.engine.app.service(RoutingService);

    // PostgreSQL: the test holds the order's row lock, so that every call stops at it.
    const barrier = kind === 'postgresql' ? new pg.Client({ connectionString: t.env.DATABASE_URL }) : null;
    const watcher = kind === 'postgresql' ? new pg.Client({ connectionString: t.env.DATABASE_URL }) : null;
    if (barrier && watcher) {
      await Promise.all([barrier.connect(), watcher.connect()]);
      await barrier.query('BEGIN');
      await barrier.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [placed.id]);
    }
    try {
      const spans: { start: number; end?: number }[] = [];
      const calls = Array.from({ length: CALLS }, () => {
        const span: { start: number; end?: number } = { start: performance.now() };
        spans.push(span);
        return routing.route(t.em(), placed.id).finally(() => (span.end = performance.now()));
      });
      if (barrier && watcher) {
        // All of them inside route(), the express batch waiting for the order's lock on their behalf.
        const waiting = async () => Number((await watcher.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n);
        await until(waiting, (n) => n >= 1, 10_000);
        await barrier.query('COMMIT');
      }
      const results = await Promise.all(calls);
      expect(Math.max(...spans.map((s) => s.start))).toBeLessThan(Math.min(...spans.map((s) => s.end!)));

      // Exactly one winner, with both locations' shipments; the others saw them and did nothing.
      const winners = results.filter((r) => r.length > 0);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toHaveLength(2);
      expect(results.filter((r) => r.length === 0)).toHaveLength(CALLS - 1);
      const shipments = await t.sql('SELECT s.id, l.code, s.wave FROM shipment s JOIN stock_location l ON l.id = s.location_id WHERE s.order_id = ? ORDER BY l.code', [placed.id]);
      expect(shipments.map((s: any) => [s.code, Number(s.wave)])).toEqual([['wh-a', 1], ['wh-b', 1]]);
      expect(shipments.map((s: any) => s.id).sort()).toEqual([...winners[0]].sort());
      const units = await t.sql('SELECT COALESCE(SUM(sl.quantity), 0) AS n FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id WHERE s.order_id = ?', [placed.id]);
      expect(Number(units[0].n)).toBe(6);
      const created = await t.sql("SELECT COUNT(*) AS n FROM outbox_event WHERE type = 'shipment.created' AND aggregate_id = ?", [placed.id]);
      expect(Number(created[0].n)).toBe(2);
      const history = await t.sql("SELECT COUNT(*) AS n FROM order_history_entry WHERE order_id = ? AND type = 'SHIPMENT_CREATED'", [placed.id]);
      expect(Number(history[0].n)).toBe(2);
    } finally {
      await barrier?.query('ROLLBACK').catch(() => {});
      await Promise.all([barrier?.end(), watcher?.end()]);
    }
  });
});
