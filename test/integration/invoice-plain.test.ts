// The invoice job's plain path (invoicing/invoice-plain.ts) against the ORM's (issueForOrder), on both
// databases: two engines with the same shop take the same orders and captures, one as it is and one with
// ORDO_PLAIN_SQL=false. Both must issue the same documents (numbers, lines, parties, totals), history
// and events; the plain one in fewer statements (the jobs' own count, ORDO_DEBUG_SQL); the cases it
// leaves to the ORM (a partial capture, a refund's credit note) take no invoice number from it, so
// numbers stay gap-free and the same in both; invoices asked for at once share a transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { normalizer } from '../helpers/normalize.js';
import { sqlCounter } from '../../src/kernel/db/sql-counter.js';
import { InvoiceService } from '../../src/invoicing/invoice.service.js';
import type { Em } from '../../src/kernel/db/orm.js';

interface Run {
  t: TestEngine;
  log: string[];
  orders: { id: string; paymentId: string; total: number }[];
}

const BILLING = { ...ADDRESS, name: 'Acme GmbH', line1: 'Rechnungsweg 7', city: 'Hamburg', postalCode: '20095' };

async function start(kind: DbKind, env: Record<string, string>): Promise<Run> {
  const log: string[] = [];
  const t = await startTestEngine(kind, { env: { ...env, ORDO_DEBUG_SQL: '1', LOG_LEVEL: 'debug' }, logTo: { write: (s: string) => void log.push(s) } });
  await setupShop(t, { variants: [{ sku: 'INV', price: 1999, stock: { 'wh-a': 20 } }, { sku: 'INV-2', price: 450, stock: { 'wh-a': 20 } }] });
  const orders = [];
  for (const extra of [{ billingAddress: BILLING }, {}, {}, {}, {}, {}]) {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'INV', quantity: 2 }, { sku: 'INV-2', quantity: 1 }], extra) })).placeOrder.order;
    orders.push({ id: placed.id, paymentId: placed.payments[0].id, total: placed.total });
  }
  await settled(t);
  return { t, log, orders };
}

const CAPTURE = 'mutation($id: ID!, $amount: Money) { capturePayment(id: $id, amount: $amount) { status } }';
const REFUND = 'mutation($id: ID!, $amount: Money!) { refundPayment(id: $id, amount: $amount, reason: "damaged") { status } }';

/** The statements of each invoicing job that ran since `from` (its log lines). */
const invoiceJobs = (r: Run, from: number) => r.log.slice(from).map((l) => JSON.parse(l)).filter((e) => e.job === 'invoicing.issue').map((e) => e.statements as number);

async function documentsOf(r: Run, orderId: string) {
  const { t } = r;
  const invoices = (await t.sql(`SELECT i.id, i.number, i.sequence, i.channel_id, i.kind, c.number AS corrects, i.source_operation_id, i.currency_code, i.lines,
      i.subtotal, i.tax_total, i.total, i.seller, i.buyer, i.pdf_key, i.pdf_rendered_at FROM invoice i LEFT JOIN invoice c ON c.id = i.corrects_invoice_id
      WHERE i.order_id = ? ORDER BY i.id`, [orderId]))
    .map((i: any) => ({
      ...i, sequence: Number(i.sequence), subtotal: Number(i.subtotal), tax_total: Number(i.tax_total), total: Number(i.total),
      lines: typeof i.lines === 'string' ? JSON.parse(i.lines) : i.lines, seller: typeof i.seller === 'string' ? JSON.parse(i.seller) : i.seller,
      buyer: typeof i.buyer === 'string' ? JSON.parse(i.buyer) : i.buyer, pdf_key: i.pdf_key === `invoices/${i.id}.pdf` ? 'invoices/<id>.pdf' : i.pdf_key,
    }));
  const history = await t.sql('SELECT type, actor, message FROM order_history_entry WHERE order_id = ? ORDER BY id', [orderId]);
  const events = (await t.sql("SELECT type, payload FROM outbox_event WHERE aggregate_id = ? AND type LIKE 'invoice.%' ORDER BY id", [orderId]))
    .map((e: any) => ({ type: e.type, payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload }));
  return normalizer()({ invoices, history, events });
}

