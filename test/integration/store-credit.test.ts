// Store credit on both databases, through GraphQL: staff adjust a customer's balance (once per key, never
// below zero); the signed-in customer spends it at placement (guests cannot), and two orders spending it at
// once never take it below zero; a cancelled order gives it back; a return resolved as store credit
// credits the customer instead of the card (guests cannot choose it) and the credit pays the next order.
// The reconcile helper runs after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { APPROVE_RETURN, deliveredOrder, RECEIVE_RETURN, REQUEST_RETURN } from '../helpers/returns.js';

const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const ADJUST = `mutation($c: ID!, $cur: String!, $amount: Money!, $reason: String!, $key: String) {
  adjustStoreCredit(customerId: $c, currencyCode: $cur, amount: $amount, reason: $reason, idempotencyKey: $key) { currencyCode balance } }`;
const ME = `{ me { id storeCredit { currencyCode balance } } }`;
const LEDGER = `query($c: ID) { storeCreditLedger(customerId: $c, first: 50) { nodes { kind amount balanceAfter orderId currencyCode } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status total discountTotal discounts { kind label amount } payments { status amount amountCaptured amountRefunded } invoices { kind total } } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id, reason: "changed mind") { id status } }`;
const RETURN = `query($id: ID!) { returnRequest(id: $id) { id status refundTotal storeCreditTotal tenderRefundTotal refundTo } }`;
const credit = (amount?: number) => ({ discounts: [{ kind: 'store-credit', ...(amount ? { amount } : {}) }] });

