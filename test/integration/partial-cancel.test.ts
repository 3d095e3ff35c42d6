// Cancelling part of an order (issue 13, item 2), on both databases: units backordered, reserved, or in a
// PENDING shipment are cancelled with their stock released and the totals, tax and money following (a
// refund of what was captured above the new total, with its credit note; a capture of only the new
// total); an order whose remaining units have all shipped moves on; a shipment cancelled before it leaves
// is re-routed or cancelled with its units; keys make retries harmless; two cancels of the last unit at
// once: one wins. Every test ends with the reconciliation check.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { settled } from '../helpers/settled.js';
import { parseMail } from '../helpers/mail.js';

const ORDER = `query($id: ID!) { order(id: $id) {
  id number status paymentStatus subtotal shippingTotal taxTotal total
  lines { id sku quantity quantityCancelled quantityShipped quantityBackordered taxTotal lineTotal }
  payments { id status amount amountCaptured amountRefunded refunds { amount status } }
  invoices { kind total }
  shipments { id status location { code } lines { quantity orderLine { sku } } }
  history { type message }
} }`;
const CANCEL_LINES = `mutation($orderId: ID!, $lines: [CancelOrderLineInput!]!, $reason: String, $key: String) {
  cancelOrderLines(orderId: $orderId, lines: $lines, reason: $reason, idempotencyKey: $key) { id status total lines { sku quantity quantityCancelled } } }`;
const CANCEL_SHIPMENT = `mutation($id: ID!, $reroute: Boolean, $key: String) { cancelShipment(id: $id, reason: "damaged stock", reroute: $reroute, idempotencyKey: $key) { id status } }`;
const PICK = `mutation($id: ID!) { markShipmentPicked(id: $id) { status } }`;
const PACK = `mutation($id: ID!) { markShipmentPacked(id: $id) { status } }`;
const SHIP = `mutation($id: ID!) { markShipmentShipped(id: $id) { status } }`;
const LEVEL = 'SELECT sl.on_hand, sl.reserved FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?';