describe.each(DB_KINDS)('the plain invoice and the ORM invoice on %s', (kind: DbKind) => {
  let plain: Run;
  let orm: Run;

  beforeAll(async () => {
    [plain, orm] = [await start(kind, {}), await start(kind, { ORDO_PLAIN_SQL: 'false' })];
  }, 120_000);
  afterAll(async () => {
    await plain?.t.stop();
    await orm?.t.stop();
  });

  it('issues the same invoice for a whole capture, in fewer statements', async () => {
    const statements: number[][] = [];
    for (const r of [plain, orm]) {
      const from = r.log.length;
      ok(await r.t.admin(CAPTURE, { id: r.orders[0].paymentId }));
      await settled(r.t);
      statements.push(invoiceJobs(r, from));
    }
    const docs = await documentsOf(plain, plain.orders[0].id) as any;
    expect(docs).toEqual(await documentsOf(orm, orm.orders[0].id));
    expect(docs.invoices).toHaveLength(1);
    expect(docs.invoices[0]).toMatchObject({ number: 'INV-DEFAULT-000001', kind: 'INVOICE', corrects: null, total: plain.orders[0].total, pdf_key: 'invoices/<id>.pdf', pdf_rendered_at: null });
    expect(docs.invoices[0].buyer).toEqual({ name: 'Acme GmbH', lines: ['Rechnungsweg 7', '20095 Hamburg', 'GERMANY'], email: 'jane@example.com' });
    expect(docs.invoices[0].lines.map((l: any) => l.description)).toEqual(['Variant INV', 'Variant INV-2', 'Shipping: Standard']);
    expect(docs.history.at(-1)).toMatchObject({ type: 'INVOICE_ISSUED', actor: 'system' });
    // One job each; the plain one: BEGIN, five reads (the number among them), one insert, COMMIT.
    const [[a], [b]] = statements;
    expect(statements.map((s) => s.length)).toEqual([1, 1]);
    expect(a).toBeLessThanOrEqual(kind === 'postgresql' ? 8 : 10);
    expect(b).toBeGreaterThan(kind === 'postgresql' ? a + 2 : a); // SQLite: an insert per table, no round trips to save
  });

  it('leaves a partial capture and a refund to the ORM, whose numbers stay gap-free and the same', async () => {
    for (const r of [plain, orm]) {
      ok(await r.t.admin(CAPTURE, { id: r.orders[1].paymentId, amount: 1000 }));
      await settled(r.t);
      ok(await r.t.admin(REFUND, { id: r.orders[0].paymentId, amount: 500 }));
      await settled(r.t);
      ok(await r.t.admin(CAPTURE, { id: r.orders[2].paymentId }));
      await settled(r.t);
    }
    for (let i = 0; i < 3; i++) expect(await documentsOf(plain, plain.orders[i].id), `order ${i + 1}`).toEqual(await documentsOf(orm, orm.orders[i].id));
    const numbers = await plain.t.sql('SELECT number FROM invoice ORDER BY kind, sequence');
    expect(numbers.map((n: any) => n.number)).toEqual(['CN-DEFAULT-000001', 'INV-DEFAULT-000001', 'INV-DEFAULT-000002', 'INV-DEFAULT-000003']);
    const [partial] = (await documentsOf(plain, plain.orders[1].id) as any).invoices;
    expect(partial).toMatchObject({ number: 'INV-DEFAULT-000002', total: 1000 });
  });

  it('invoices asked at once share one transaction, numbered without gaps, each as it would be alone', async () => {
    const batch = (r: Run) => r.orders.slice(3);
    for (const r of [plain, orm]) {
      // Captured while the invoice jobs are off (issued at shipment, and nothing ships), so that the test asks for the invoices itself.
      const invoices = r.t.engine.app.service(InvoiceService);
      invoices.issueOn = 'shipment';
      const [whole, partial, other] = batch(r);
      ok(await r.t.admin(CAPTURE, { id: whole.paymentId }));
      ok(await r.t.admin(CAPTURE, { id: partial.paymentId, amount: 1000 }));
      ok(await r.t.admin(CAPTURE, { id: other.paymentId }));
      await settled(r.t);
      invoices.issueOn = 'capture';
    }
    const issue = (r: Run, orderId: string) => r.t.engine.app.service(InvoiceService).issueForOrder(r.t.engine.app.orm.em.fork() as Em, orderId);
    const store = { count: 0 };
    const a = await sqlCounter.run(store, () => Promise.all(batch(plain).map((o) => issue(plain, o.id))));
    const b = [];
    const ormStore = { count: 0 };
    for (const o of batch(orm)) b.push(await sqlCounter.run(ormStore, () => issue(orm, o.id)));
    expect(a.map((ids) => ids.length)).toEqual([1, 1, 1]);
    expect(b.map((ids) => ids.length)).toEqual([1, 1, 1]);
    await settled(plain.t);
    await settled(orm.t);
    // The batch numbers its two whole captures first; the partial one, left to the ORM's path, takes the next number.
    const numbered = async (r: Run) => Promise.all(batch(r).map(async (o) => ((await documentsOf(r, o.id)) as any).invoices.map((i: any) => i.number)));
    expect(await numbered(plain)).toEqual([['INV-DEFAULT-000004'], ['INV-DEFAULT-000006'], ['INV-DEFAULT-000005']]);
    expect(await numbered(orm)).toEqual([['INV-DEFAULT-000004'], ['INV-DEFAULT-000005'], ['INV-DEFAULT-000006']]);
    const unnumbered = async (r: Run, id: string) => JSON.parse(JSON.stringify(await documentsOf(r, id)).replace(/INV-DEFAULT-\d+/g, 'INV-DEFAULT-n').replace(/"sequence":\d+/g, '"sequence":0'));
    for (const [i, o] of batch(plain).entries()) expect(await unnumbered(plain, o.id), `order ${i + 4}`).toEqual(await unnumbered(orm, batch(orm)[i].id));
    // The partial capture's invoice is its own amount.
    expect(((await documentsOf(plain, batch(plain)[1].id)) as any).invoices[0].total).toBe(1000);
    // PostgreSQL: both whole captures' invoices in one transaction (BEGIN, four reads, one number, one
    // insert per table, COMMIT: 9 statements; 16 alone), then the partial one's ORM path, as in the ORM's engine.
    if (kind === 'postgresql') expect(store.count).toBeLessThan(ormStore.count - 12);
  });
});
