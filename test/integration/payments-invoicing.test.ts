// Payments after authorization and invoicing, on both databases: capture (full, partial, by policy on
// placement or on the first shipment, a failing one ending ON_HOLD), void, refunds over several calls,
// idempotency keys, manual payments confirming orders, invoices and credit notes with gap-free numbers,
// PDFs behind signed links, access, and the reconciliation query staying empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { signPath } from '../../src/documents/signed-link.js';
import { pdfTextLines } from '../../src/documents/pdf/pdf-text.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';

const PAYMENT_FIELDS = 'id status amount amountCaptured amountRefunded currencyCode transactionId refunds { id amount reason status createdAt }';
const CAPTURE = `mutation($id: ID!, $amount: Money, $key: String) { capturePayment(id: $id, amount: $amount, idempotencyKey: $key) { ${PAYMENT_FIELDS} } }`;
const REFUND = `mutation($id: ID!, $amount: Money!, $reason: String, $key: String) { refundPayment(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { ${PAYMENT_FIELDS} } }`;
const VOID = `mutation($id: ID!, $key: String) { voidPayment(id: $id, idempotencyKey: $key) { ${PAYMENT_FIELDS} } }`;
const INVOICE_FIELDS = 'id number kind issuedAt currencyCode subtotal taxTotal total pdfUrl lines { description sku quantity unitPrice taxRatePercent total } correctsInvoice { id number } order { id }';
const ORDER = `query($id: ID!) { order(id: $id) {
  id number status paymentStatus subtotal shippingTotal taxTotal total
  payments { ${PAYMENT_FIELDS} }
  invoices { ${INVOICE_FIELDS} }
  history { type fromStatus toStatus actor message }
} }`;
const INVOICE = `query($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`;
const UNRECONCILED = `{ unreconciledOrders { id number } }`;


const CAPTURE_ATTEMPTS = 3;

