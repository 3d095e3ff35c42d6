// Draft orders (issue 13, item 4), on both databases through GraphQL: staff put an order together, see it
// priced with their price overrides, and complete it through placeOrder. A draft reserves nothing and no
// customer reads it; completing places one order (a retry with the key answers it again); out of stock
// leaves the draft open and changes nothing; a bank-transfer order gets a mail saying what to pay.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { ADDRESS, setupShop, snapshot } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { parseMail } from '../helpers/mail.js';

const DRAFT_FIELDS = `id status email channelCode shippingMethodCode note
  lines { sku quantity unitPrice priceOverrideReason }
  customer { id }
  quote { subtotal shippingTotal taxTotal total placeable lines { sku unitPrice lineTotal } problems { path code } }
  order { id number status paymentStatus subtotal taxTotal total email customer { id }
    lines { sku quantity unitPrice lineTotal } history { type message } }`;
const CREATE = `mutation($i: CreateDraftOrderInput!) { createDraftOrder(input: $i) { ${DRAFT_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateDraftOrderInput!) { updateDraftOrder(id: $id, input: $i) { ${DRAFT_FIELDS} } }`;
const COMPLETE = `mutation($id: ID!, $p: PaymentInput!, $key: String) { completeDraftOrder(id: $id, payment: $p, idempotencyKey: $key) { ${DRAFT_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteDraftOrder(id: $id) }`;
const DRAFT = `query($id: ID!) { draftOrder(id: $id) { ${DRAFT_FIELDS} } }`;
const DRAFTS = `query($first: Int, $after: String) { draftOrders(first: $first, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id } }`;
const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const RESERVED = 'SELECT COALESCE(SUM(reserved), 0) AS n FROM stock_level sl JOIN product_variant v ON v.id = sl.variant_id WHERE v.sku = ?';
const CARD = { method: 'test-card', token: 'tok_visa' };