describe.each(DB_KINDS)('store credit on %s', (kind: DbKind) => {
  let t: TestEngine;
  let token: string;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'hold', priority: 20 }],
      variants: [{ sku: 'SHIPS', price: 5000, stock: { auto: 200 } }, { sku: 'WAITS', price: 4000, stock: { hold: 200 } }, { sku: 'WAITS2', price: 4000, stock: { hold: 200 } }],
      taxPercent: 0, shippingPrice: 500,
    });
    const reg = ok(await t.gql(REGISTER, { i: { email: `sc-${kind}@example.com`, password: 'correct horse battery' } })).registerCustomer;
    token = reg.token;
    customerId = reg.customer.id;
  }, 120_000);
  afterAll(async () => t?.stop());

  const mine = async () => (ok(await t.gql(ME, {}, token)).me.storeCredit as { currencyCode: string; balance: number }[]).find((c) => c.currencyCode === 'EUR')?.balance ?? 0;
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = (sku: string, quantity: number, extra: Record<string, unknown>) => t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }], extra) }, token);

  it('staff adjust a customer\'s store credit with a reason, once per key, never below zero', async () => {
    expect(ok(await t.admin(ADJUST, { c: customerId, cur: 'EUR', amount: 5000, reason: 'welcome', key: `w-${kind}` })).adjustStoreCredit).toEqual({ currencyCode: 'EUR', balance: 5000 });
    expect(ok(await t.admin(ADJUST, { c: customerId, cur: 'EUR', amount: 5000, reason: 'welcome', key: `w-${kind}` })).adjustStoreCredit.balance).toBe(5000);
    expect(codeOf(await t.admin(ADJUST, { c: customerId, cur: 'EUR', amount: 5000, reason: 'other', key: `w-${kind}` }))).toBe('CONFLICT');
    const refused = await t.admin(ADJUST, { c: customerId, cur: 'EUR', amount: -5001, reason: 'too much' });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions!.reason).toBe('STORE_CREDIT_INSUFFICIENT_BALANCE');
    expect(codeOf(await t.admin(ADJUST, { c: 'cus_nobody', cur: 'EUR', amount: 100, reason: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(ADJUST, { c: customerId, cur: 'EUR', amount: 100, reason: 'x' }, token))).toBe('FORBIDDEN');
    ok(await t.admin(ADJUST, { c: customerId, cur: 'USD', amount: 700, reason: 'US shop' }));
    expect(ok(await t.gql(ME, {}, token)).me.storeCredit).toEqual([{ currencyCode: 'EUR', balance: 5000 }, { currencyCode: 'USD', balance: 700 }]);
    const ledger = ok(await t.gql(LEDGER, {}, token)).storeCreditLedger.nodes;
    expect(ledger.map((e: any) => [e.kind, e.currencyCode, e.amount, e.balanceAfter])).toEqual([['ADJUSTED', 'USD', 700, 700], ['ADJUSTED', 'EUR', 5000, 5000]]);
    expect(codeOf(await t.gql(LEDGER, { c: 'cus_other' }, token))).toBe('NOT_FOUND');
    await expectReconciled(t);
  });

  it('spent at placement by the signed-in customer only; two orders at once never take it below zero', async () => {
    await settled(t);
    const before = await snapshot(t);
    const guest = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'WAITS', quantity: 1 }], credit()) });
    expect(codeOf(guest)).toBe('BAD_USER_INPUT');
    expect(guest.errors![0].extensions!.reason).toBe('STORE_CREDIT_SIGN_IN');
    expect(await snapshot(t)).toEqual(before);
    // 50.00 of credit, two 40.00 orders asking for 40.00 each at once: one gets it, the other is refused.
    const answers = await Promise.all(['WAITS', 'WAITS2'].map((sku) => place(sku, 1, credit(4000))));
    const placed = answers.filter((a) => !a.errors);
    expect(placed).toHaveLength(1);
    expect(answers.find((a) => a.errors)!.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STORE_CREDIT_INSUFFICIENT_BALANCE' });
    expect(await mine()).toBe(1000);
    const o = await order(placed[0].data.placeOrder.order.id);
    expect(o).toMatchObject({ total: 500, discountTotal: 4000, discounts: [{ kind: 'store-credit', label: 'Store credit', amount: 4000 }] });
    // Cancelled: the credit comes back, once.
    ok(await t.admin(CANCEL, { id: o.id }));
    await until(mine, (b) => b === 5000);
    await settled(t);
    expect(await mine()).toBe(5000);
    await expectReconciled(t);
  });

  it('a return resolved as store credit: nothing refunded to the card, the customer credited, the credit spent on the next order', async () => {
    const before = await mine();
    const { order: delivered } = await deliveredOrder(t, [{ sku: 'SHIPS', quantity: 2 }], token);
    expect(delivered.total).toBe(10500);
    const line = delivered.lines[0];
    const requested = ok(await t.gql(REQUEST_RETURN, { i: { orderId: delivered.id, lines: [{ orderLineId: line.id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND', refundTo: 'STORE_CREDIT' } }, token)).requestReturn;
    ok(await t.admin(APPROVE_RETURN, { id: requested.id }));
    ok(await t.admin(RECEIVE_RETURN, { id: requested.id, lines: [{ returnLineId: requested.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }));
    const done = await until(async () => ok(await t.admin(RETURN, { id: requested.id })).returnRequest, (r) => r.status === 'COMPLETED');
    expect(done).toMatchObject({ refundTotal: 0, storeCreditTotal: 5000, tenderRefundTotal: 0, refundTo: 'STORE_CREDIT' });
    expect(await mine()).toBe(before + 5000);
    await settled(t);
    const o = await order(delivered.id);
    // The card keeps what it paid (no refund, no credit note): the shop owes the customer the credit instead.
    expect(o.payments).toMatchObject([{ amountCaptured: 10500, amountRefunded: 0 }]);
    expect(o.invoices.map((i: any) => i.kind)).toEqual(['INVOICE']);
    const entries = ok(await t.admin(LEDGER, { c: customerId })).storeCreditLedger.nodes;
    expect(entries[0]).toMatchObject({ kind: 'RETURN_CREDIT', amount: 5000, balanceAfter: before + 5000, orderId: delivered.id });
    await expectReconciled(t);

    // The credit pays the next order in full (55.00 of it); nothing to authorize.
    const next = ok(await place('SHIPS', 1, credit())).placeOrder.order;
    expect(next).toMatchObject({ total: 0, status: 'CONFIRMED' });
    expect(await mine()).toBe(before + 5000 - 5500);
    await until(() => order(next.id), (x) => x.invoices.length === 1);
    await settled(t);
    await expectReconciled(t);
  });

  it('guests cannot have a return credited to store credit', async () => {
    const guestOrder = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SHIPS', quantity: 1 }], { email: `guest-${kind}@example.com` }) })).placeOrder;
    const DELIVERY = `query($id: ID!) { order(id: $id) { id status lines { id } } }`;
    const o = await until(async () => ok(await t.admin(DELIVERY, { id: guestOrder.order.id })).order, (x) => x.status === 'SHIPPED');
    const r = await t.gql(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND', refundTo: 'STORE_CREDIT' } }, guestOrder.accessToken);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.field).toBe('input.refundTo');
    expect(await t.sql('SELECT id FROM return_request WHERE order_id = ?', [o.id])).toEqual([]);
    // Nor does an exchange go to store credit.
    const mix = await t.gql(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'EXCHANGE', refundTo: 'STORE_CREDIT' } }, guestOrder.accessToken);
    expect(codeOf(mix)).toBe('BAD_USER_INPUT');
    await settled(t);
    await expectReconciled(t);
  });
});