describe.each(DB_KINDS)('payments and invoicing on %s', (kind: DbKind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_CAPTURE_ATTEMPTS: String(CAPTURE_ATTEMPTS), ORDO_CAPTURE_BACKOFF_MS: '50' } });
    await setupShop(t, {
      locations: [{ code: 'wh-a', priority: 10 }, { code: 'auto', priority: 20, autoFulfill: true }],
      variants: [
        { sku: 'P', price: 1000, stock: { 'wh-a': 500 } },
        { sku: 'Q', price: 333, stock: { 'wh-a': 500 } },
        { sku: 'AUTO', price: 2000, stock: { auto: 50 } },
        { sku: 'BO', price: 800, allowBackorder: true },
      ],
    });
    ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code capturePolicy } }`, {
      i: { code: 'eager', name: 'Eager shop', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT' },
    }));
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = async (lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) =>
    ok(await t.gql(PLACE_ORDER, { input: orderInput(lines, extra) })).placeOrder as { order: any; accessToken: string };
  const invoicesOf = (id: string, n: number) => until(() => order(id), (o) => o.invoices.length >= n).then((o) => o.invoices);

  it('captures in full once: provider transaction id, history, PAID order, invoice equal to the order', async () => {
    const { order: placed } = await place([{ sku: 'P', quantity: 2 }, { sku: 'Q', quantity: 3 }]);
    expect(placed.paymentStatus).toBe('AUTHORIZED');
    const payId = placed.payments[0].id;
    const captured = ok(await t.admin(CAPTURE, { id: payId, key: 'cap-1' })).capturePayment;
    expect(captured).toMatchObject({ status: 'PAID', amount: placed.total, amountCaptured: placed.total, amountRefunded: 0 });
    expect(captured.transactionId).toMatch(/^tc_auth_/);
    // The same key again: the same answer, nothing changes; without the key it is a second capture.
    expect(ok(await t.admin(CAPTURE, { id: payId, key: 'cap-1' })).capturePayment).toMatchObject({ status: 'PAID', amountCaptured: placed.total });
    expect(codeOf(await t.admin(CAPTURE, { id: payId }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(REFUND, { id: payId, amount: 1, key: 'cap-1' }))).toBe('CONFLICT');

    const o = await order(placed.id);
    expect(o.paymentStatus).toBe('PAID');
    const captures = o.history.filter((h: any) => h.type === 'PAYMENT_CAPTURED');
    expect(captures).toHaveLength(1);
    expect(captures[0].message).toMatch(/transaction tc_cap_/);
    expect(captures[0].actor).not.toBe('system');

    const [inv] = await invoicesOf(placed.id, 1);
    expect(inv.kind).toBe('INVOICE');
    expect(inv.number).toMatch(/^INV-DEFAULT-\d{6}$/);
    expect(inv).toMatchObject({ total: o.total, taxTotal: o.taxTotal, subtotal: o.subtotal + o.shippingTotal, currencyCode: 'EUR', correctsInvoice: null });
    expect(inv.lines.map((l: any) => l.sku)).toEqual(['P', 'Q', null]);
    expect(inv.lines[2].description).toMatch(/^Shipping/);
    expect(inv.lines.reduce((s: number, l: any) => s + l.total, 0)).toBe(o.total);
    expect(inv.lines.every((l: any) => l.taxRatePercent === 19)).toBe(true);
    expect(inv.lines[0]).toMatchObject({ quantity: 2, unitPrice: 1000, total: 2380 });
    const after = await order(placed.id);
    expect(after.history.filter((h: any) => h.type === 'INVOICE_ISSUED')).toHaveLength(1);
  });

  it('refunds over several calls, never more than captured; each refund has a credit note', async () => {
    const { order: placed } = await place([{ sku: 'P', quantity: 1 }]);
    const payId = placed.payments[0].id;
    ok(await t.admin(CAPTURE, { id: payId }));
    const total = placed.total; // 1000 + 190 + 495 + 94 = 1779
    const r1 = ok(await t.admin(REFUND, { id: payId, amount: 300, reason: 'Scratched', key: 'r-1' })).refundPayment;
    expect(r1).toMatchObject({ status: 'PARTIALLY_REFUNDED', amountRefunded: 300 });
    expect(r1.refunds).toMatchObject([{ amount: 300, reason: 'Scratched', status: 'SUCCEEDED' }]);
    // A repeat with the key: nothing changes.
    expect(ok(await t.admin(REFUND, { id: payId, amount: 300, reason: 'Scratched', key: 'r-1' })).refundPayment.amountRefunded).toBe(300);
    const r2 = ok(await t.admin(REFUND, { id: payId, amount: 200 })).refundPayment;
    expect(r2).toMatchObject({ status: 'PARTIALLY_REFUNDED', amountRefunded: 500 });
    const over = await t.admin(REFUND, { id: payId, amount: total - 499 });
    expect(codeOf(over)).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(REFUND, { id: payId, amount: 0 }))).toBe('BAD_USER_INPUT');
    const r3 = ok(await t.admin(REFUND, { id: payId, amount: total - 500 })).refundPayment;
    expect(r3).toMatchObject({ status: 'REFUNDED', amountRefunded: total, amountCaptured: total });
    expect(r3.refunds.map((r: any) => r.amount)).toEqual([300, 200, total - 500]);
    expect(codeOf(await t.admin(REFUND, { id: payId, amount: 1 }))).toBe('INVALID_STATE_TRANSITION');

    const docs = await invoicesOf(placed.id, 4);
    const [inv, ...notes] = docs;
    expect(inv.kind).toBe('INVOICE');
    expect(notes.map((n: any) => n.kind)).toEqual(['CREDIT_NOTE', 'CREDIT_NOTE', 'CREDIT_NOTE']);
    expect(notes.map((n: any) => n.total)).toEqual([300, 200, total - 500]);
    for (const n of notes) {
      expect(n.number).toMatch(/^CN-DEFAULT-\d{6}$/);
      expect(n.correctsInvoice).toEqual({ id: inv.id, number: inv.number });
      expect(n.lines.reduce((s: number, l: any) => s + l.total, 0)).toBe(n.total);
      expect(n.subtotal + n.taxTotal).toBe(n.total);
    }
    // The tax of a partial credit is the invoice's share: 300 of 1779 with 284 tax → 48.
    expect(notes[0].taxTotal).toBe(Math.round((300 * inv.taxTotal) / inv.total));
    const o = await order(placed.id);
    expect(o.paymentStatus).toBe('REFUNDED');
    expect(o.history.filter((h: any) => h.type === 'PAYMENT_REFUNDED')).toHaveLength(3);
    expect(o.history.filter((h: any) => h.type === 'CREDIT_NOTE_ISSUED')).toHaveLength(3);
    // Credit note numbers are their own gap-free sequence.
    const seqs = (await t.sql("SELECT sequence FROM invoice WHERE kind = 'CREDIT_NOTE' ORDER BY sequence")).map((r: any) => Number(r.sequence));
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
  });

  it('captures part of a payment: the rest is released; the invoice covers what was captured', async () => {
    const { order: placed } = await place([{ sku: 'P', quantity: 3 }]);
    const payId = placed.payments[0].id;
    expect(codeOf(await t.admin(CAPTURE, { id: payId, amount: placed.total + 1 }))).toBe('BAD_USER_INPUT');
    const p = ok(await t.admin(CAPTURE, { id: payId, amount: 1500 })).capturePayment;
    expect(p).toMatchObject({ status: 'PAID', amount: placed.total, amountCaptured: 1500 });
    const [inv] = await invoicesOf(placed.id, 1);
    expect(inv).toMatchObject({ total: 1500, taxTotal: Math.round((1500 * placed.taxTotal) / placed.total) });
    expect(inv.lines).toHaveLength(1);
    expect(inv.lines[0].description).toMatch(/^Partial payment for order #/);
    expect(codeOf(await t.admin(REFUND, { id: payId, amount: 1501 }))).toBe('BAD_USER_INPUT');
    ok(await t.admin(REFUND, { id: payId, amount: 1500 }));
    const docs = await invoicesOf(placed.id, 2);
    // A full refund of the invoice mirrors its lines.
    expect(docs[1]).toMatchObject({ kind: 'CREDIT_NOTE', total: 1500, taxTotal: inv.taxTotal });
  });

  it('voids an authorization; refund or capture of an uncaptured payment is refused', async () => {
    const { order: placed } = await place([{ sku: 'P', quantity: 1 }]);
    const payId = placed.payments[0].id;
    expect(codeOf(await t.admin(REFUND, { id: payId, amount: 100 }))).toBe('INVALID_STATE_TRANSITION');
    const v = ok(await t.admin(VOID, { id: payId, key: 'void-1' })).voidPayment;
    expect(v).toMatchObject({ status: 'VOIDED', amountCaptured: 0 });
    expect(ok(await t.admin(VOID, { id: payId, key: 'void-1' })).voidPayment.status).toBe('VOIDED');
    expect(codeOf(await t.admin(VOID, { id: payId }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(CAPTURE, { id: payId }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(REFUND, { id: payId, amount: 100 }))).toBe('INVALID_STATE_TRANSITION');
    const o = await order(placed.id);
    expect(o.paymentStatus).toBe('VOIDED');
    expect(o.history.filter((h: any) => h.type === 'PAYMENT_VOIDED')).toHaveLength(1);
    await settled(t); // whatever the void started has run: no invoice for money never taken
    expect((await order(placed.id)).invoices).toEqual([]);
  });

  it('manual payment: recording the money received confirms the order (or backorders it)', async () => {
    const { order: placed } = await place([{ sku: 'P', quantity: 1 }], { payment: { method: 'manual' } });
    expect(placed).toMatchObject({ status: 'PENDING', paymentStatus: 'PENDING' });
    const p = ok(await t.admin(CAPTURE, { id: placed.payments[0].id })).capturePayment;
    expect(p).toMatchObject({ status: 'PAID', amountCaptured: placed.total });
    const o = await order(placed.id);
    expect(o.paymentStatus).toBe('PAID');
    expect(o.history.some((h: any) => h.type === 'STATUS_CHANGED' && h.fromStatus === 'PENDING' && h.toStatus === 'CONFIRMED')).toBe(true);
    expect(o.history.find((h: any) => h.type === 'PAYMENT_CAPTURED').message).toMatch(/^Payment received/);
    await invoicesOf(placed.id, 1);

    const { order: bo } = await place([{ sku: 'BO', quantity: 2 }], { payment: { method: 'manual' } });
    ok(await t.admin(CAPTURE, { id: bo.payments[0].id }));
    expect((await order(bo.id)).status).toBe('BACKORDERED');
  });

  it('captures when the first shipment ships, once, even when shipment.shipped is in the log twice', async () => {
    const { order: placed } = await place([{ sku: 'AUTO', quantity: 1 }]);
    const o = await until(() => order(placed.id), (x) => x.paymentStatus === 'PAID' && x.invoices.length === 1);
    expect(o.history.filter((h: any) => h.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
    expect(o.history.find((h: any) => h.type === 'PAYMENT_CAPTURED').actor).toBe('system');
    // Replay: the same shipment.shipped once more in the outbox, handled like any other event.
    const [shipped] = await t.sql("SELECT type, aggregate_id, payload FROM outbox_event WHERE type = 'shipment.shipped' AND aggregate_id = ?", [placed.id]);
    expect(shipped).toBeTruthy();
    const payload = typeof shipped.payload === 'string' ? shipped.payload : JSON.stringify(shipped.payload);
    const [row] = await t.sql('INSERT INTO outbox_event (type, aggregate_id, payload, created_at_ms, attempts) VALUES (?, ?, ?, ?, 0) RETURNING id', ['shipment.shipped', placed.id, payload, Date.now()]);
    t.engine.app.relay.kick();
    await until(async () => (await t.sql('SELECT processed_at_ms FROM outbox_event WHERE id = ?', [row.id]))[0], (r: any) => r.processed_at_ms !== null);
    await settled(t); // the capture job the replay added has run too
    const again = await order(placed.id);
    expect(again.history.filter((h: any) => h.type === 'PAYMENT_CAPTURED')).toHaveLength(1);
    expect(again.invoices).toHaveLength(1);
    expect(Number((await t.sql("SELECT COUNT(*) AS n FROM payment_operation WHERE order_id = ? AND kind = 'CAPTURE'", [placed.id]))[0].n)).toBe(1);
  });

  it('captures on placement where the channel says so; a capture that keeps failing puts the order ON_HOLD', async () => {
    const { order: good } = await place([{ sku: 'P', quantity: 1 }], { channelCode: 'eager' });
    const g = await until(() => order(good.id), (x) => x.paymentStatus === 'PAID' && x.invoices.length === 1);
    expect(g.invoices[0].number).toMatch(/^INV-EAGER-000001$/);

    const { order: bad } = await place([{ sku: 'P', quantity: 1 }], { channelCode: 'eager', payment: { method: 'test-card', token: 'tok_capture_fails' } });
    expect(bad.status).toBe('CONFIRMED');
    const held = await until(() => order(bad.id), (x) => x.status === 'ON_HOLD');
    expect(held.paymentStatus).toBe('AUTHORIZED');
    expect(held.history.filter((h: any) => h.type === 'PAYMENT_CAPTURE_FAILED')).toHaveLength(CAPTURE_ATTEMPTS);
    const hold = held.history.find((h: any) => h.type === 'STATUS_CHANGED' && h.toStatus === 'ON_HOLD');
    expect(hold.message).toMatch(/capture failed 3 times/);
    expect(held.invoices).toEqual([]);
    // Staff capturing by hand meets the same refusal, as PAYMENT_DECLINED.
    expect(codeOf(await t.admin(CAPTURE, { id: bad.payments[0].id }))).toBe('PAYMENT_DECLINED');
  });

  it('serves invoice PDFs behind signed links that refuse tampering and expiry', async () => {
    const { order: placed } = await place([{ sku: 'Q', quantity: 1 }]);
    ok(await t.admin(CAPTURE, { id: placed.payments[0].id }));
    const [inv] = await invoicesOf(placed.id, 1);
    expect(inv.pdfUrl).toMatch(/^\/documents\/invoices\/inv_[^?]+\.pdf\?expires=\d+&signature=[0-9a-f]{64}$/);
    // Issuing drew no PDF: it is drawn on its first download, from the invoice's row, and kept.
    await settled(t);
    const renderedAt = async () => (await t.sql('SELECT pdf_rendered_at FROM invoice WHERE id = ?', [inv.id]))[0].pdf_rendered_at;
    expect(await renderedAt()).toBeNull();
    // Only through the engine's own server, at the link the API handed out: no route of the test's.
    const base = new URL('/', t.url).toString();
    const res = await fetch(new URL(inv.pdfUrl, base));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    const first = await renderedAt();
    expect(first).not.toBeNull();
    // The second download is the kept file: the same bytes, not drawn again.
    const again = await fetch(new URL(inv.pdfUrl, base));
    expect(Buffer.from(await again.arrayBuffer()).equals(pdf)).toBe(true);
    expect(await renderedAt()).toEqual(first);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // What the document says: this invoice, this order, its lines and total.
    const lines = pdfTextLines(pdf);
    expect(lines[0]).toBe('INVOICE');
    expect(lines).toContain(inv.number);
    expect(lines).toContain(`#${placed.number}`);
    expect(lines).toContain('Q');
    expect(lines).toContain(`€${(inv.total / 100).toFixed(2)}`); // the total in euros, as the buyer reads it
    const tampered = inv.pdfUrl.replace(/signature=(.)/, (_: string, c: string) => `signature=${c === 'a' ? 'b' : 'a'}`);
    expect((await fetch(new URL(tampered, base))).status).toBe(403);
    const otherKey = inv.pdfUrl.replace(/inv_[^.]+\.pdf/, 'inv_other.pdf');
    expect((await fetch(new URL(otherKey, base))).status).toBe(403);
    const key = decodeURIComponent(new URL(inv.pdfUrl, base).pathname.replace('/documents/', ''));
    const expired = signPath(t.engine.app.secret, key, Math.floor(Date.now() / 1000) - 10);
    const exp = await fetch(new URL(expired, base));
    expect(exp.status).toBe(403);
    expect(await exp.text()).toMatch(/expired/);
  });

  it('lets the order holder read invoices and nobody else; payment mutations need staff', async () => {
    const mine = await place([{ sku: 'Q', quantity: 2 }]);
    const other = await place([{ sku: 'Q', quantity: 1 }]);
    ok(await t.admin(CAPTURE, { id: mine.order.payments[0].id }));
    const [inv] = await invoicesOf(mine.order.id, 1);
    expect(ok(await t.gql(INVOICE, { id: inv.id }, mine.accessToken)).invoice.number).toBe(inv.number);
    expect(ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Invoice { number } } }`, { id: inv.id }, mine.accessToken)).node.number).toBe(inv.number);
    expect(ok(await t.gql(`query($id: ID!) { order(id: $id) { invoices { number } } }`, { id: mine.order.id }, mine.accessToken)).order.invoices).toEqual([{ number: inv.number }]);
    expect(codeOf(await t.gql(INVOICE, { id: inv.id }, other.accessToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(INVOICE, { id: inv.id }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(CAPTURE, { id: other.order.payments[0].id }, other.accessToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REFUND, { id: mine.order.payments[0].id, amount: 1 }, mine.accessToken))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(UNRECONCILED, {}, mine.accessToken))).toBe('FORBIDDEN');
  });

  it('reconciles: captured − refunded = invoiced − credited for every order', async () => {
    const rows = await until(async () => ok(await t.admin(UNRECONCILED)).unreconciledOrders, (r: any[]) => r.length === 0);
    expect(rows).toEqual([]);
    const money = await t.sql('SELECT order_id, SUM(amount_captured - amount_refunded) AS net FROM payment GROUP BY order_id');
    const docs = await t.sql("SELECT order_id, SUM(CASE WHEN kind = 'INVOICE' THEN total ELSE -total END) AS net FROM invoice GROUP BY order_id");
    const docNet = new Map(docs.map((d: any) => [d.order_id, Number(d.net)]));
    for (const m of money) expect(docNet.get(m.order_id) ?? 0, m.order_id).toBe(Number(m.net));
    // Invoice numbers of each channel and kind run 1..n without a gap.
    const seqs = await t.sql('SELECT channel_id, kind, COUNT(*) AS n, MIN(sequence) AS lo, MAX(sequence) AS hi FROM invoice GROUP BY channel_id, kind');
    for (const s of seqs) expect([Number(s.lo), Number(s.hi)]).toEqual([1, Number(s.n)]);
  });

  it('updates a channel capture policy', async () => {
    const r = ok(await t.admin(`mutation { updateChannel(code: "eager", input: { capturePolicy: ON_FIRST_SHIPMENT }) { code capturePolicy } }`));
    expect(r.updateChannel).toEqual({ code: 'eager', capturePolicy: 'ON_FIRST_SHIPMENT' });
    expect(codeOf(await t.admin(`mutation { updateChannel(code: "nope", input: { name: "x" }) { code } }`))).toBe('NOT_FOUND');
    const created = ok(await t.admin(`mutation { createChannel(input: { code: "plain", name: "Plain", kind: API, currencyCode: "EUR" }) { capturePolicy } }`));
    expect(created.createChannel.capturePolicy).toBe('ON_FIRST_SHIPMENT');
    expect(codeOf(await t.gql(`mutation { updateChannel(code: "plain", input: { name: "x" }) { code } }`))).toBe('UNAUTHENTICATED');
  });
});
