// An edit committed while the order is routed and fulfilled (issue 13's race), on both databases: orders
// at a location that fulfills by itself (routing job, then pick, pack, label and ship by automation), each
// edited at once to 3 units instead of 1. Whatever came first, either the edit was refused (the line was
// picked) and the one unit shipped, or the edit went through and the three units shipped: never both,
// never a unit lost or shipped twice, and money and stock reconcile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';

const ORDERS = 8;
const ORDER = `query($id: ID!) { order(id: $id) { id status lines { sku quantity quantityShipped } shipments { status lines { quantity } } } }`;

describe.each(DB_KINDS)('an edit racing routing and automatic fulfillment on %s', (kind: DbKind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { locations: [{ code: 'auto', priority: 5, autoFulfill: true }], variants: [{ sku: 'FAST', price: 900, stock: { auto: 100 } }] });
  }, 60_000);
  afterAll(async () => t?.stop());

  it('each order ships either its old line (edit refused) or its new one (edit committed), never both', async () => {
    const edited = async () => {
      const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'FAST', quantity: 1 }]) })).placeOrder.order;
      // The automation may have shipped the order before the edit even begins (one job walks it to
      // SHIPPED): then beginning the edit is what is refused.
      const begun = await t.admin(`mutation($id: ID!) { beginOrderEdit(orderId: $id) { id } }`, { id: placed.id });
      if (codeOf(begun)) return { id: placed.id as string, code: codeOf(begun)! };
      const edit = begun.data.beginOrderEdit.id;
      const set = await t.admin(`mutation($e: ID!, $l: ID!) { orderEditSetQuantity(editId: $e, orderLineId: $l, quantity: 3) { id } }`, { e: edit, l: placed.lines[0].id });
      if (codeOf(set)) return { id: placed.id as string, code: codeOf(set)! };
      const r = await t.admin(`mutation($e: ID!) { commitOrderEdit(editId: $e, payment: { method: "test-card", token: "tok_visa" }) { id } }`, { e: edit });
      return { id: placed.id as string, code: codeOf(r) ?? 'COMMITTED' };
    };
    const outcomes = await Promise.all(Array.from({ length: ORDERS }, edited));
    for (const o of outcomes) expect(['COMMITTED', 'INVALID_STATE_TRANSITION', 'CONFLICT']).toContain(o.code);

    for (const o of outcomes) {
      const done = await until(async () => ok(await t.admin(ORDER, { id: o.id })).order, (x) => x.status === 'SHIPPED' || x.status === 'DELIVERED');
      const wanted = o.code === 'COMMITTED' ? 3 : 1;
      expect(done.lines).toEqual([{ sku: 'FAST', quantity: wanted, quantityShipped: wanted }]);
      const sent = done.shipments.filter((s: any) => s.status !== 'CANCELLED').flatMap((s: any) => s.lines).reduce((n: number, l: any) => n + l.quantity, 0);
      expect(sent, `order ${o.id} (${o.code})`).toBe(wanted);
    }
    await settled(t);
    await expectReconciled(t);
  }, 120_000);
});
