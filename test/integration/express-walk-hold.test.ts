// The express walk (fulfillment/express-walk.ts) when the order moves between its two transactions: the
// order is put on hold while the carrier issues the label. The handover must write nothing, the ORM's walk
// takes over (and finds the order on hold), the unused label is cancelled at the carrier, and once the
// hold is released the order ships once, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';
import { CarrierService } from '../../src/fulfillment/carriers/carrier.service.js';
import { SimCarrier } from '../../src/fulfillment/carriers/sim-carrier.js';
import type { LabelRequest } from '../../src/fulfillment/carriers/carrier.js';

describe.each(DB_KINDS)('an order held between the express walk\'s transactions on %s', (kind: DbKind) => {
  let t: TestEngine;
  const cancelled: string[] = [];
  /** Set: the next label's order is held while the carrier issues it. */
  let holdNext = false;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    const sim = new SimCarrier();
    t.engine.app.service(CarrierService).register(Object.assign(Object.create(sim), {
      // Staff hold the order while the carrier is issuing its label (after the first transaction).
      createLabel: async (req: LabelRequest) => {
        if (holdNext) {
          holdNext = false;
          const [o] = await t.sql('SELECT id FROM orders WHERE number = ?', [req.orderNumber]);
          ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "address check") { status } }`, { id: o.id }));
        }
        return sim.createLabel(req);
      },
      cancelLabel: async (trackingNumber: string) => { cancelled.push(trackingNumber); },
    }));
    await setupShop(t, { locations: [{ code: 'auto', priority: 5, autoFulfill: true }], variants: [{ sku: 'TEA', price: 900, stock: { auto: 10 } }] });
  }, 60_000);
  afterAll(async () => t?.stop());

  it('writes nothing of the handover, cancels the unused label, and ships once after the release', async () => {
    holdNext = true;
    const order = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'TEA', quantity: 3 }]) })).placeOrder.order;
    await settled(t);
    expect(holdNext).toBe(false);

    const [held] = await t.sql('SELECT status FROM orders WHERE id = ?', [order.id]);
    expect(held.status).toBe('ON_HOLD');
    const [s] = await t.sql('SELECT id, status, tracking_number, shipped_at FROM shipment WHERE order_id = ?', [order.id]);
    expect([s.status, s.tracking_number, s.shipped_at]).toEqual(['PACKED', null, null]);
    const level = async () => (await t.sql("SELECT on_hand, reserved FROM stock_level WHERE sku = 'TEA'")).map((r: any) => [Number(r.on_hand), Number(r.reserved)])[0];
    expect(await level()).toEqual([10, 3]);
    expect(await t.sql("SELECT id FROM stock_movement WHERE order_id = ? AND reason = 'SHIPPED'", [order.id])).toEqual([]);
    expect(cancelled).toHaveLength(1);

    ok(await t.admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: order.id }));
    await until(async () => (await t.sql('SELECT status FROM orders WHERE id = ?', [order.id]))[0].status, (st) => st === 'SHIPPED');
    await settled(t);
    expect(await level()).toEqual([7, 0]);
    const moves = await t.sql("SELECT delta FROM stock_movement WHERE order_id = ? AND reason = 'SHIPPED'", [order.id]);
    expect(moves.map((m: any) => Number(m.delta))).toEqual([-3]);
    const [after] = await t.sql('SELECT status, tracking_number FROM shipment WHERE order_id = ?', [order.id]);
    expect(after.status).toBe('SHIPPED');
    expect(after.tracking_number).toMatch(/^SIM\d{12}$/);
    const history = await t.sql("SELECT type, to_status FROM order_history_entry WHERE order_id = ? AND type IN ('STATUS_CHANGED', 'SHIPMENT_SHIPPED') ORDER BY id", [order.id]);
    expect(history.map((h: any) => h.to_status ?? h.type)).toEqual(['CONFIRMED', 'IN_FULFILLMENT', 'ON_HOLD', 'IN_FULFILLMENT', 'SHIPMENT_SHIPPED', 'SHIPPED']);
  });
});