describe.each(DB_KINDS)('partial cancellation on %s', (kind: DbKind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
      variants: [
        { sku: 'BO', price: 500, allowBackorder: true, stock: { auto: 1 } },
        { sku: 'MAN', price: 1000, stock: { 'wh-a': 20 } },
        { sku: 'TWO', price: 800, stock: { 'wh-a': 5, 'wh-b': 5 } },
        { sku: 'LAST', price: 300, stock: { 'wh-a': 50 } },
      ],
    });
  }, 60_000);
  afterAll(async () => t?.stop());

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const level = async (sku: string, code: string) => {
    const [row] = await t.sql(LEVEL, [sku, code]);
    return { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
  };
  const place = async (lines: { sku: string; quantity: number }[]) => ok(await t.gql(PLACE_ORDER, { input: orderInput(lines) })).placeOrder;
  const lineOf = (o: any, sku: string) => o.lines.find((l: any) => l.sku === sku);
  /** Placed and routed to a PENDING shipment at a staff location. */
  async function routed(lines: { sku: string; quantity: number }[]) {
    const placed = await place(lines);
    const o = await until(() => order(placed.order.id), (x) => x.shipments.length > 0);
    return { o, accessToken: placed.accessToken as string };
  }

  it('one unit shipped, two backordered: the two are cancelled, the order is SHIPPED, the captured share refunded with a credit note', async () => {
    const placed = await place([{ sku: 'BO', quantity: 3 }]);
    // The one unit in stock ships by itself (autoFulfill) and the payment is captured then, in full.
    const partly = await until(() => order(placed.order.id), (x) => x.status === 'PARTIALLY_SHIPPED' && x.paymentStatus === 'PAID' && x.invoices.length === 1);
    expect(lineOf(partly, 'BO')).toMatchObject({ quantity: 3, quantityShipped: 1, quantityBackordered: 2 });
    const line = lineOf(partly, 'BO');

    const after = ok(await t.admin(CANCEL_LINES, { orderId: partly.id, lines: [{ orderLineId: line.id, quantity: 2 }], reason: 'customer does not want to wait' })).cancelOrderLines;
    expect(after.status).toBe('SHIPPED');
    expect(after.lines).toEqual([{ sku: 'BO', quantity: 1, quantityCancelled: 2 }]);
    // 1 × 5.00 + 4.95 shipping, 19 % tax each: 5.95 + 5.89 = 11.84.
    expect(after.total).toBe(595 + 589);
    const refunded = await until(() => order(partly.id), (x) => x.paymentStatus === 'PARTIALLY_REFUNDED' && x.invoices.length === 2);
    expect(refunded.payments[0]).toMatchObject({ amountCaptured: partly.total, amountRefunded: partly.total - after.total });
    expect(refunded.invoices[1]).toMatchObject({ kind: 'CREDIT_NOTE', total: partly.total - after.total });
    expect(refunded).toMatchObject({ subtotal: 500, shippingTotal: 495, taxTotal: 95 + 94 });
    expect(refunded.history.map((h: any) => h.type)).toContain('LINES_CANCELLED');
    // The buyer is told, in a mail of its own (the refund's mail follows it).
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    const mails = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []).map((f) => parseMail(readFileSync(join(dir, f), 'utf8')));
    const told = await until(async () => mails().filter((m) => m.subject === `Order ${partly.number}: an item was cancelled`), (m) => m.length > 0);
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('2 × Variant BO (BO)');
    expect(told[0].text).toContain('(customer does not want to wait)');
    expect(told[0].text).toContain("The order's total is now €11.84.");
    // No more units wait: received stock does not go to this order.
    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'BO', locationCode: 'auto', delta: 2, reason: 'RECEIVED' } }));
    expect((await level('BO', 'auto')).reserved).toBe(0);
    await expectReconciled(t, { orderIds: [partly.id] });
  });

  it('a unit of a PENDING shipment cancelled before it ships: the shipment shrinks, stock is released, the capture is the new total', async () => {
    const { o } = await routed([{ sku: 'MAN', quantity: 3 }]);
    const before = await level('MAN', 'wh-a');
    const s = o.shipments[0];
    expect(s).toMatchObject({ status: 'PENDING', location: { code: 'wh-a' }, lines: [{ quantity: 3 }] });
    ok(await t.admin(CANCEL_LINES, { orderId: o.id, lines: [{ orderLineId: lineOf(o, 'MAN').id, quantity: 1 }] }));
    expect(await level('MAN', 'wh-a')).toEqual({ onHand: before.onHand, reserved: before.reserved - 1 });
    const cut = await order(o.id);
    expect(cut.shipments[0].lines).toEqual([{ quantity: 2, orderLine: { sku: 'MAN' } }]);
    expect(cut.total).toBe(2 * 1190 + 589);
    expect(cut.payments[0]).toMatchObject({ status: 'AUTHORIZED', amount: o.total });

    for (const step of [PICK, PACK]) ok(await t.admin(step, { id: s.id }));
    // The label job answers the packing first (its event would otherwise land between the snapshots).
    await until(() => order(o.id), (x) => x.shipments[0].status === 'LABELLED');
    await settled(t);
    // Picked: nothing of it can be cancelled any more, and a refused request changes nothing.
    const snap = await snapshot(t);
    const refused = await t.admin(CANCEL_LINES, { orderId: o.id, lines: [{ orderLineId: lineOf(o, 'MAN').id, quantity: 1 }] });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(fieldOf(refused)).toBe('lines.0.quantity');
    expect(await snapshot(t)).toEqual(snap);
    ok(await t.admin(SHIP, { id: s.id }));
    const shipped = await until(() => order(o.id), (x) => x.paymentStatus === 'PAID' && x.invoices.length === 1);
    expect(shipped.status).toBe('SHIPPED');
    expect(shipped.payments[0]).toMatchObject({ amount: o.total, amountCaptured: cut.total });
    expect(shipped.invoices[0].total).toBe(cut.total);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('every unit cancelled: the order is CANCELLED and its authorization voided', async () => {
    const { o, accessToken } = await routed([{ sku: 'MAN', quantity: 2 }]);
    // The buyer may do this while the order is CONFIRMED.
    const r = ok(await t.gql(CANCEL_LINES, { orderId: o.id, lines: [{ orderLineId: lineOf(o, 'MAN').id, quantity: 2 }] }, accessToken)).cancelOrderLines;
    expect(r).toMatchObject({ status: 'CANCELLED', total: 0 });
    const after = await order(o.id);
    expect(after.paymentStatus).toBe('VOIDED');
    expect(after.shipments[0].status).toBe('CANCELLED');
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('refuses what cannot be cancelled with the field named, and the buyer once fulfillment started', async () => {
    const { o, accessToken } = await routed([{ sku: 'MAN', quantity: 1 }, { sku: 'LAST', quantity: 1 }]);
    const snap = await snapshot(t);
    const cases = [
      [{ orderLineId: 'oln_nope', quantity: 1 }, 'lines.0.orderLineId'],
      [{ orderLineId: lineOf(o, 'MAN').id, quantity: 0 }, 'lines.0.quantity'],
      [{ orderLineId: lineOf(o, 'MAN').id, quantity: 2 }, 'lines.0.quantity'],
    ] as const;
    for (const [line, field] of cases) {
      const res = await t.admin(CANCEL_LINES, { orderId: o.id, lines: [line] });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(fieldOf(res)).toBe(field);
    }
    expect(codeOf(await t.admin(CANCEL_LINES, { orderId: o.id, lines: [] }))).toBe('BAD_USER_INPUT');
    expect(await snapshot(t)).toEqual(snap);
    ok(await t.admin(PICK, { id: o.shipments[0].id }));
    await until(() => order(o.id), (x) => x.status === 'IN_FULFILLMENT');
    expect(codeOf(await t.gql(CANCEL_LINES, { orderId: o.id, lines: [{ orderLineId: lineOf(o, 'LAST').id, quantity: 1 }] }, accessToken))).toBe('FORBIDDEN');
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('a retry with the same key cancels once; the same key for another request is CONFLICT', async () => {
    const { o } = await routed([{ sku: 'LAST', quantity: 4 }]);
    const line = lineOf(o, 'LAST');
    const ask = { orderId: o.id, lines: [{ orderLineId: line.id, quantity: 1 }], key: `cxl-${o.id}` };
    const results = await Promise.all([t.admin(CANCEL_LINES, ask), t.admin(CANCEL_LINES, ask)]);
    for (const r of results) expect(ok(r).cancelOrderLines.lines).toEqual([{ sku: 'LAST', quantity: 3, quantityCancelled: 1 }]);
    expect(ok(await t.admin(CANCEL_LINES, ask)).cancelOrderLines.lines[0].quantityCancelled).toBe(1);
    expect(codeOf(await t.admin(CANCEL_LINES, { ...ask, lines: [{ orderLineId: line.id, quantity: 2 }] }))).toBe('CONFLICT');
    expect(lineOf(await order(o.id), 'LAST')).toMatchObject({ quantity: 3, quantityCancelled: 1 });
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('two cancels of the last unit at once: one wins, the other is refused', async () => {
    const { o } = await routed([{ sku: 'LAST', quantity: 2 }]);
    const line = lineOf(o, 'LAST');
    ok(await t.admin(CANCEL_LINES, { orderId: o.id, lines: [{ orderLineId: line.id, quantity: 1 }] }));
    const results = await Promise.all([1, 2].map(() => t.admin(CANCEL_LINES, { orderId: o.id, lines: [{ orderLineId: line.id, quantity: 1 }] })));
    const codes = results.map((r) => (r.errors ? codeOf(r) : 'OK')).sort();
    expect(codes[1]).toBe('OK');
    expect(['BAD_USER_INPUT', 'CONFLICT', 'INVALID_STATE_TRANSITION']).toContain(codes[0]);
    const after = await order(o.id);
    expect(after.status).toBe('CANCELLED');
    expect(lineOf(after, 'LAST')).toMatchObject({ quantity: 0, quantityCancelled: 2 });
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('units cancelled while the routing job runs: either way, no unit is lost or shipped twice', async () => {
    for (let round = 0; round < 4; round++) {
      const placed = await place([{ sku: 'MAN', quantity: 3 }]);
      const line = placed.order.lines[0];
      // Sent as soon as the order exists: the routing job (fed by order.confirmed) runs at the same time.
      ok(await t.admin(CANCEL_LINES, { orderId: placed.order.id, lines: [{ orderLineId: line.id, quantity: 2 }] }));
      await settled(t);
      const o = await order(placed.order.id);
      const open = o.shipments.filter((s: any) => s.status !== 'CANCELLED');
      expect(open.flatMap((s: any) => s.lines.map((l: any) => l.quantity)).reduce((a: number, b: number) => a + b, 0)).toBe(1);
      expect(lineOf(o, 'MAN')).toMatchObject({ quantity: 1, quantityCancelled: 2 });
      await expectReconciled(t, { orderIds: [o.id] });
    }
  });

  it('a shipment cancelled before it leaves: re-routed to another location, or cancelled with its units', async () => {
    const { o } = await routed([{ sku: 'TWO', quantity: 2 }]);
    const s = o.shipments[0];
    expect(s.location.code).toBe('wh-a');
    const a = await level('TWO', 'wh-a');
    const b = await level('TWO', 'wh-b');
    const key = `reroute-${s.id}`;
    expect(ok(await t.admin(CANCEL_SHIPMENT, { id: s.id, reroute: true, key })).cancelShipment.status).toBe('CANCELLED');
    expect(ok(await t.admin(CANCEL_SHIPMENT, { id: s.id, reroute: true, key })).cancelShipment.status).toBe('CANCELLED');
    expect(await level('TWO', 'wh-a')).toEqual({ onHand: a.onHand, reserved: a.reserved - 2 });
    expect(await level('TWO', 'wh-b')).toEqual({ onHand: b.onHand, reserved: b.reserved + 2 });
    const rerouted = await order(o.id);
    expect(rerouted.shipments.map((x: any) => [x.location.code, x.status])).toEqual([['wh-a', 'CANCELLED'], ['wh-b', 'PENDING']]);
    expect(rerouted.total).toBe(o.total);
    expect(rerouted.history.map((h: any) => h.type)).toContain('SHIPMENT_REROUTED');

    // Without re-routing, the units go with the shipment: the order has nothing left and is cancelled.
    const second = rerouted.shipments[1];
    ok(await t.admin(CANCEL_SHIPMENT, { id: second.id, reroute: false }));
    const gone = await order(o.id);
    expect(gone).toMatchObject({ status: 'CANCELLED', paymentStatus: 'VOIDED', total: 0 });
    expect(lineOf(gone, 'TWO')).toMatchObject({ quantity: 0, quantityCancelled: 2 });
    expect(await level('TWO', 'wh-b')).toEqual(b);
    expect(codeOf(await t.admin(CANCEL_SHIPMENT, { id: second.id }))).toBe('INVALID_STATE_TRANSITION');
    await expectReconciled(t);
  });
});
