// Order editing before fulfillment (issue 13, item 3), on both databases: staff change quantities, add
// and remove lines, change the shipping method; the buyer changes the shipping address until a shipment
// is picked. Stock moves through the ledger, the order is priced again (tax of the new address), the
// difference is authorized as a payment of its own or the captured excess refunded with a credit note,
// unpicked shipments are routed again. Refusals change nothing; a retried commit changes nothing twice.
// Every flow ends with the reconciliation check.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { settled } from '../helpers/settled.js';
import { parseMail } from '../helpers/mail.js';
import type { Client } from 'graphql-ws';
import { follow, wsClient } from '../e2e/subscriptions.helpers.js';

const ORDER = `query($id: ID!) { order(id: $id) {
  id number status paymentStatus subtotal shippingTotal taxTotal total shippingAddress { city countryCode } shippingMethod { code }
  lines { id sku quantity quantityCancelled quantityBackordered unitPrice taxTotal lineTotal }
  payments { id status amount amountCaptured amountRefunded }
  invoices { kind total }
  shipments { id status lines { quantity orderLine { sku } } }
  edits { id status amountCharged amountRefunded }
  history { type message }
} }`;
const BEGIN = `mutation($id: ID!) { beginOrderEdit(orderId: $id) { id status } }`;
const SET_QTY = `mutation($e: ID!, $l: ID!, $q: Int!) { orderEditSetQuantity(editId: $e, orderLineId: $l, quantity: $q) { id lines { orderLineId sku quantity previousQuantity } } }`;
const ADD = `mutation($e: ID!, $sku: String!, $q: Int!) { orderEditAddLine(editId: $e, sku: $sku, quantity: $q) { id lines { orderLineId sku quantity previousQuantity } } }`;
const REMOVE = `mutation($e: ID!, $l: ID) { orderEditRemoveLine(editId: $e, orderLineId: $l) { id } }`;
const SET_ADDRESS = `mutation($e: ID!, $a: AddressInput!) { orderEditSetShippingAddress(editId: $e, address: $a) { id shippingAddress { city } } }`;
const SET_METHOD = `mutation($e: ID!, $c: String!) { orderEditSetShippingMethod(editId: $e, shippingMethodCode: $c) { id shippingMethodCode } }`;
const PREVIEW = `query($e: ID!) { orderEditPreview(editId: $e) {
  subtotal shippingTotal taxTotal discountTotal total previousTotal amountDue amountToRefund
  lines { orderLineId sku quantity previousQuantity unitPrice taxTotal lineTotal } } }`;
const COMMIT = `mutation($e: ID!, $p: PaymentInput, $key: String, $reason: String) {
  commitOrderEdit(editId: $e, payment: $p, idempotencyKey: $key, reason: $reason) { id status total lines { sku quantity } payments { id status amount } } }`;
const DISCARD = `mutation($e: ID!) { discardOrderEdit(editId: $e) { id status } }`;
const PICK = `mutation($id: ID!) { markShipmentPicked(id: $id) { status } }`;
const PACK = `mutation($id: ID!) { markShipmentPacked(id: $id) { status } }`;
const SHIP = `mutation($id: ID!) { markShipmentShipped(id: $id) { status } }`;
const LEVEL = 'SELECT sl.on_hand, sl.reserved FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?';
const VISA = { method: 'test-card', token: 'tok_visa' };
const VIENNA = { ...ADDRESS, city: 'Wien', postalCode: '1010', countryCode: 'AT' };

