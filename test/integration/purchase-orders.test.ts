// Issue 18, suppliers and purchase orders: a purchase order sent (its PDF mailed to the supplier, its
// units incoming, backordered orders' delivery dates following its expected date) and received in two
// deliveries that serve three backorders oldest first, the ledger adding up; a receipt repeated with one
// key books once; and the refusals (more than ordered, a cancelled or draft order, a SKU not on it, a key
// reused for another delivery, an unknown id) with their codes, changing nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { parseMail } from '../helpers/mail.js';
import { until } from '../helpers/until.js';
import { pdfTextLines } from '../../src/documents/pdf/pdf-text.js';

const DAY = 86_400_000;
const PO_FIELDS = 'id number status expectedAt documentUrl totalCost supplier { name } location { code } lines { sku supplierSku quantityOrdered quantityReceived unitCost allowOverReceipt }';
const CREATE = `mutation($i: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $i) { ${PO_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdatePurchaseOrderInput!) { updatePurchaseOrder(id: $id, input: $i) { ${PO_FIELDS} } }`;
const SEND = `mutation($id: ID!) { sendPurchaseOrder(id: $id) { ${PO_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelPurchaseOrder(id: $id) { ${PO_FIELDS} } }`;
const RECEIVE = `mutation($id: ID!, $lines: [ReceiveLineInput!]!, $key: String) { receivePurchaseOrder(id: $id, lines: $lines, idempotencyKey: $key) { ${PO_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status estimatedDeliveryAt lines { sku quantityBackordered } history { type } } }`;
const VARIANT = `{ products(first: 10) { nodes { variants { sku available nextExpectedAt } } } }`;

