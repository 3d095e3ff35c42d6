// The invoice job's plain path (invoicing/invoice-plain.ts) against the ORM's (issueForOrder), on both
// databases: two engines with the same shop take the same orders and captures, one as it is and one with
// ORDO_PLAIN_SQL=false. Both must issue the same documents (numbers, lines, parties, totals), history
// and events; the plain one in fewer statements (the jobs' own count, ORDO_DEBUG_SQL); the cases it
// leaves to the ORM (a partial capture, a refund's credit note) take back the invoice number it drew,
// so numbers stay gap-free and the same in both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { normalizer } from '../helpers/normalize.js';

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
  for (const extra of [{ billingAddress: BILLING }, {}, {}]) {
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
});