describe.each(DB_KINDS)('order editing on %s', (kind: DbKind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }],
      variants: [
        { sku: 'MUG', price: 1000, stock: { 'wh-a': 20 } },
        { sku: 'CAP', price: 1500, stock: { 'wh-a': 20 } },
        { sku: 'RARE', price: 700, stock: { 'wh-a': 2 } },
        { sku: 'SOON', price: 400, allowBackorder: true, stock: { 'wh-a': 1 } },
      ],
    });
    ok(await t.admin(`mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode: 'AT', ratePercent: 20 } }));
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code: 'express', name: 'Express', carrierCode: 'sim', price: 1295, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 1 },
    }));
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
      i: { code: 'eager', name: 'Capture on placement', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT' },
    }));
  }, 60_000);
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const level = async (sku: string) => {
    const [row] = await t.sql(LEVEL, [sku, 'wh-a']);
    return { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
  };
  const lineOf = (o: any, sku: string) => o.lines.find((l: any) => l.sku === sku);
  async function placed(lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) {
    const p = ok(await t.gql(PLACE_ORDER, { input: orderInput(lines, extra) })).placeOrder;
    const o = await until(() => order(p.order.id), (x) => x.shipments.length > 0 || x.status === 'PENDING');
    return { o, token: p.accessToken as string };
  }
  const mails = (subject: string) => {
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    return (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []).map((f) => parseMail(readFileSync(join(dir, f), 'utf8'))).filter((m) => m.subject === subject);
  };
  const begin = async (id: string, token?: string) => ok(token ? await t.gql(BEGIN, { id }, token) : await t.admin(BEGIN, { id })).beginOrderEdit.id as string;

  it('more of a line and a new line, authorized at shipment: stock reserved, the difference authorized, the shipment routed again, both payments captured', async () => {
    const { o } = await placed([{ sku: 'MUG', quantity: 1 }], {});
    expect(o.payments).toMatchObject([{ status: 'AUTHORIZED', amount: o.total }]);
    const before = { mug: await level('MUG'), cap: await level('CAP') };
    const edit = await begin(o.id);
    expect(await begin(o.id)).toBe(edit); // one OPEN edit per order
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'MUG').id, q: 3 }));
    const staged = ok(await t.admin(ADD, { e: edit, sku: 'CAP', q: 1 })).orderEditAddLine;
    expect(staged.lines).toEqual([
      { orderLineId: lineOf(o, 'MUG').id, sku: 'MUG', quantity: 3, previousQuantity: 1 },
      { orderLineId: null, sku: 'CAP', quantity: 1, previousQuantity: 0 },
    ]);

    // 3 × 10.00 + 15.00 + 4.95 shipping, 19 % tax: 45.00 + 8.55 + 4.95 + 0.94 = 59.44; 17.79 authorized already.
    const preview = ok(await t.admin(PREVIEW, { e: edit })).orderEditPreview;
    expect(preview).toMatchObject({ subtotal: 4500, shippingTotal: 495, taxTotal: 855 + 94, total: 5944, previousTotal: o.total, amountDue: 5944 - o.total, amountToRefund: 0 });
    expect(preview.lines.map((l: any) => [l.sku, l.quantity, l.unitPrice, l.lineTotal])).toEqual([['MUG', 3, 1000, 3570], ['CAP', 1, 1500, 1785]]);
    // Nothing changed by staging or previewing.
    expect(await level('MUG')).toEqual(before.mug);

    // The total went up: a payment is required, and a missing one changes nothing.
    const unpaid = await t.admin(COMMIT, { e: edit });
    expect(codeOf(unpaid)).toBe('BAD_USER_INPUT');
    expect(fieldOf(unpaid)).toBe('payment');
    expect(await level('MUG')).toEqual(before.mug);

    const committed = ok(await t.admin(COMMIT, { e: edit, p: VISA, reason: 'customer called' })).commitOrderEdit;
    expect(committed.total).toBe(5944);
    expect(committed.lines).toEqual([{ sku: 'MUG', quantity: 3 }, { sku: 'CAP', quantity: 1 }]);
    expect(committed.payments.map((p: any) => [p.status, p.amount])).toEqual([['AUTHORIZED', o.total], ['AUTHORIZED', 5944 - o.total]]);
    expect(await level('MUG')).toEqual({ ...before.mug, reserved: before.mug.reserved + 2 });
    expect(await level('CAP')).toEqual({ ...before.cap, reserved: before.cap.reserved + 1 });

    // The PENDING shipment of one mug was cancelled and the order routed again with the new lines.
    const edited = await until(() => order(o.id), (x) => x.shipments.some((s: any) => s.status === 'PENDING'));
    const open = edited.shipments.filter((s: any) => s.status === 'PENDING');
    expect(open).toHaveLength(1);
    expect(open[0].lines.map((l: any) => [l.orderLine.sku, l.quantity]).sort()).toEqual([['CAP', 1], ['MUG', 3]]);
    expect(edited.shipments.filter((s: any) => s.status === 'CANCELLED')).toHaveLength(1);
    expect(edited.edits).toEqual([{ id: edit, status: 'COMMITTED', amountCharged: 5944 - o.total, amountRefunded: 0 }]);
    expect(edited.history.find((h: any) => h.type === 'ORDER_EDITED').message)
      .toBe('Order edited (1 → 3 × MUG, + 1 × CAP): customer called. The total is now €59.44 (was €17.79); €41.65 more to pay.');
    // The buyer is told what the order is now and what it costs.
    const [mail] = await until(async () => mails(`Order ${o.number} was changed`), (m) => m.length > 0);
    expect(mail.text).toContain('3 × Variant MUG (MUG)  €35.70');
    expect(mail.text).toContain('1 × Variant CAP (CAP)  €17.85');
    expect(mail.text).toContain('Total: €59.44');
    expect(mail.text).toContain('€41.65 more is charged to your payment method.');
    // A committed edit stays committed.
    expect(codeOf(await t.admin(COMMIT, { e: edit, p: VISA }))).toBe('INVALID_STATE_TRANSITION');

    // It ships: both authorizations are captured, in full, with their invoices.
    for (const m of [PICK, PACK]) ok(await t.admin(m, { id: open[0].id }));
    await until(() => order(o.id), (x) => x.shipments.some((s: any) => s.id === open[0].id && s.status === 'LABELLED'));
    ok(await t.admin(SHIP, { id: open[0].id }));
    const shipped = await until(() => order(o.id), (x) => x.payments.every((p: any) => p.status === 'PAID') && x.invoices.length === 2);
    expect(shipped.payments.map((p: any) => p.amountCaptured)).toEqual([o.total, 5944 - o.total]);
    await settled(t);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('fewer units of a captured order: reservations released, the excess refunded with a credit note', async () => {
    const { o } = await placed([{ sku: 'MUG', quantity: 2 }, { sku: 'CAP', quantity: 2 }], { channelCode: 'eager' });
    const paid = await until(() => order(o.id), (x) => x.paymentStatus === 'PAID' && x.invoices.length === 1);
    const before = { mug: await level('MUG'), cap: await level('CAP') };
    const edit = await begin(o.id);
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'MUG').id, q: 1 }));
    ok(await t.admin(REMOVE, { e: edit, l: lineOf(o, 'CAP').id }));
    const preview = ok(await t.admin(PREVIEW, { e: edit })).orderEditPreview;
    // 1 × 10.00 + 4.95 shipping, 19 % tax: 11.90 + 5.89 = 17.79.
    expect(preview).toMatchObject({ total: 1779, amountDue: 0, amountToRefund: paid.total - 1779 });
    const committed = ok(await t.admin(COMMIT, { e: edit })).commitOrderEdit;
    expect(committed.total).toBe(1779);
    expect(committed.lines).toEqual([{ sku: 'MUG', quantity: 1 }, { sku: 'CAP', quantity: 0 }]);
    expect(await level('MUG')).toEqual({ ...before.mug, reserved: before.mug.reserved - 1 });
    expect(await level('CAP')).toEqual({ ...before.cap, reserved: before.cap.reserved - 2 });
    const refunded = await until(() => order(o.id), (x) => x.paymentStatus === 'PARTIALLY_REFUNDED' && x.invoices.length === 2);
    expect(refunded.payments).toMatchObject([{ amountCaptured: paid.total, amountRefunded: paid.total - 1779 }]);
    expect(refunded.invoices[1]).toEqual({ kind: 'CREDIT_NOTE', total: paid.total - 1779 });
    expect(lineOf(refunded, 'CAP')).toMatchObject({ quantity: 0, quantityCancelled: 2 });
    await settled(t);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('refuses what cannot be done and changes nothing: not enough stock, a declined card, a picked line, removing everything', async () => {
    const { o } = await placed([{ sku: 'RARE', quantity: 1 }, { sku: 'MUG', quantity: 1 }]);
    const edit = await begin(o.id);
    const rare = await level('RARE');
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'RARE').id, q: 5 }));
    const short = await t.admin(COMMIT, { e: edit, p: VISA });
    expect(codeOf(short)).toBe('INSUFFICIENT_STOCK');
    expect(await level('RARE')).toEqual(rare);
    expect((await order(o.id)).total).toBe(o.total);

    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'RARE').id, q: 1 }));
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'MUG').id, q: 4 }));
    const mug = await level('MUG');
    const declined = await t.admin(COMMIT, { e: edit, p: { method: 'test-card', token: 'tok_declined' } });
    expect(codeOf(declined)).toBe('PAYMENT_DECLINED');
    expect(await level('MUG')).toEqual(mug);
    const unchanged = await order(o.id);
    expect(unchanged.payments).toHaveLength(1);
    expect(unchanged.edits[0].status).toBe('OPEN');

    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'MUG').id, q: 0 }));
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'RARE').id, q: 0 }));
    const everything = await t.admin(COMMIT, { e: edit });
    expect(codeOf(everything)).toBe('BAD_USER_INPUT');
    expect(everything.errors![0].message).toMatch(/cancel the order/);

    // Once the warehouse picked the line, it can no longer change; the edit can be discarded.
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'MUG').id, q: 2 }));
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'RARE').id, q: 1 }));
    ok(await t.admin(PICK, { id: unchanged.shipments[0].id }));
    const picked = await t.admin(COMMIT, { e: edit, p: VISA });
    expect(codeOf(picked)).toBe('INVALID_STATE_TRANSITION');
    expect(picked.errors![0].message).toMatch(/MUG is in shipment .*, which is PICKED/);
    expect(await level('MUG')).toEqual(mug);
    expect(ok(await t.admin(DISCARD, { e: edit })).discardOrderEdit.status).toBe('DISCARDED');
    await settled(t);
    await expectReconciled(t, { orderIds: [o.id] });
  });

  it('the buyer changes the shipping address (tax of the new country) but not the lines; not once a shipment is picked', async () => {
    const { o, token } = await placed([{ sku: 'MUG', quantity: 1 }], {});
    // The buyer's app follows the order live.
    const live = follow(wsClient(t.url.replace(/^http/, 'ws'), token, clients), `subscription($id: ID!) { orderEvents(orderId: $id) { type message order { total } } }`, { id: o.id });
    const edit = await begin(o.id, token);
    expect(codeOf(await t.gql(SET_QTY, { e: edit, l: lineOf(o, 'MUG').id, q: 2 }, token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(SET_ADDRESS, { e: edit, a: VIENNA }))).toBe('UNAUTHENTICATED');
    ok(await t.gql(SET_ADDRESS, { e: edit, a: VIENNA }, token));
    // 10.00 + 4.95 at Austria's 20 %: 12.00 + 5.94 = 17.94, 0.15 more than at Germany's 19 % (17.79).
    const preview = ok(await t.gql(PREVIEW, { e: edit }, token)).orderEditPreview;
    expect(preview).toMatchObject({ taxTotal: 200 + 99, total: 1794, previousTotal: o.total });
    expect(preview.amountDue).toBe(15);
    expect(fieldOf(await t.gql(COMMIT, { e: edit }, token))).toBe('payment');
    const committed = ok(await t.gql(COMMIT, { e: edit, p: VISA }, token)).commitOrderEdit;
    expect(committed.total).toBe(1794);
    const after = await order(o.id);
    expect(after.shippingAddress).toEqual({ city: 'Wien', countryCode: 'AT' });
    expect(after.history.find((h: any) => h.type === 'ORDER_EDITED').message).toMatch(/^Order edited \(shipping address Wien, AT\)/);

    await live.until((r) => r.some((x) => x.data?.orderEvents.type === 'ORDER_EDITED'));
    expect(live.results.find((x) => x.data?.orderEvents.type === 'ORDER_EDITED')!.data.orderEvents).toEqual({ type: 'ORDER_EDITED', message: 'Order edited; the total is €17.94.', order: { total: 1794 } });
    const [mail] = await until(async () => mails(`Order ${o.number} was changed`), (m) => m.length > 0);
    expect(mail.text).toContain('It ships to: Jane Doe, Hauptstr. 1, 1010 Wien, AT');
    // Picked: the address is fixed now, for the buyer and for staff.
    ok(await t.admin(PICK, { id: after.shipments.find((s: any) => s.status === 'PENDING').id }));
    const again = await begin(o.id, token);
    ok(await t.gql(SET_ADDRESS, { e: again, a: ADDRESS }, token));
    const late = await t.gql(COMMIT, { e: again }, token);
    expect(codeOf(late)).toBe('INVALID_STATE_TRANSITION');
    expect((await order(o.id)).shippingAddress.city).toBe('Wien');
    ok(await t.gql(DISCARD, { e: again }, token));
  });

  it('a new shipping method, a backordered increase, and a retried commit with its key changes nothing twice', async () => {
    const { o } = await placed([{ sku: 'SOON', quantity: 1 }], { channelCode: 'eager' });
    const edit = await begin(o.id);
    ok(await t.admin(SET_QTY, { e: edit, l: lineOf(o, 'SOON').id, q: 3 }));
    // The method is checked when the edit is priced (preview, commit): it may be retired meanwhile.
    ok(await t.admin(SET_METHOD, { e: edit, c: 'nope' }));
    const unknown = await t.admin(PREVIEW, { e: edit });
    expect([codeOf(unknown), fieldOf(unknown)]).toEqual(['BAD_USER_INPUT', 'shippingMethodCode']);
    ok(await t.admin(SET_METHOD, { e: edit, c: 'express' }));
    const preview = ok(await t.admin(PREVIEW, { e: edit })).orderEditPreview;
    // 3 × 4.00 + 12.95 express, 19 %: 14.28 + 15.41 = 29.69.
    expect(preview).toMatchObject({ shippingTotal: 1295, total: 1428 + 1541 });
    const ask = { e: edit, p: VISA, key: `edit-${o.id}` };
    const [a, b] = await Promise.all([t.admin(COMMIT, ask), t.admin(COMMIT, ask)]);
    expect(ok(a).commitOrderEdit.id).toBe(ok(b).commitOrderEdit.id);
    expect(codeOf(await t.admin(COMMIT, { ...ask, p: { method: 'test-card', token: 'tok_mastercard' } }))).toBe('CONFLICT');
    const after = await until(() => order(o.id), (x) => x.status === 'BACKORDERED');
    expect(after.payments.filter((p: any) => p.amount === preview.amountDue)).toHaveLength(1);
    expect(lineOf(after, 'SOON')).toMatchObject({ quantity: 3, quantityBackordered: 2 });
    expect(after.shippingMethod.code).toBe('express');
    await settled(t);
    // Captured on placement: the edit's own authorization is captured as soon as it is made.
    const captured = await until(() => order(o.id), (x) => x.payments.every((p: any) => p.status === 'PAID'));
    expect(captured.payments.reduce((s: number, p: any) => s + p.amountCaptured, 0)).toBe(preview.total);
    await settled(t);
    await expectReconciled(t, { orderIds: [o.id] });
  });
});
