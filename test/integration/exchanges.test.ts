// Exchanges for another variant on both databases, through GraphQL: a return line asks for `exchangeSku`,
// the replacement order ships it, and the price difference (per unit as the order paid it, tax included)
// is refunded to the original payment with a credit note (cheaper: once, however often the job runs),
// charged as a PENDING bank-transfer replacement whose mail names the amount (pricier), or nothing (same
// price). Refusals (exchangeSku without EXCHANGE, an unknown or inactive SKU) change nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { setupShop, snapshot } from '../helpers/fixtures.js';
import { parseMail } from '../helpers/mail.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';
import { ReturnService } from '../../src/returns/return.service.js';
import { APPROVE_RETURN as APPROVE, deliveredOrder, RECEIVE_RETURN as RECEIVE, REQUEST_RETURN as REQUEST, RETURN_FIELDS } from '../helpers/returns.js';

const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const EXCHANGE_FIELDS = `${RETURN_FIELDS} exchangeDifference lines { id exchangeSku }`;
const RETURN = `query($id: ID!) { returnRequest(id: $id) { ${EXCHANGE_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) {
  id number status paymentStatus subtotal taxTotal total
  lines { sku quantity unitPrice taxTotal lineTotal }
  payments { id method status amount amountCaptured amountRefunded refunds { amount reason } }
  invoices { kind total }
  history { type message }
} }`;
const CAPTURE = `mutation($id: ID!) { capturePayment(id: $id) { id status amountCaptured } }`;
const UNRECONCILED = `{ unreconciledOrders { id } }`;

