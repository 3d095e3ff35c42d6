// Returns (RMA) on both databases, through GraphQL: request by the buyer, approval with a return label,
// receipt with restocking per disposition, refunds with credit notes, exchanges shipping a replacement,
// the refusals (too many units, twice, past the window, someone else's order), and an idempotent refund job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { ReturnService } from '../../src/returns/return.service.js';
import { sleep, until } from '../helpers/until.js';
import { APPROVE_RETURN as APPROVE, deliveredOrder, RECEIVE_RETURN as RECEIVE, REQUEST_RETURN as REQUEST, RETURN_FIELDS } from '../helpers/returns.js';

const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectReturn(id: $id, reason: $reason) { ${RETURN_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelReturn(id: $id) { ${RETURN_FIELDS} } }`;
const RETURN = `query($id: ID!) { returnRequest(id: $id) { ${RETURN_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) {
  id status paymentStatus total
  lines { id sku quantity quantityShipped quantityReturned lineTotal }
  shipments { status trackingNumber deliveredAt }
  payments { status amountCaptured amountRefunded refunds { amount reason } }
  invoices { kind total }
  returns { id status }
  history { type message }
} }`;
const UNRECONCILED = `{ unreconciledOrders { id number } }`;


describe.each(DB_KINDS)('returns on %s', (kind: DbKind) => {
  let t: TestEngine;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }],
      variants: [
        { sku: 'R1', price: 1000, stock: { auto: 50 } },
        { sku: 'R2', price: 500, stock: { auto: 50 } },
        { sku: 'BO', price: 700, allowBackorder: true, stock: { auto: 1 } },
      ],
    });
    alice = ok(await t.gql(REGISTER, { i: { email: 'alice@example.com', password: 'correct horse' } })).registerCustomer.token;
    bob = ok(await t.gql(REGISTER, { i: { email: 'bob@example.com', password: 'battery staple' } })).registerCustomer.token;
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const ret = async (id: string) => ok(await t.admin(RETURN, { id })).returnRequest;
  const onHand = async (sku: string) => {
    const [row] = await t.sql('SELECT sl.on_hand, sl.reserved FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?', [sku, 'auto']);
    return Number(row.on_hand);
  };

  /** Places an order as Alice, lets the workers ship it, and delivers it. */
  const delivered = (lines: { sku: string; quantity: number }[], token = alice) => deliveredOrder(t, lines, token);
  const lineOf = (o: any, sku: string) => o.lines.find((l: any) => l.sku === sku);
  const request = (token: string, orderId: string, lines: any[], resolution = 'REFUND', approve?: boolean) =>
    t.gql(REQUEST, { i: { orderId, lines, resolution, customerNote: 'please' }, approve }, token);

  it('returns one line in full: label, restock, refund with credit note, reconciled', async () => {
    const { order: o } = await delivered([{ sku: 'R1', quantity: 2 }, { sku: 'R2', quantity: 1 }]);
    const before = await onHand('R1');
    const r1 = lineOf(o, 'R1');
    const requested = ok(await request(alice, o.id, [{ orderLineId: r1.id, quantity: 2, reason: 'CHANGED_MIND' }])).requestReturn;
    expect(requested).toMatchObject({ status: 'REQUESTED', resolution: 'REFUND', customerNote: 'please', refundTotal: null, labelUrl: null, order: { id: o.id } });
    expect(requested.number).toMatch(/^RMA-DEFAULT-\d{6}$/);
    // The customer cannot approve or receive.
    expect(codeOf(await t.gql(APPROVE, { id: requested.id }, alice))).toBe('FORBIDDEN');

    expect(ok(await t.admin(APPROVE, { id: requested.id })).approveReturn.status).toBe('APPROVED');
    const labelled = await until(() => ret(requested.id), (r) => !!r.labelUrl);
    expect(labelled.trackingNumber).toMatch(/^SIM\d{12}$/);
    expect(labelled.labelUrl).toMatch(/signature=/);

    const received = ok(await t.admin(RECEIVE, { id: requested.id, lines: [{ returnLineId: requested.lines[0].id, quantity: 2, disposition: 'RESTOCK' }] })).receiveReturn;
    expect(received.status).toBe('RECEIVED');
    expect(received.lines[0]).toMatchObject({ quantityReceived: 2, disposition: 'RESTOCK', orderLine: { quantityReturned: 2 } });
    expect(await onHand('R1')).toBe(before + 2);

    const done = await until(() => ret(requested.id), (r) => r.status === 'COMPLETED');
    expect(done.refundTotal).toBe(r1.lineTotal); // 2 × 10.00 + 19 % = 23.80, no shipping for a change of mind
    // Invoices and history are read by two statements of one request, each its own snapshot: wait for both.
    const after = await until(() => order(o.id), (x) => x.invoices.some((i: any) => i.kind === 'CREDIT_NOTE') && x.history.some((h: any) => h.type === 'CREDIT_NOTE_ISSUED'));
    expect(after.payments[0]).toMatchObject({ status: 'PARTIALLY_REFUNDED', amountRefunded: r1.lineTotal });
    expect(after.invoices.find((i: any) => i.kind === 'CREDIT_NOTE').total).toBe(r1.lineTotal);
    expect(after.returns).toEqual([{ id: requested.id, status: 'COMPLETED' }]);
    const types = after.history.map((h: any) => h.type);
    expect(types).toEqual(expect.arrayContaining(['RETURN_REQUESTED', 'RETURN_APPROVED', 'RETURN_LABEL_CREATED', 'RETURN_RECEIVED', 'RETURN_REFUNDED', 'RETURN_COMPLETED', 'PAYMENT_REFUNDED', 'CREDIT_NOTE_ISSUED']));
    const movements = await t.sql("SELECT delta FROM stock_movement WHERE order_id = ? AND reason = 'RETURNED'", [o.id]);
    expect(movements.map((m: any) => Number(m.delta))).toEqual([2]);
    const events = await t.sql("SELECT type, payload FROM outbox_event WHERE type LIKE 'return.%' AND aggregate_id = ? ORDER BY id", [o.id]);
    expect(events.map((e: any) => e.type)).toEqual(['return.requested', 'return.approved', 'return.label_created', 'return.received', 'return.refunded', 'return.completed']);
    for (const e of events) expect(typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload).toMatchObject({ orderId: o.id, returnId: requested.id });
    await until(async () => ok(await t.admin(UNRECONCILED)).unreconciledOrders, (u) => u.length === 0);

    // The refund job again (a replay after a crash before the status was written): nothing refunded twice.
    await t.sql('UPDATE return_request SET status = ? WHERE id = ?', ['RECEIVED', requested.id]);
    const service = t.engine.app.service(ReturnService);
    await service.resolve(t.em(), requested.id);
    await service.resolve(t.em(), requested.id);
    const again = await order(o.id);
    expect(again.payments[0].amountRefunded).toBe(r1.lineTotal);
    expect(again.payments[0].refunds).toHaveLength(1);
    expect((await ret(requested.id)).status).toBe('COMPLETED');
  });

  it('takes partial quantities and counts what was returned and what is in open returns', async () => {
    const { order: o, accessToken } = await delivered([{ sku: 'R2', quantity: 3 }]);
    const line = lineOf(o, 'R2');
    // Staff create and approve in one step; a customer's `approve` is ignored.
    const r = ok(await t.admin(REQUEST, { i: { orderId: o.id, lines: [{ orderLineId: line.id, quantity: 2, reason: 'SIZE_OR_FIT' }], resolution: 'REFUND' }, approve: true })).requestReturn;
    expect(r.status).toBe('APPROVED');
    // 2 of 3 are in an open return: a third request for 2 is refused, 1 is fine (with the order's access token).
    expect(codeOf(await request(accessToken, o.id, [{ orderLineId: line.id, quantity: 2, reason: 'OTHER' }]))).toBe('BAD_USER_INPUT');
    const other = ok(await request(accessToken, o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }], 'REFUND', true)).requestReturn;
    expect(other.status).toBe('REQUESTED');
    expect(ok(await t.gql(CANCEL, { id: other.id }, accessToken)).cancelReturn.status).toBe('CANCELLED');
    expect(codeOf(await t.gql(CANCEL, { id: other.id }, accessToken))).toBe('INVALID_STATE_TRANSITION');

    const received = ok(await t.admin(RECEIVE, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] })).receiveReturn;
    expect(received.lines[0]).toMatchObject({ quantity: 2, quantityReceived: 1, orderLine: { quantityReturned: 1 } });
    const done = await until(() => ret(r.id), (x) => x.status === 'COMPLETED');
    expect(done.refundTotal).toBe(Math.round(line.lineTotal / 3));
    // Received once: a second receipt is refused. Two units are still returnable.
    expect(codeOf(await t.admin(RECEIVE, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await request(alice, o.id, [{ orderLineId: line.id, quantity: 3, reason: 'OTHER' }]))).toBe('BAD_USER_INPUT');
    expect(ok(await request(alice, o.id, [{ orderLineId: line.id, quantity: 2, reason: 'OTHER' }])).requestReturn.status).toBe('REQUESTED');
  });

  it('keeps damaged units out of stock and refunds shipping for a damaged item', async () => {
    const { order: o } = await delivered([{ sku: 'R1', quantity: 1 }]);
    const before = await onHand('R1');
    const r = ok(await request(alice, o.id, [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'DAMAGED' }])).requestReturn;
    ok(await t.admin(APPROVE, { id: r.id }));
    const received = ok(await t.admin(RECEIVE, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'DAMAGED' }] })).receiveReturn;
    expect(received.lines[0]).toMatchObject({ disposition: 'DAMAGED', quantityReceived: 1 });
    const done = await until(() => ret(r.id), (x) => x.status === 'COMPLETED');
    expect(done.refundTotal).toBe(o.total);
    expect(await onHand('R1')).toBe(before);
    expect(await t.sql("SELECT id FROM stock_movement WHERE order_id = ? AND reason = 'RETURNED'", [o.id])).toEqual([]);
    // Invoices and history are read by two statements of one request, each its own snapshot: wait for both.
    const after = await until(() => order(o.id), (x) => x.invoices.some((i: any) => i.kind === 'CREDIT_NOTE') && x.history.some((h: any) => h.type === 'CREDIT_NOTE_ISSUED'));
    expect(after.paymentStatus).toBe('REFUNDED');
  });

  it('ships a replacement order at no charge for an exchange', async () => {
    const { order: o } = await delivered([{ sku: 'R2', quantity: 1 }]);
    const r = ok(await request(alice, o.id, [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'SIZE_OR_FIT' }], 'EXCHANGE')).requestReturn;
    ok(await t.admin(APPROVE, { id: r.id }));
    ok(await t.admin(RECEIVE, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }));
    const done = await until(() => ret(r.id), (x) => x.status === 'COMPLETED');
    expect(done.refundTotal).toBeNull();
    expect(done.exchangeOrder).toMatchObject({ total: 0, paymentStatus: 'PAID', lines: [{ sku: 'R2', quantity: 1, lineTotal: 0 }] });
    const shipped = await until(() => order(done.exchangeOrder.id), (x) => x.status === 'SHIPPED');
    expect(shipped.shipments.map((s: any) => s.status)).toEqual(['SHIPPED']);
    expect((await order(o.id)).payments[0].amountRefunded).toBe(0);
    await until(async () => ok(await t.admin(UNRECONCILED)).unreconciledOrders, (u) => u.length === 0);
  });

  it('serves a waiting backorder with restocked units', async () => {
    const { order: o } = await delivered([{ sku: 'BO', quantity: 1 }]);
    const waiting = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'BO', quantity: 1 }]) }, bob)).placeOrder.order;
    expect(waiting.status).toBe('BACKORDERED');
    const r = ok(await t.admin(REQUEST, { i: { orderId: o.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND' }, approve: true })).requestReturn;
    ok(await t.admin(RECEIVE, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }));
    await until(() => order(waiting.id), (x) => x.status === 'SHIPPED');
  });

  it('refuses more than shipped, twice, past the window, someone else, and rejects with a reason', async () => {
    const { order: o } = await delivered([{ sku: 'R1', quantity: 2 }]);
    const line = o.lines[0];
    expect(codeOf(await request(alice, o.id, [{ orderLineId: line.id, quantity: 3, reason: 'OTHER' }]))).toBe('BAD_USER_INPUT');
    expect(codeOf(await request(bob, o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }]))).toBe('FORBIDDEN');
    expect(codeOf(await request('', o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }]))).toBe('UNAUTHENTICATED');
    const first = ok(await request(alice, o.id, [{ orderLineId: line.id, quantity: 2, reason: 'OTHER' }])).requestReturn;
    expect(codeOf(await request(alice, o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }]))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(RETURN, { id: first.id }, bob))).toBe('FORBIDDEN');
    expect(ok(await t.gql(RETURN, { id: first.id }, alice)).returnRequest.id).toBe(first.id);
    expect(codeOf(await t.admin(REJECT, { id: first.id, reason: ' ' }))).toBe('BAD_USER_INPUT');
    expect(ok(await t.admin(REJECT, { id: first.id, reason: 'Worn' })).rejectReturn.status).toBe('REJECTED');
    expect(codeOf(await t.admin(APPROVE, { id: first.id }))).toBe('INVALID_STATE_TRANSITION');

    // Delivered 31 days ago: past the 30-day window.
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    await t.sql('UPDATE shipment SET delivered_at = ? WHERE order_id = ?', [kind === 'postgresql' ? longAgo : longAgo.getTime(), o.id]);
    const late = await request(alice, o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }]);
    expect(codeOf(late)).toBe('BAD_USER_INPUT');
    expect(late.errors![0].message).toMatch(/return window of 30 days/);
    expect((await order(o.id)).returns).toHaveLength(1);

    // The channel's own window: 45 days lets it through, 7 days refuses earlier; null is the default again.
    const UPDATE = `mutation($i: UpdateChannelInput!) { updateChannel(code: "default", input: $i) { code returnWindowDays capturePolicy } }`;
    expect(codeOf(await t.gql(UPDATE, { i: { returnWindowDays: 45 } }, alice))).toBe('FORBIDDEN');
    expect(codeOf(await t.admin(UPDATE, { i: { returnWindowDays: -1 } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`mutation { updateChannel(code: "nope", input: { returnWindowDays: 5 }) { code } }`))).toBe('NOT_FOUND');
    expect(ok(await t.admin(UPDATE, { i: { returnWindowDays: 45 } })).updateChannel).toEqual({ code: 'default', returnWindowDays: 45, capturePolicy: 'ON_FIRST_SHIPMENT' });
    const within = ok(await request(alice, o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }])).requestReturn;
    expect(within.status).toBe('REQUESTED');
    ok(await t.gql(CANCEL, { id: within.id }, alice));
    ok(await t.admin(UPDATE, { i: { returnWindowDays: 7 } }));
    expect((await request(alice, o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }])).errors![0].message).toMatch(/return window of 7 days/);
    expect(ok(await t.admin(UPDATE, { i: { returnWindowDays: null } })).updateChannel.returnWindowDays).toBeNull();
    expect((await request(alice, o.id, [{ orderLineId: line.id, quantity: 1, reason: 'OTHER' }])).errors![0].message).toMatch(/return window of 30 days/);
  });
});