describe.each(DB_KINDS)('purchase orders on %s', (kind: DbKind) => {
  let t: TestEngine;
  let supplierId: string;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }],
      variants: [{ sku: 'BO-1', price: 1000, allowBackorder: true }, { sku: 'PO-2', price: 500, stock: { 'wh-a': 1 } }],
    });
    supplierId = ok(await t.admin(`mutation($i: CreateSupplierInput!) { createSupplier(input: $i) { id } }`, {
      i: { name: 'Acme Supplies', contactName: 'Rita Roe', email: 'buying@acme.example', currencyCode: 'EUR', leadTimeDays: 10 },
    })).createSupplier.id;
    const item = ok(await t.admin(`mutation($i: SetSupplierItemInput!) { setSupplierItem(input: $i) { id sku supplierSku costPrice minimumOrderQuantity packSize } }`, {
      i: { supplierId, sku: 'BO-1', supplierSku: 'ACME-77', costPrice: 400, minimumOrderQuantity: 10, packSize: 5 },
    })).setSupplierItem;
    expect(item).toMatchObject({ sku: 'BO-1', supplierSku: 'ACME-77', costPrice: 400, minimumOrderQuantity: 10, packSize: 5 });
    // The same supplier and SKU again: the terms change, no second item.
    ok(await t.admin(`mutation($i: SetSupplierItemInput!) { setSupplierItem(input: $i) { id } }`, { i: { supplierId, sku: 'BO-1', supplierSku: 'ACME-77', costPrice: 450, packSize: 5 } }));
    const s = ok(await t.admin(`query($id: ID!) { supplier(id: $id) { leadTimeDays items { sku costPrice minimumOrderQuantity } } }`, { id: supplierId })).supplier;
    expect(s).toEqual({ leadTimeDays: 10, items: [{ sku: 'BO-1', costPrice: 450, minimumOrderQuantity: 1 }] });
  });
  afterAll(async () => t?.stop());

  const mailsTo = (to: string) => {
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    return (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [])
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .filter((raw) => parseMail(raw).headers.to?.includes(to));
  };
  const movements = async () => Number((await t.sql('SELECT COUNT(*) AS n FROM stock_movement'))[0].n);

  it('a purchase order received in two parts serves three backorders oldest first; one key books once; the ledger adds up', async () => {
    const orders: string[] = [];
    for (const quantity of [2, 3, 4]) {
      const o = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'BO-1', quantity }]) })).placeOrder.order;
      expect(o.lines[0].quantityBackordered).toBe(quantity);
      orders.push(o.id);
    }
    const expected = new Date(Date.now() + 10 * DAY);
    expected.setUTCMilliseconds(0);
    const draft = ok(await t.admin(CREATE, { i: { supplierId, locationCode: 'wh-a', expectedAt: expected.toISOString(), lines: [{ sku: 'BO-1', quantity: 10 }] } })).createPurchaseOrder;
    expect(draft).toMatchObject({
      number: 'PO-1001', status: 'DRAFT', documentUrl: null, totalCost: 4500, supplier: { name: 'Acme Supplies' }, location: { code: 'wh-a' },
      lines: [{ sku: 'BO-1', supplierSku: 'ACME-77', quantityOrdered: 10, quantityReceived: 0, unitCost: 450, allowOverReceipt: false }],
    });
    // A draft is not on its way yet.
    const bo1 = async () => ok(await t.gql(VARIANT)).products.nodes.flatMap((p: any) => p.variants).find((v: any) => v.sku === 'BO-1');
    expect((await bo1()).nextExpectedAt).toBeNull();

    const sent = ok(await t.admin(SEND, { id: draft.id })).sendPurchaseOrder;
    expect(sent.status).toBe('SENT');
    await settled(t);
    // Storefront (no token): "back in stock around …"; staff see how many are coming.
    expect(await bo1()).toMatchObject({ available: 0, nextExpectedAt: expected.toISOString() });
    expect(ok(await t.admin(`{ products(first: 10) { nodes { variants { sku incoming } } } }`)).products.nodes[0].variants).toContainEqual({ sku: 'BO-1', incoming: 10 });
    expect(codeOf(await t.gql(`{ products(first: 10) { nodes { variants { incoming } } } }`))).toBe('UNAUTHENTICATED');

    // The supplier's mail, with the PDF attached; the same PDF behind the order's link.
    const [raw] = await until(async () => mailsTo('buying@acme.example'), (m) => m.length === 1);
    const mail = parseMail(raw);
    expect(mail.subject).toMatch(/^Purchase order PO-1001 from /);
    expect(mail.text).toContain('Hello Rita Roe,');
    expect(mail.text).toContain(`We expect the delivery by ${expected.toISOString().slice(0, 10)}.`);
    expect(raw).toMatch(/Content-Type: application\/pdf;?\s*name=PO-1001\.pdf/i);
    const url = ok(await t.admin(`query($id: ID!) { purchaseOrder(id: $id) { documentUrl } }`, { id: draft.id })).purchaseOrder.documentUrl;
    const res = await fetch(new URL(url, t.url));
    expect(res.status).toBe(200);
    const text = pdfTextLines(Buffer.from(await res.arrayBuffer())).join('\n');
    for (const s of ['PURCHASE ORDER', 'PO-1001', 'Acme Supplies', 'ACME-77', 'BO-1', '€4.50', '€45.00', expected.toISOString().slice(0, 10)]) expect(text).toContain(s);

    // Backordered orders expect delivery the shipping method's 4 transit days after the units arrive; a later date moves them.
    const eta = async () => Promise.all(orders.map(async (id) => ok(await t.admin(ORDER, { id })).order));
    expect((await eta()).map((o) => o.estimatedDeliveryAt)).toEqual(orders.map(() => new Date(expected.getTime() + 4 * DAY).toISOString()));
    const later = new Date(expected.getTime() + 5 * DAY);
    expect(codeOf(await t.admin(UPDATE, { id: draft.id, i: { lines: [{ sku: 'BO-1', quantity: 12 }] } }))).toBe('INVALID_STATE_TRANSITION');
    ok(await t.admin(UPDATE, { id: draft.id, i: { expectedAt: later.toISOString() } }));
    await settled(t);
    const moved = await eta();
    expect(moved.map((o) => o.estimatedDeliveryAt)).toEqual(orders.map(() => new Date(later.getTime() + 4 * DAY).toISOString()));
    expect(moved[0].history.map((h: any) => h.type)).toContain('ESTIMATED_DELIVERY_CHANGED');

    // First delivery: 5 units serve the two oldest orders (2 + 3); the youngest keeps waiting.
    const first = ok(await t.admin(RECEIVE, { id: draft.id, lines: [{ sku: 'BO-1', quantity: 5 }], key: 'acme-delivery-1' })).receivePurchaseOrder;
    expect(first).toMatchObject({ status: 'PARTIALLY_RECEIVED', lines: [{ quantityReceived: 5 }] });
    const booked = await movements();
    const again = ok(await t.admin(RECEIVE, { id: draft.id, lines: [{ sku: 'BO-1', quantity: 5 }], key: 'acme-delivery-1' })).receivePurchaseOrder;
    expect(again).toMatchObject({ status: 'PARTIALLY_RECEIVED', lines: [{ quantityReceived: 5 }] });
    expect(await movements()).toBe(booked);
    await settled(t);
    expect((await eta()).map((o) => o.lines[0].quantityBackordered)).toEqual([0, 0, 4]);
    expect(ok(await t.admin(`{ stockLevels(sku: "BO-1") { onHand reserved incoming nextExpectedAt } }`)).stockLevels)
      .toEqual([{ onHand: 5, reserved: 5, incoming: 5, nextExpectedAt: later.toISOString() }]);

    // Second delivery: the rest, for the youngest order; nothing more is coming.
    const second = ok(await t.admin(RECEIVE, { id: draft.id, lines: [{ sku: 'BO-1', quantity: 5 }], key: 'acme-delivery-2' })).receivePurchaseOrder;
    expect(second).toMatchObject({ status: 'RECEIVED', lines: [{ quantityReceived: 10 }] });
    await settled(t);
    expect((await eta()).map((o) => o.lines[0].quantityBackordered)).toEqual([0, 0, 0]);
    expect(ok(await t.admin(`{ stockLevels(sku: "BO-1") { onHand reserved incoming nextExpectedAt } }`)).stockLevels)
      .toEqual([{ onHand: 10, reserved: 9, incoming: 0, nextExpectedAt: null }]);
    expect((await bo1()).nextExpectedAt).toBeNull();
    const booked2 = await t.sql(`SELECT reason, delta, note FROM stock_movement WHERE sku = 'BO-1' ORDER BY id`);
    expect(booked2.map((m) => [m.reason, Number(m.delta), m.note])).toEqual([['RECEIVED', 5, 'Purchase order PO-1001'], ['RECEIVED', 5, 'Purchase order PO-1001']]);
    // The mail went once, though the order changed after it was sent.
    expect(mailsTo('buying@acme.example')).toHaveLength(1);
    await expectReconciled(t);
  });

  it('refuses more than ordered, a SKU not on the order, a draft or cancelled order, a reused key and unknown ids, changing nothing', async () => {
    const create = async (lines: unknown[]) => ok(await t.admin(CREATE, { i: { supplierId, locationCode: 'wh-a', lines } })).createPurchaseOrder;
    // No supplier item for PO-2: the line needs its own cost.
    const noCost = await t.admin(CREATE, { i: { supplierId, locationCode: 'wh-a', lines: [{ sku: 'PO-2', quantity: 3 }] } });
    expect([codeOf(noCost), fieldOf(noCost)]).toEqual(['BAD_USER_INPUT', 'input.lines.0.unitCost']);
    const po = await create([{ sku: 'PO-2', quantity: 3, unitCost: 200 }]);
    // Its default expected date: today plus the supplier's lead time.
    expect(Math.abs(new Date(po.expectedAt).getTime() - (Date.now() + 10 * DAY))).toBeLessThan(60_000);

    const before = await snapshot(t);
    const refused = async (id: string, lines: unknown[], key?: string) => {
      const r = await t.admin(RECEIVE, { id, lines, key });
      return [codeOf(r), fieldOf(r) ?? null];
    };
    expect(await refused(po.id, [{ sku: 'PO-2', quantity: 1 }])).toEqual(['INVALID_STATE_TRANSITION', null]);
    ok(await t.admin(SEND, { id: po.id }));
    await settled(t);
    const sentState = await snapshot(t);
    expect(await refused(po.id, [{ sku: 'PO-2', quantity: 4 }], 'too-many')).toEqual(['BAD_USER_INPUT', 'lines.0.quantity']);
    expect(await refused(po.id, [{ sku: 'BO-1', quantity: 1 }])).toEqual(['BAD_USER_INPUT', 'lines.0.sku']);
    expect(await refused(po.id, [{ sku: 'PO-2', quantity: 1 }, { sku: 'PO-2', quantity: 1 }])).toEqual(['BAD_USER_INPUT', 'lines.1.sku']);
    expect(await refused('po_unknown', [{ sku: 'PO-2', quantity: 1 }])).toEqual(['NOT_FOUND', null]);
    expect(codeOf(await t.admin(`{ purchaseOrder(id: "po_unknown") { id } }`))).toBe('NOT_FOUND');
    expect(await snapshot(t)).toEqual(sentState);
    // A key's first request was refused: the key is free for the corrected one.
    ok(await t.admin(RECEIVE, { id: po.id, lines: [{ sku: 'PO-2', quantity: 1 }], key: 'too-many' }));
    expect(await refused(po.id, [{ sku: 'PO-2', quantity: 2 }], 'too-many')).toEqual(['CONFLICT', null]);
    // Partly received: no longer cancellable.
    expect(codeOf(await t.admin(CANCEL, { id: po.id }))).toBe('INVALID_STATE_TRANSITION');

    const other = await create([{ sku: 'PO-2', quantity: 2, unitCost: 200 }]);
    ok(await t.admin(SEND, { id: other.id }));
    expect(ok(await t.admin(CANCEL, { id: other.id })).cancelPurchaseOrder.status).toBe('CANCELLED');
    await settled(t);
    const cancelled = await snapshot(t);
    expect(await refused(other.id, [{ sku: 'PO-2', quantity: 1 }], 'after-cancel')).toEqual(['INVALID_STATE_TRANSITION', null]);
    expect(await snapshot(t)).toEqual(cancelled);
    expect(ok(await t.admin(`query($id: ID!) { purchaseOrder(id: $id) { lines { quantityReceived } } }`, { id: other.id })).purchaseOrder.lines).toEqual([{ quantityReceived: 0 }]);
    expect(before.movements).toBe(sentState.movements);

    // Over-receipt where the line allows it.
    const generous = await create([{ sku: 'PO-2', quantity: 3, unitCost: 200, allowOverReceipt: true }]);
    ok(await t.admin(SEND, { id: generous.id }));
    const got = ok(await t.admin(RECEIVE, { id: generous.id, lines: [{ sku: 'PO-2', quantity: 5 }] })).receivePurchaseOrder;
    expect(got).toMatchObject({ status: 'RECEIVED', lines: [{ quantityReceived: 5 }] });

    const list = ok(await t.admin(`query($f: PurchaseOrderFilter) { purchaseOrders(filter: $f, first: 10) { totalCount nodes { number status } } }`, { f: { status: 'CANCELLED' } })).purchaseOrders;
    expect(list).toEqual({ totalCount: 1, nodes: [{ number: other.number, status: 'CANCELLED' }] });
    // An inactive supplier takes no new purchase orders.
    ok(await t.admin(`mutation($id: ID!) { updateSupplier(id: $id, input: { active: false }) { active } }`, { id: supplierId }));
    const inactive = await t.admin(CREATE, { i: { supplierId, locationCode: 'wh-a', lines: [{ sku: 'BO-1', quantity: 1 }] } });
    expect([codeOf(inactive), fieldOf(inactive)]).toEqual(['BAD_USER_INPUT', 'input.supplierId']);
    ok(await t.admin(`mutation($id: ID!) { updateSupplier(id: $id, input: { active: true }) { active } }`, { id: supplierId }));
    await settled(t);
    await expectReconciled(t);
  });
});
