// Rows made into entities without the ORM (kernel/db/entity-read.ts) against the ORM's own em.map of
// the same rows, on both databases: every column-backed property (scalars, dates, JSON, booleans,
// embedded addresses, relations by id) must read the same, so that a mail's template (which reads these
// instances: notifications/message-facts.ts) prints what it printed from managed entities, read by
// `SELECT *` or by the columns `selectList` names. Orders with
// and without a billing address, a phone, a discount-free and a shipped order with a shipment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceKind } from '@mikro-orm/core';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { readEntities, selectList } from '../../src/kernel/db/entity-read.js';
import { messageFacts } from '../../src/notifications/message-facts.js';
import { defaultTemplates } from '../../src/notifications/templates.js';
import { formatMoney } from '../../src/kernel/money.js';
import type { Em } from '../../src/kernel/db/orm.js';

describe.each(DB_KINDS)('entities read without the ORM (%s)', (kind) => {
  let t: TestEngine;
  const orders: string[] = [];

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { locations: [{ code: 'auto', priority: 1, autoFulfill: true }], variants: [{ sku: 'ER-1', price: 1999, stock: { auto: 50 } }, { sku: 'ER-2', price: 350, stock: { auto: 50 } }] });
    const inputs = [
      orderInput([{ sku: 'ER-1', quantity: 2 }, { sku: 'ER-2', quantity: 1 }], { note: 'Ring twice', shippingAddress: { ...ADDRESS, phone: '+49 30 1234567', region: 'BE' } }),
      orderInput([{ sku: 'ER-2', quantity: 3 }], { billingAddress: { ...ADDRESS, name: 'Accounts Payable', line2: 'Floor 3' } }),
    ];
    for (const input of inputs) orders.push(ok(await t.gql(PLACE_ORDER, { input })).placeOrder.order.id);
    await settled(t); // the automated location ships them: shipments with their dates
  });
  afterAll(() => t?.stop());

  /** Each column-backed property of `ours` and `theirs` (em.map's), side by side. */
  function compare(entityName: string, ours: any, theirs: any) {
    const meta = t.engine.app.orm.getMetadata().get(entityName);
    expect(ours).toBeInstanceOf(meta.class);
    for (const p of meta.props) {
      if (p.persist === false || p.embedded) continue;
      const what = `${entityName}.${p.name}`;
      if (p.kind === ReferenceKind.SCALAR) expect([what, ours[p.name]]).toEqual([what, theirs[p.name] ?? null]);
      else if (p.kind === ReferenceKind.EMBEDDED) expect([what, ours[p.name] ? { ...ours[p.name] } : null]).toEqual([what, theirs[p.name] ? { ...theirs[p.name] } : null]);
      else if (p.kind === ReferenceKind.MANY_TO_ONE) expect([what, ours[p.name]?.id ?? null]).toEqual([what, theirs[p.name]?.id ?? null]);
    }
  }

  it('reads orders, lines, shipments and channels as em.map does', async () => {
    const db = t.engine.app.orm.em.fork() as Em;
    const checks: [string, string, unknown[]][] = [
      ['Order', 'SELECT * FROM orders WHERE id IN (?, ?) ORDER BY id', orders],
      ['OrderLine', 'SELECT * FROM order_line WHERE order_id IN (?, ?) ORDER BY id', orders],
      ['Shipment', 'SELECT * FROM shipment WHERE order_id IN (?, ?) ORDER BY id', orders],
      ['Channel', 'SELECT * FROM channel ORDER BY id', []],
    ];
    for (const [entityName, sql, params] of checks) {
      const rows = await t.sql(sql, params);
      expect(rows.length, entityName).toBeGreaterThan(0);
      const ours = readEntities<any>(db, entityName, rows);
      const theirs = rows.map((r: any) => t.engine.app.orm.em.fork().map(entityName, r) as any);
      ours.forEach((o, i) => compare(entityName, o, theirs[i]));
      // The same rows read by the columns selectList names (what message-facts.ts selects): nothing the entity reads is left out.
      const named = readEntities<any>(db, entityName, await t.sql(sql.replace('SELECT *', `SELECT ${selectList(db, entityName)}`), params));
      named.forEach((o, i) => compare(entityName, o, theirs[i]));
    }
    // What the rows hold, read as a template reads it (not only "the same as the ORM").
    const [first] = readEntities<any>(db, 'Order', await t.sql('SELECT * FROM orders WHERE id = ?', [orders[0]]));
    expect(first.shippingAddress).toMatchObject({ phone: '+49 30 1234567', region: 'BE', line2: null });
    expect(first.billingAddress).toBeNull();
    expect(first.placedAt).toBeInstanceOf(Date);
    expect(first.pricesIncludeTax).toBe(false);
    expect(first.note).toBe('Ring twice');
    const [second] = readEntities<any>(db, 'Order', await t.sql('SELECT * FROM orders WHERE id = ?', [orders[1]]));
    expect(second.billingAddress).toMatchObject({ name: 'Accounts Payable', line2: 'Floor 3' });
  });

  it("renders a mail's template from them as from managed entities", async () => {
    for (const orderId of orders) {
      const [shipment] = await t.sql('SELECT id FROM shipment WHERE order_id = ?', [orderId]);
      const facts = (await messageFacts(t.engine.app.orm.em.fork() as Em, orderId, shipment.id))!;
      // The same facts as managed entities, the way message-facts.ts made them before.
      const em = t.engine.app.orm.em.fork();
      const channel = em.map('Channel', (await t.sql('SELECT c.* FROM channel c JOIN orders o ON o.channel_id = c.id WHERE o.id = ?', [orderId]))[0]) as any;
      const order = em.map('Order', (await t.sql('SELECT * FROM orders WHERE id = ?', [orderId]))[0]) as any;
      const lines = (await t.sql('SELECT * FROM order_line WHERE order_id = ? ORDER BY id', [orderId])).map((r: any) => em.map('OrderLine', r));
      const managed = em.map('Shipment', (await t.sql('SELECT * FROM shipment WHERE id = ?', [shipment.id]))[0]) as any;
      expect(order.channel).toBe(channel);
      expect(facts.order.channel.name).toBe(channel.name);
      for (const type of ['order.confirmed', 'shipment.shipped']) {
        const event = { id: 1, type, aggregateId: orderId, payload: { orderId, shipmentId: shipment.id }, at: new Date() };
        const ctx = (o: any, l: any[], s: any) => ({ event, order: o, lines: l, shipment: s, shopName: o.channel.name, pickupCode: null, money: (n: number) => formatMoney(n, o.currencyCode) });
        const ours = defaultTemplates[type]!(ctx(facts.order, facts.lines, facts.shipment));
        const theirs = defaultTemplates[type]!(ctx(order, lines, managed));
        expect(ours).toEqual(theirs);
        expect(ours!.text).toContain(facts.order.number);
      }
    }
  });
});
