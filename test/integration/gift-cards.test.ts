// Gift cards on both databases, through GraphQL: issued with a code shown once and stored hashed; spent
// as tender at placement in the order's transaction (two orders spending one card at once never take it
// below zero); refused when expired, disabled or in another currency with nothing changed; an order paid
// partly by gift card and partly by card (captures, invoice, a return split between them, units cancelled)
// and a cancel that gives the card back once however often the event is handled; a property test of the
// ledger. The reconcile helper runs after each.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { APPROVE_RETURN, RECEIVE_RETURN, REQUEST_RETURN } from '../helpers/returns.js';
import { giveBackOnCancel } from '../../src/gift-cards/give-back.js';
import { give, take } from '../../src/gift-cards/tender-ledger.js';
import { TenderEntryKind } from '../../src/gift-cards/gift-card.entity.js';
import type { Em } from '../../src/kernel/db/orm.js';

const ISSUE = `mutation($i: IssueGiftCardInput!, $key: String) { issueGiftCard(input: $i, idempotencyKey: $key) { code giftCard { id last4 balance currencyCode initialAmount disabled } } }`;
const BALANCE = `query($code: String!) { giftCard(code: $code) { balance currencyCode expiresAt last4 spendable } }`;
const CARDS = `{ giftCards(first: 50) { totalCount nodes { id last4 balance } } }`;
const LEDGER = `query($id: ID!) { giftCardLedger(giftCardId: $id, first: 50) { nodes { kind amount balanceAfter orderId } } }`;
const DISABLE = `mutation($id: ID!) { disableGiftCard(id: $id) { id disabled } }`;
const ADJUST = `mutation($id: ID!, $amount: Money!, $reason: String!, $key: String) { adjustGiftCard(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id balance } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status total discountTotal discounts { kind label amount }
  payments { status amount amountCaptured amountRefunded } invoices { kind total subtotal taxTotal lines { description total } }
  lines { id sku quantity } } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id, reason: "changed mind") { id status } }`;
const CANCEL_LINES = `mutation($orderId: ID!, $lines: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $orderId, lines: $lines, reason: "too slow") { id status total } }`;
const RETURN = `query($id: ID!) { returnRequest(id: $id) { id status refundTotal tenderRefundTotal storeCreditTotal refundTo } }`;
const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;

const giftCard = (code: string, amount?: number) => ({ discounts: [{ kind: 'gift-card', code, ...(amount ? { amount } : {}) }] });