describe.each(DB_KINDS)('exchanges for another variant on %s', (kind: DbKind) => {
  let t: TestEngine;
  let alice: string;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    // 19 % tax: a 10.00 shirt is paid 11.90 a unit.
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }],
      variants: [
        { sku: 'SHIRT-M', price: 1000, stock: { auto: 50 } },
        { sku: 'SHIRT-L', price: 1000, stock: { auto: 50 } },
        { sku: 'SHIRT-S', price: 800, stock: { auto: 50 } },
        { sku: 'SHIRT-XL', price: 1500, stock: { auto: 50 } },
        { sku: 'SHIRT-OLD', price: 1000, stock: { auto: 5 } },
      ],
    });
    // A variant no longer sold (the catalog API has no way to deactivate one yet).
    await t.sql("UPDATE product_variant SET active = false WHERE sku = 'SHIRT-OLD'");
    alice = ok(await t.gql(REGISTER, { i: { email: `alice-${kind}@example.com`, password: 'correct horse' } })).registerCustomer.token;
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  /** The engine's own view agrees once the jobs ran: none of these orders is unreconciled. */
  const engineReconciled = (ids: string[]) =>
    until(async () => ok(await t.admin(UNRECONCILED)).unreconciledOrders.map((o: any) => o.id), (u: string[]) => !u.some((id) => ids.includes(id)));
  const ret = async (id: string) => ok(await t.admin(RETURN, { id })).returnRequest;
  const request = (orderId: string, lines: any[], resolution = 'EXCHANGE') =>
    t.gql(`mutation($i: RequestReturnInput!) { requestReturn(input: $i) { ${EXCHANGE_FIELDS} } }`, { i: { orderId, lines, resolution } }, alice);

  /** Delivers an order of `quantity` SHIRT-M, returns them for `exchangeSku`, receives them and waits for the exchange. */
  async function exchanged(exchangeSku: string, quantity = 1) {
    const { order: o } = await deliveredOrder(t, [{ sku: 'SHIRT-M', quantity }], alice);
    const r = ok(await request(o.id, [{ orderLineId: o.lines[0].id, quantity, reason: 'SIZE_OR_FIT', exchangeSku }])).requestReturn;
    expect(r.lines[0].exchangeSku).toBe(exchangeSku);
    ok(await t.admin(APPROVE, { id: r.id }));
    ok(await t.admin(RECEIVE, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity, disposition: 'RESTOCK' }] }));
    const done = await until(() => ret(r.id), (x) => x.status === 'COMPLETED');
    return { o, r: done };
  }

  it('exchanges for a cheaper variant: ships it and refunds the difference once, with a credit note', async () => {
    const { o, r } = await exchanged('SHIRT-S', 2);
    // Per unit: 11.90 paid, 9.52 for the S (8.00 + 19 %): 2 × 2.38 back.
    expect(r.exchangeDifference).toBe(-476);
    expect(r.refundTotal).toBe(476);
    expect(r.exchangeOrder).toMatchObject({ total: 0, paymentStatus: 'PAID', lines: [{ sku: 'SHIRT-S', quantity: 2, lineTotal: 0 }] });
    await until(() => order(r.exchangeOrder.id), (x) => x.status === 'SHIPPED');
    const after = await until(() => order(o.id), (x) => x.invoices.some((i: any) => i.kind === 'CREDIT_NOTE') && x.history.some((h: any) => h.type === 'CREDIT_NOTE_ISSUED'));
    expect(after.payments[0]).toMatchObject({ status: 'PARTIALLY_REFUNDED', amountRefunded: 476, refunds: [{ amount: 476 }] });
    expect(after.invoices.find((i: any) => i.kind === 'CREDIT_NOTE').total).toBe(476);
    expect(after.history.find((h: any) => h.type === 'RETURN_COMPLETED').message)
      .toBe(`Return ${r.number} completed: replacement order ${r.exchangeOrder.number} placed at no charge, price difference €4.76 in the customer's favour, €4.76 refunded.`);
    await expectReconciled(t, { orderIds: [o.id, r.exchangeOrder.id] });
    await engineReconciled([o.id, r.exchangeOrder.id]);

    // The resolve job again, as after a crash before the return was written: nothing refunded or placed twice.
    await t.sql('UPDATE return_request SET status = ? WHERE id = ?', ['RECEIVED', r.id]);
    const service = t.engine.app.service(ReturnService);
    await service.resolve(t.em(), r.id);
    await service.resolve(t.em(), r.id);
    const again = await order(o.id);
    expect(again.payments[0]).toMatchObject({ amountRefunded: 476, refunds: [{ amount: 476 }] });
    expect(again.invoices.filter((i: any) => i.kind === 'CREDIT_NOTE')).toHaveLength(1);
    expect(await ret(r.id)).toMatchObject({ status: 'COMPLETED', refundTotal: 476, exchangeDifference: -476, exchangeOrder: { id: r.exchangeOrder.id } });
    expect(await t.sql('SELECT id FROM orders WHERE note LIKE ?', [`Exchange for return ${r.number} %`])).toHaveLength(1);
    await expectReconciled(t, { orderIds: [o.id, r.exchangeOrder.id] });
  });

  it('exchanges for a pricier variant: a PENDING bank-transfer replacement for the difference, its mail names the amount', async () => {
    const { o, r } = await exchanged('SHIRT-XL');
    // 17.85 for the XL (15.00 + 19 %) against 11.90 paid: 5.95 to pay (5.00 + 0.95 tax).
    expect(r.exchangeDifference).toBe(595);
    expect(r.refundTotal).toBeNull();
    const replacement = await order(r.exchangeOrder.id);
    expect(replacement).toMatchObject({
      status: 'PENDING', paymentStatus: 'PENDING', subtotal: 500, taxTotal: 95, total: 595,
      lines: [{ sku: 'SHIRT-XL', quantity: 1, unitPrice: 500, taxTotal: 95, lineTotal: 595 }],
      payments: [{ method: 'manual', status: 'PENDING', amount: 595, amountCaptured: 0 }],
    });
    expect((await order(o.id)).payments[0].amountRefunded).toBe(0);

    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    const mails = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []).map((f) => parseMail(readFileSync(join(dir, f), 'utf8')));
    const [mail] = await until(() => mails().filter((m) => m.subject.startsWith(`Order ${replacement.number}:`)), (m) => m.length > 0);
    expect(mail.subject).toBe(`Order ${replacement.number}: please pay €5.95`);
    expect(mail.text).toContain(`Amount: €5.95\nPayment reference: ${replacement.number}`);
    await expectReconciled(t, { orderIds: [o.id, replacement.id] });
    await engineReconciled([o.id, replacement.id]);

    // The money arrives: the replacement is confirmed, invoiced and shipped.
    ok(await t.admin(CAPTURE, { id: replacement.payments[0].id }));
    const shipped = await until(() => order(replacement.id), (x) => x.status === 'SHIPPED' && x.invoices.some((i: any) => i.kind === 'INVOICE'));
    expect(shipped.paymentStatus).toBe('PAID');
    expect(shipped.invoices).toEqual([{ kind: 'INVOICE', total: 595 }]);
    await expectReconciled(t, { orderIds: [o.id, replacement.id] });
  });

  it('lets a cheaper line of the return pay for a pricier one: the replacement charges the rest', async () => {
    const { order: o } = await deliveredOrder(t, [{ sku: 'SHIRT-M', quantity: 1 }, { sku: 'SHIRT-L', quantity: 1 }], alice);
    const m = o.lines.find((l: any) => l.sku === 'SHIRT-M');
    const l = o.lines.find((x: any) => x.sku === 'SHIRT-L');
    const r = ok(await request(o.id, [
      { orderLineId: m.id, quantity: 1, reason: 'SIZE_OR_FIT', exchangeSku: 'SHIRT-S' },
      { orderLineId: l.id, quantity: 1, reason: 'SIZE_OR_FIT', exchangeSku: 'SHIRT-XL' },
    ])).requestReturn;
    ok(await t.admin(APPROVE, { id: r.id }));
    ok(await t.admin(RECEIVE, { id: r.id, lines: r.lines.map((x: any) => ({ returnLineId: x.id, quantity: 1, disposition: 'RESTOCK' })) }));
    const done = await until(() => ret(r.id), (x) => x.status === 'COMPLETED');
    // −2.38 for the S, +5.95 for the XL: 3.57 to pay, nothing refunded.
    expect(done.exchangeDifference).toBe(357);
    expect(done.refundTotal).toBeNull();
    const replacement = await order(done.exchangeOrder.id);
    expect(replacement).toMatchObject({ status: 'PENDING', paymentStatus: 'PENDING', total: 357, payments: [{ method: 'manual', status: 'PENDING', amount: 357 }] });
    expect((await order(o.id)).payments[0].amountRefunded).toBe(0);
    ok(await t.admin(CAPTURE, { id: replacement.payments[0].id }));
    const shipped = await until(() => order(replacement.id), (x) => x.status === 'SHIPPED' && x.invoices.some((i: any) => i.kind === 'INVOICE'));
    expect(shipped.invoices).toEqual([{ kind: 'INVOICE', total: 357 }]);
    await expectReconciled(t, { orderIds: [o.id, replacement.id] });
  });

  it('exchanges for a variant of the same price at no charge', async () => {
    const { o, r } = await exchanged('SHIRT-L', 3);
    expect(r.exchangeDifference).toBe(0);
    expect(r.refundTotal).toBeNull();
    expect(r.exchangeOrder).toMatchObject({ total: 0, paymentStatus: 'PAID', lines: [{ sku: 'SHIRT-L', quantity: 3, lineTotal: 0 }] });
    await until(() => order(r.exchangeOrder.id), (x) => x.status === 'SHIPPED');
    expect((await order(o.id)).payments[0].amountRefunded).toBe(0);
    await expectReconciled(t, { orderIds: [o.id, r.exchangeOrder.id] });
  });

  it('refuses exchangeSku on a refund and an unknown or inactive SKU, changing nothing', async () => {
    const { order: o } = await deliveredOrder(t, [{ sku: 'SHIRT-M', quantity: 1 }], alice);
    const line = o.lines[0].id;
    await settled(t);
    const before = await snapshot(t);
    const returns = async () => Number((await t.sql('SELECT COUNT(*) AS n FROM return_request WHERE order_id = ?', [o.id]))[0].n);

    const onRefund = await request(o.id, [{ orderLineId: line, quantity: 1, reason: 'SIZE_OR_FIT', exchangeSku: 'SHIRT-L' }], 'REFUND');
    expect(codeOf(onRefund)).toBe('BAD_USER_INPUT');
    expect(fieldOf(onRefund)).toBe('input.lines[0].exchangeSku');
    const unknown = await request(o.id, [{ orderLineId: line, quantity: 1, reason: 'SIZE_OR_FIT', exchangeSku: 'NO-SUCH-SKU' }]);
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(fieldOf(unknown)).toBe('input.lines[0].exchangeSku');
    expect(unknown.errors![0].message).toBe('Unknown or inactive SKU: NO-SUCH-SKU.');
    const inactive = await request(o.id, [{ orderLineId: line, quantity: 1, reason: 'SIZE_OR_FIT', exchangeSku: 'SHIRT-OLD' }]);
    expect(codeOf(inactive)).toBe('BAD_USER_INPUT');
    expect(fieldOf(inactive)).toBe('input.lines[0].exchangeSku');

    expect(await returns()).toBe(0);
    expect(await snapshot(t)).toEqual(before);
    // The unit is still returnable in full.
    expect(ok(await request(o.id, [{ orderLineId: line, quantity: 1, reason: 'SIZE_OR_FIT', exchangeSku: 'SHIRT-L' }])).requestReturn.status).toBe('REQUESTED');
    await expectReconciled(t, { orderIds: [o.id] });
  });
});