describe.each(DB_KINDS)('draft orders on %s', (kind: DbKind) => {
  let t: TestEngine;
  let customer: { id: string; token: string };

  beforeAll(async () => {
    t = await startTestEngine(kind);
    // 19 % tax, shipping 4.95: D1 2 × 20.00 (overridden from 25.00) + D2 1 × 10.00.
    await setupShop(t, { variants: [
      { sku: 'D1', price: 2500, stock: { 'wh-a': 50 } },
      { sku: 'D2', price: 1000, stock: { 'wh-a': 50 } },
      { sku: 'LOW', price: 700, stock: { 'wh-a': 1 } },
    ] });
    const reg = ok(await t.gql(REGISTER, { i: { email: `b2b-${kind}@example.com`, password: 'correct horse battery' } })).registerCustomer;
    customer = { id: reg.customer.id, token: reg.token };
  }, 60_000);
  afterAll(async () => t?.stop());

  const reserved = async (sku: string) => Number((await t.sql(RESERVED, [sku]))[0].n);
  const drafts = async () => Number((await t.sql('SELECT COUNT(*) AS n FROM draft_order'))[0].n);
  const draftInput = (lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    customerId: customer.id, lines, shippingAddress: ADDRESS, shippingMethodCode: 'standard', note: 'phoned in', ...extra,
  });
  const overridden = [{ sku: 'D1', quantity: 2, unitPrice: 2000, priceOverrideReason: 'B2B volume price' }, { sku: 'D2', quantity: 1 }];

  it('a draft reserves nothing, shows its price with the overrides, and only staff read it', async () => {
    const before = await snapshot(t);
    const draft = ok(await t.admin(CREATE, { i: draftInput(overridden) })).createDraftOrder;
    expect(draft.status).toBe('OPEN');
    expect(draft.email).toBe(`b2b-${kind}@example.com`); // the customer's
    expect(draft.customer.id).toBe(customer.id);
    expect(draft.order).toBeNull();
    // 2 × 20.00 + 10.00 = 50.00, tax 19 % on lines and shipping (9.50 + 0.94), shipping 4.95.
    expect(draft.quote).toMatchObject({ subtotal: 5000, shippingTotal: 495, taxTotal: 1044, total: 6539, placeable: true, problems: [] });
    expect(draft.quote.lines).toEqual([{ sku: 'D1', unitPrice: 2000, lineTotal: 4760 }, { sku: 'D2', unitPrice: 1000, lineTotal: 1190 }]);
    expect(await snapshot(t)).toEqual(before); // no order, no payment, nothing reserved or moved
    expect(await reserved('D1')).toBe(0);

    // The customer it is for, an order token, and nobody at all cannot read it.
    expect(codeOf(await t.gql(DRAFT, { id: draft.id }, customer.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(NODE, { id: draft.id }, customer.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(DRAFTS, {}, customer.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(DRAFT, { id: draft.id }))).toBe('UNAUTHENTICATED');
    const listed = ok(await t.admin(DRAFTS, { first: 100 })).draftOrders;
    expect(listed.nodes.map((d: any) => d.id)).toContain(draft.id);
  });

  it('updating replaces the lines; an override without a reason is BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const draft = ok(await t.admin(CREATE, { i: draftInput([{ sku: 'D2', quantity: 1 }]) })).createDraftOrder;
    const updated = ok(await t.admin(UPDATE, { id: draft.id, i: { lines: [{ sku: 'D2', quantity: 3 }, { sku: 'D1', quantity: 1 }] } })).updateDraftOrder;
    expect(updated.lines).toEqual([
      { sku: 'D2', quantity: 3, unitPrice: null, priceOverrideReason: null },
      { sku: 'D1', quantity: 1, unitPrice: null, priceOverrideReason: null },
    ]);
    expect(updated.note).toBe('phoned in'); // not given: kept
    expect(updated.quote.subtotal).toBe(3 * 1000 + 2500);

    const noReason = await t.admin(UPDATE, { id: draft.id, i: { note: 'changed', lines: [{ sku: 'D2', quantity: 3, unitPrice: 500 }] } });
    expect(codeOf(noReason)).toBe('BAD_USER_INPUT');
    expect(fieldOf(noReason)).toBe('input.lines[0].priceOverrideReason');
    expect(ok(await t.admin(DRAFT, { id: draft.id })).draftOrder).toEqual(updated);

    const count = await drafts();
    const createNoReason = await t.admin(CREATE, { i: draftInput([{ sku: 'D1', quantity: 1 }, { sku: 'D2', quantity: 1, unitPrice: 1 }]) });
    expect(codeOf(createNoReason)).toBe('BAD_USER_INPUT');
    expect(fieldOf(createNoReason)).toBe('input.lines[1].priceOverrideReason');
    expect(await drafts()).toBe(count);
  });

  it('completing places one CONFIRMED order at the overridden price; a retry with the key answers it again; a completed draft is closed', async () => {
    const draft = ok(await t.admin(CREATE, { i: draftInput(overridden) })).createDraftOrder;
    const key = `complete-${draft.id}`;
    const done = ok(await t.admin(COMPLETE, { id: draft.id, p: CARD, key })).completeDraftOrder;
    expect(done.status).toBe('COMPLETED');
    const order = done.order;
    expect(order).toMatchObject({ status: 'CONFIRMED', paymentStatus: 'AUTHORIZED', subtotal: 5000, taxTotal: 1044, total: 6539, email: `b2b-${kind}@example.com` });
    expect(order.customer.id).toBe(customer.id);
    expect(order.lines).toEqual([{ sku: 'D1', quantity: 2, unitPrice: 2000, lineTotal: 4760 }, { sku: 'D2', quantity: 1, unitPrice: 1000, lineTotal: 1190 }]);
    expect(order.history.find((h: any) => h.type === 'PLACED_FROM_DRAFT').message).toContain(draft.id);
    expect(order.history.find((h: any) => h.type === 'PRICE_OVERRIDDEN').message).toBe('Unit price of D1 set to €20.00 instead of €25.00: B2B volume price');
    expect(await reserved('D1')).toBe(2);

    // The retry (same key, same payment): the same order, and still one order.
    await settled(t); // the first order's own jobs have run: what follows is the retry's doing
    const before = await snapshot(t);
    const again = ok(await t.admin(COMPLETE, { id: draft.id, p: CARD, key })).completeDraftOrder;
    expect(again.order.id).toBe(order.id);
    expect(await snapshot(t)).toEqual(before);
    expect(Number((await t.sql('SELECT COUNT(*) AS n FROM orders WHERE email = ?', [`b2b-${kind}@example.com`]))[0].n)).toBe(1);

    // Anything else on a completed draft.
    expect(codeOf(await t.admin(COMPLETE, { id: draft.id, p: CARD, key: `${key}-other` }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(COMPLETE, { id: draft.id, p: CARD }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(UPDATE, { id: draft.id, i: { note: 'too late' } }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(DELETE, { id: draft.id }))).toBe('INVALID_STATE_TRANSITION');
    await settled(t);
    expect(await snapshot(t)).toEqual(before);
    // The customer reads their order (not the draft).
    expect(codeOf(await t.gql(`query($id: ID!) { order(id: $id) { id } }`, { id: order.id }, customer.token))).toBeUndefined();
    await expectReconciled(t, { orderIds: [order.id] });
  });

  it('two completions at once with one key (a retry racing the first): one order, both answer it', async () => {
    const email = `race-${kind}@example.com`;
    const draft = ok(await t.admin(CREATE, { i: draftInput([{ sku: 'D2', quantity: 2 }], { customerId: null, email }) })).createDraftOrder;
    const key = `race-${draft.id}`;
    const [a, b] = await Promise.all([t.admin(COMPLETE, { id: draft.id, p: CARD, key }), t.admin(COMPLETE, { id: draft.id, p: CARD, key })]);
    expect(ok(a).completeDraftOrder.order.id).toBe(ok(b).completeDraftOrder.order.id);
    expect(Number((await t.sql('SELECT COUNT(*) AS n FROM orders WHERE email = ?', [email]))[0].n)).toBe(1);
    await expectReconciled(t, { orderIds: [ok(a).completeDraftOrder.order.id] });
  });

  it('out of stock at completion: INSUFFICIENT_STOCK, the draft stays open and nothing changes', async () => {
    const draft = ok(await t.admin(CREATE, { i: draftInput([{ sku: 'D2', quantity: 1 }, { sku: 'LOW', quantity: 2 }]) })).createDraftOrder;
    expect(draft.quote.placeable).toBe(false); // the preview says so too
    await settled(t);
    const before = await snapshot(t);
    const r = await t.admin(COMPLETE, { id: draft.id, p: CARD, key: `oos-${draft.id}` });
    expect(codeOf(r)).toBe('INSUFFICIENT_STOCK');
    await settled(t);
    expect(await snapshot(t)).toEqual(before);
    expect(await reserved('LOW')).toBe(0);
    const still = ok(await t.admin(DRAFT, { id: draft.id })).draftOrder;
    expect(still.status).toBe('OPEN');
    expect(still.order).toBeNull();

    // Fixed, the same draft completes.
    const fixed = ok(await t.admin(UPDATE, { id: draft.id, i: { lines: [{ sku: 'D2', quantity: 1 }, { sku: 'LOW', quantity: 1 }] } })).updateDraftOrder;
    const done = ok(await t.admin(COMPLETE, { id: fixed.id, p: CARD, key: `oos-${draft.id}-2` })).completeDraftOrder;
    expect(done.order.status).toBe('CONFIRMED');
    await expectReconciled(t, { orderIds: [done.order.id] });
  });

  it('paid by bank transfer: a PENDING order, and the buyer is mailed the amount and the order number to quote', async () => {
    const email = `transfer-${kind}@example.com`;
    const draft = ok(await t.admin(CREATE, { i: draftInput(overridden, { customerId: null, email }) })).createDraftOrder;
    const order = ok(await t.admin(COMPLETE, { id: draft.id, p: { method: 'manual' }, key: `bank-${draft.id}` })).completeDraftOrder.order;
    expect(order).toMatchObject({ status: 'PENDING', paymentStatus: 'PENDING', total: 6539, customer: null });

    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    const mails = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []).map((f) => parseMail(readFileSync(join(dir, f), 'utf8')));
    const [mail] = await until(() => mails().filter((m) => m.headers.to === email), (m) => m.length > 0);
    expect(mail.subject).toBe(`Order ${order.number}: please pay €65.39`);
    expect(mail.text).toContain(`Amount: €65.39\nPayment reference: ${order.number}`);
    expect(mail.html).toContain('<strong>€65.39</strong>');
    expect(mail.html).toContain(`<strong>${order.number}</strong>`);
    await expectReconciled(t, { orderIds: [order.id] });
  });

  it('an open draft can be deleted', async () => {
    const draft = ok(await t.admin(CREATE, { i: draftInput([{ sku: 'D1', quantity: 1 }]) })).createDraftOrder;
    expect(ok(await t.admin(DELETE, { id: draft.id })).deleteDraftOrder).toBe(true);
    expect(ok(await t.admin(DRAFT, { id: draft.id })).draftOrder).toBeNull();
    expect(codeOf(await t.admin(DELETE, { id: draft.id }))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(DELETE, { id: draft.id }, customer.token))).toBe('FORBIDDEN');
  });
});