describe.each(DB_KINDS)('gift cards on %s', (kind: DbKind) => {
  let t: TestEngine;
  let token: string;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    // Tax 0 keeps the arithmetic readable; shipping 5.00.
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'hold', priority: 20 }],
      variants: [{ sku: 'SHIPS', price: 5000, stock: { auto: 200 } }, { sku: 'WAITS', price: 4000, stock: { hold: 200 } }, { sku: 'WAITS2', price: 4000, stock: { hold: 200 } }],
      taxPercent: 0, shippingPrice: 500,
    });
    token = ok(await t.gql(REGISTER, { i: { email: `gc-${kind}@example.com`, password: 'correct horse battery' } })).registerCustomer.token;
  }, 120_000);
  afterAll(async () => t?.stop());

  const issue = async (amount: number, extra: Record<string, unknown> = {}) =>
    ok(await t.admin(ISSUE, { i: { currencyCode: 'EUR', amount, ...extra } })).issueGiftCard as { code: string; giftCard: { id: string; last4: string; balance: number } };
  const balanceOf = async (code: string) => ok(await t.gql(BALANCE, { code })).giftCard.balance as number;
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = (sku: string, quantity: number, extra: Record<string, unknown>) => t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }], extra) }, token);

  it('issues a card whose code is shown once and stored only as its hash and last four characters', async () => {
    const issued = await issue(5000, { note: 'birthday', recipientEmail: 'Friend@Example.com' });
    expect(issued.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(issued.giftCard).toMatchObject({ balance: 5000, initialAmount: 5000, currencyCode: 'EUR', disabled: false, last4: issued.code.slice(-4) });
    const [row] = await t.sql('SELECT * FROM gift_card WHERE id = ?', [issued.giftCard.id]);
    const raw = issued.code.replace(/-/g, '');
    expect(row.code_hash).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(raw);
    expect(JSON.stringify(row)).not.toContain(issued.code);
    // The code is in no other table either (ledger, outbox).
    for (const [table] of [['gift_card_entry'], ['outbox_event']]) {
      const rows = await t.sql(`SELECT * FROM ${table}`);
      expect(JSON.stringify(rows)).not.toContain(raw);
    }
    // The buyer reads the balance by the code (typed in lower case with spaces); an unknown code is NOT_FOUND.
    expect(ok(await t.gql(BALANCE, { code: ` ${issued.code.toLowerCase().replace(/-/g, ' ')} ` })).giftCard).toEqual({ balance: 5000, currencyCode: 'EUR', expiresAt: null, last4: issued.code.slice(-4), spendable: true });
    expect(codeOf(await t.gql(BALANCE, { code: 'AAAA-BBBB-CCCC-DDDD' }))).toBe('NOT_FOUND');
    // Staff list it; customers may not; a repeated idempotency key answers the card without the code.
    expect(ok(await t.admin(CARDS)).giftCards.nodes.map((n: any) => n.id)).toContain(issued.giftCard.id);
    expect(codeOf(await t.gql(CARDS, {}, token))).toBe('FORBIDDEN');
    const first = ok(await t.admin(ISSUE, { i: { currencyCode: 'EUR', amount: 700 }, key: `issue-${kind}` })).issueGiftCard;
    const again = ok(await t.admin(ISSUE, { i: { currencyCode: 'EUR', amount: 700 }, key: `issue-${kind}` })).issueGiftCard;
    expect(first.code).toMatch(/^[A-Z2-9-]{19}$/);
    expect(again).toEqual({ code: null, giftCard: first.giftCard });
    expect(ok(await t.admin(LEDGER, { id: issued.giftCard.id })).giftCardLedger.nodes).toEqual([{ kind: 'ISSUED', amount: 5000, balanceAfter: 5000, orderId: null }]);
  });

  it('a 50.00 gift card spent by two 40.00 orders at once: one is paid with it, the other refused, never below zero', async () => {
    for (let round = 0; round < 3; round++) {
      const { code, giftCard: card } = await issue(5000);
      // 1 × WAITS = 40.00 + 5.00 shipping: each order asks the card for 40.00.
      // Two SKUs: the orders meet at the gift card's row, not at a stock row.
      const answers = await Promise.all(['WAITS', 'WAITS2'].map((sku) => place(sku, 1, giftCard(code, 4000))));
      const placed = answers.filter((a) => !a.errors);
      const refused = answers.filter((a) => a.errors);
      expect(placed).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(codeOf(refused[0])).toBe('BAD_USER_INPUT');
      expect(refused[0].errors![0].extensions).toMatchObject({ reason: 'GIFT_CARD_INSUFFICIENT_BALANCE', field: 'input.discounts' });
      const o = placed[0].data.placeOrder.order;
      expect(o.total).toBe(500); // the card paid 40.00, the card payment the shipping
      expect(o.payments[0].amount).toBe(500);
      expect(await balanceOf(code)).toBe(1000);
      const [row] = await t.sql('SELECT balance FROM gift_card WHERE id = ?', [card.id]);
      expect(Number(row.balance)).toBe(1000);
      const entries = ok(await t.admin(LEDGER, { id: card.id })).giftCardLedger.nodes;
      expect(entries.map((e: any) => [e.kind, e.amount, e.balanceAfter])).toEqual([['SPENT', -4000, 1000], ['ISSUED', 5000, 5000]]);
    }
    // Without an amount, the card pays what it has (10.00) and the card payment the rest; a quote shows it
    // first and takes nothing.
    const { code } = await issue(1000);
    const quote = ok(await t.gql(`query($input: PlaceOrderInput!) { quoteOrder(input: $input) { total discountTotal discounts { kind amount } placeable } }`,
      { input: orderInput([{ sku: 'WAITS', quantity: 1 }], giftCard(code)) }, token)).quoteOrder;
    expect(quote).toMatchObject({ total: 3500, discountTotal: 1000, discounts: [{ kind: 'gift-card', amount: 1000 }], placeable: true });
    expect(await balanceOf(code)).toBe(1000);
    const o = ok(await place('WAITS', 1, giftCard(code))).placeOrder.order;
    expect(o.total).toBe(3500);
    expect(await balanceOf(code)).toBe(0);
    await settled(t);
    await expectReconciled(t);
  });

  it('refuses an expired, a disabled, an empty or a foreign-currency card, and changes nothing', async () => {
    const expired = await issue(5000, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    const disabled = await issue(5000);
    ok(await t.admin(DISABLE, { id: disabled.giftCard.id }));
    const dollars = await issue(5000, { currencyCode: 'USD' });
    await new Promise((r) => setTimeout(r, 1600));
    expect(ok(await t.gql(BALANCE, { code: expired.code })).giftCard.spendable).toBe(false);
    await settled(t);
    const before = await snapshot(t);
    const cards = await t.sql('SELECT id, balance FROM gift_card ORDER BY id');
    const entries = await t.sql('SELECT COUNT(*) AS n FROM gift_card_entry');
    for (const [code, reason] of [[expired.code, 'GIFT_CARD_EXPIRED'], [disabled.code, 'GIFT_CARD_DISABLED'], [dollars.code, 'GIFT_CARD_CURRENCY'], ['ZZZZ-ZZZZ-ZZZZ-ZZZZ', 'GIFT_CARD_UNKNOWN']]) {
      const r = await place('WAITS', 1, giftCard(code));
      expect(codeOf(r), reason).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions!.reason).toBe(reason);
    }
    expect(await snapshot(t)).toEqual(before);
    expect(await t.sql('SELECT id, balance FROM gift_card ORDER BY id')).toEqual(cards);
    expect(await t.sql('SELECT COUNT(*) AS n FROM gift_card_entry')).toEqual(entries);
  });

  it('adjusts a balance with a reason, once per key, never below zero', async () => {
    const { giftCard: card } = await issue(1000);
    expect(ok(await t.admin(ADJUST, { id: card.id, amount: 250, reason: 'goodwill', key: `adj-${kind}` })).adjustGiftCard.balance).toBe(1250);
    expect(ok(await t.admin(ADJUST, { id: card.id, amount: 250, reason: 'goodwill', key: `adj-${kind}` })).adjustGiftCard.balance).toBe(1250);
    const refused = await t.admin(ADJUST, { id: card.id, amount: -1300, reason: 'mistake' });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(ok(await t.admin(ADJUST, { id: card.id, amount: -1250, reason: 'mistake' })).adjustGiftCard.balance).toBe(0);
    expect(codeOf(await t.gql(ADJUST, { id: card.id, amount: 5, reason: 'x' }, token))).toBe('FORBIDDEN');
  });

  it('an order paid by gift card and card, cancelled: the card payment is voided and the gift card given back once, however often the event is handled', async () => {
    const { code, giftCard: card } = await issue(3000);
    // 2 × WAITS (80.00) + 5.00 shipping = 85.00: 30.00 by gift card, 55.00 authorized on the card.
    const placed = ok(await place('WAITS', 2, giftCard(code))).placeOrder.order;
    let o = await order(placed.id);
    expect(o).toMatchObject({ total: 5500, discountTotal: 3000, discounts: [{ kind: 'gift-card', label: `Gift card ••••${card.last4}`, amount: 3000 }] });
    expect(o.payments).toMatchObject([{ status: 'AUTHORIZED', amount: 5500 }]);
    expect(await balanceOf(code)).toBe(0);
    expect(ok(await t.admin(CANCEL, { id: placed.id })).cancelOrder.status).toBe('CANCELLED');
    await until(() => balanceOf(code), (b) => b === 3000);
    await settled(t);
    // The event handled again, twice at once and once more: nothing more comes back.
    const event = { id: 0, type: 'order.cancelled', payload: { orderId: placed.id }, at: new Date() };
    const ctx = { app: t.engine.app, em: t.em(), log: console, attempt: 2 } as any;
    await Promise.all([giveBackOnCancel(event, ctx), giveBackOnCancel(event, { ...ctx, em: t.em() })]);
    await giveBackOnCancel(event, ctx);
    expect(await balanceOf(code)).toBe(3000);
    const entries = ok(await t.admin(LEDGER, { id: card.id })).giftCardLedger.nodes;
    expect(entries.map((e: any) => [e.kind, e.amount, e.balanceAfter])).toEqual([['GIVEN_BACK', 3000, 3000], ['SPENT', -3000, 0], ['ISSUED', 3000, 3000]]);
    o = await order(placed.id);
    expect(o.payments).toMatchObject([{ status: 'VOIDED', amountCaptured: 0 }]);
    await expectReconciled(t);
  });

  it('units cancelled from an order paid partly by gift card: their share goes back to the card, the card payment owes the rest', async () => {
    const { code } = await issue(4250);
    // 2 × 40.00 + 5.00 = 85.00: 42.50 by gift card, 42.50 on the card.
    const placed = ok(await place('WAITS', 2, giftCard(code))).placeOrder.order;
    const lineId = placed.lines[0].id;
    ok(await t.admin(CANCEL_LINES, { orderId: placed.id, lines: [{ orderLineId: lineId, quantity: 1 }] }));
    // 40.00 cancelled of 85.00 owed: the gift card paid half of everything, 20.00 of it comes back.
    expect(await balanceOf(code)).toBe(2000);
    const o = await order(placed.id);
    expect(o).toMatchObject({ total: 2250, discountTotal: 2250, discounts: [{ kind: 'gift-card', amount: 2250 }] });
    await settled(t);
    await expectReconciled(t);
  });

  it('an order paid partly by gift card ships: captures, invoice at full price with the gift card shown; a return refunded partly to the card and partly to the gift card', async () => {
    const { code } = await issue(4000);
    // 2 × SHIPS (100.00) + 5.00 = 105.00: 40.00 by gift card, 65.00 captured when it ships.
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SHIPS', quantity: 2 }], giftCard(code)) }, token)).placeOrder;
    expect(placed.order.total).toBe(6500);
    const { order: delivered } = await deliveredAfter(t, placed.order.id);
    let o = await until(() => order(delivered.id), (x) => x.invoices.length === 1);
    expect(o.payments).toMatchObject([{ status: 'PAID', amount: 6500, amountCaptured: 6500 }]);
    const [invoice] = o.invoices;
    expect(invoice).toMatchObject({ kind: 'INVOICE', total: 6500, subtotal: 10500, taxTotal: 0 });
    // The goods and shipping at their full price, then what the gift card paid.
    expect(invoice.lines.slice(0, -1).reduce((s: number, l: any) => s + l.total, 0)).toBe(10500);
    expect(invoice.lines.at(-1)).toMatchObject({ description: expect.stringMatching(/^Paid by Gift card ••••[A-Z2-9]{4}$/), total: -4000 });
    await expectReconciled(t);

    // One unit back (50.00 of the 105.00 owed): 40/105 of it goes back to the gift card, the rest to the card.
    const line = o.lines[0];
    const requested = ok(await t.gql(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: line.id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND' } }, token)).requestReturn;
    ok(await t.admin(APPROVE_RETURN, { id: requested.id }));
    ok(await t.admin(RECEIVE_RETURN, { id: requested.id, lines: [{ returnLineId: requested.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }));
    const done = await until(async () => ok(await t.admin(RETURN, { id: requested.id })).returnRequest, (r) => r.status === 'COMPLETED');
    const tenderShare = Math.round((4000 * 5000) / 10500); // 1905
    expect(done).toMatchObject({ refundTotal: 5000 - tenderShare, tenderRefundTotal: tenderShare, storeCreditTotal: 0, refundTo: 'ORIGINAL_PAYMENT' });
    expect(await balanceOf(code)).toBe(tenderShare);
    o = await until(() => order(delivered.id), (x) => x.invoices.length === 2);
    expect(o.payments).toMatchObject([{ amountCaptured: 6500, amountRefunded: 5000 - tenderShare }]);
    expect(o.invoices[1]).toMatchObject({ kind: 'CREDIT_NOTE', total: 5000 - tenderShare });
    await settled(t);
    await expectReconciled(t);
    expect(ok(await t.admin(`{ unreconciledOrders { id } }`)).unreconciledOrders).toEqual([]);
  });

  it('an order paid in full by gift card: nothing to authorize, an invoice over 0.00 that shows the full price', async () => {
    const { code } = await issue(20_000);
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SHIPS', quantity: 1 }], giftCard(code)) }, token)).placeOrder;
    expect(placed.order).toMatchObject({ total: 0, status: 'CONFIRMED' });
    const { order: delivered } = await deliveredAfter(t, placed.order.id);
    const o = await until(() => order(delivered.id), (x) => x.invoices.length === 1);
    expect(o.invoices[0]).toMatchObject({ total: 0, subtotal: 5500 });
    expect(await balanceOf(code)).toBe(14_500);
    await expectReconciled(t);
  });

  it('keeps a card\'s balance equal to its ledger and never below zero through random issue, spend, give-back and adjust sequences', async () => {
    const em = () => t.em().fork() as Em;
    const tx = <T>(f: (e: Em) => Promise<T>) => em().transactional((e) => f(e as Em));
    const step = fc.oneof(
      fc.record({ op: fc.constant('spend'), q: fc.integer({ min: 1, max: 6000 }) }),
      fc.record({ op: fc.constant('giveBack'), q: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ op: fc.constant('adjust'), q: fc.integer({ min: -4000, max: 4000 }).filter((x) => x !== 0) }),
      fc.record({ op: fc.constant('repeat') }),
    );
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 8000 }), fc.array(step, { minLength: 1, maxLength: 10 }), async (initial, steps) => {
      const { giftCard: card } = await issue(initial);
      const account = { kind: 'gift-card' as const, id: card.id };
      let expected = initial;
      let n = 0;
      let lastKey = `issue:${card.id}`;
      run++;
      for (const s of steps as any[]) {
        const key = `p${run}-${n++}`;
        if (s.op === 'spend' || (s.op === 'adjust' && s.q < 0)) {
          const q = Math.abs(s.q);
          const r = await tx((e) => take(e, account, { kind: s.op === 'spend' ? TenderEntryKind.SPENT : TenderEntryKind.ADJUSTED, amount: q, sourceKey: key }, { spendable: true }));
          if (q <= expected) { expect(r).toEqual({ balance: expected - q }); expected -= q; lastKey = key; } else expect(r).toBe('insufficient');
        } else if (s.op === 'giveBack' || s.op === 'adjust') {
          const q = Math.abs(s.q);
          expect(await tx((e) => give(e, account, { kind: s.op === 'adjust' ? TenderEntryKind.ADJUSTED : TenderEntryKind.GIVEN_BACK, amount: q, sourceKey: key }))).toBe(expected + q);
          expected += q;
          lastKey = key;
        } else {
          // A posting repeated with its source key changes nothing (a give) or is rolled back (a take).
          expect(await tx((e) => give(e, account, { kind: TenderEntryKind.GIVEN_BACK, amount: 1, sourceKey: lastKey }))).toBeNull();
        }
        const [row] = await t.sql('SELECT balance, (SELECT COALESCE(SUM(amount), 0) FROM gift_card_entry WHERE gift_card_id = ?) AS ledger FROM gift_card WHERE id = ?', [card.id, card.id]);
        expect(Number(row.balance)).toBe(expected);
        expect(Number(row.ledger)).toBe(expected);
        expect(expected).toBeGreaterThanOrEqual(0);
      }
    }), { numRuns: kind === 'sqlite' ? 25 : 12 });
    await expectReconciled(t);
  });
});

/** Waits for an order at the autoFulfill location to ship, then delivers it. */
async function deliveredAfter(t: TestEngine, orderId: string) {
  const DELIVERY = `query($id: ID!) { order(id: $id) { id status paymentStatus shipments { status trackingNumber } } }`;
  const read = async () => ok(await t.admin(DELIVERY, { id: orderId })).order;
  const shipped = await until(read, (o) => o.status === 'SHIPPED' && o.shipments.every((s: any) => s.trackingNumber));
  for (const s of shipped.shipments) ok(await t.admin(`mutation($i: TrackingEventInput!) { recordTrackingEvent(input: $i) { id } }`, { i: { trackingNumber: s.trackingNumber, status: 'DELIVERED', location: 'Berlin' } }));
  return { order: await until(read, (x) => x.status === 'DELIVERED' && x.paymentStatus === 'PAID') };
}

