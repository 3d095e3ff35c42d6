// Money in the currency of the order, on both databases: a JPY order's invoice PDF, history and
// confirmation mail show yen without decimals, a KWD order's invoice three decimals; the buyer's name in
// Cyrillic prints as written in the invoice PDF; the buyer reads the note given at placement.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { ADDRESS, PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import { parseMail } from '../helpers/mail.js';
import { until } from '../helpers/until.js';
import { pdfTextLines } from '../../src/documents/pdf/pdf-text.js';

const ORDER = `query($id: ID!) { order(id: $id) {
  id number total currencyCode
  invoices { id number total currencyCode pdfUrl }
  history { type message }
} }`;

/** Intl separates a currency code from the number by a no-break space; compare as a reader sees it. */
const spaced = (s: string) => s.replace(/\u00a0/g, ' ');

describe.each(DB_KINDS)('money in the currency of the order on %s', (kind: DbKind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { variants: [{ sku: 'EUR-1', price: 1234, stock: { 'wh-a': 10 } }] }); // DE 19 % tax
    for (const [code, currencyCode, price, shipping] of [['jp', 'JPY', 1200, 500], ['kw', 'KWD', 1250, 500]] as const) {
      ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
        i: { code, name: `Shop ${currencyCode}`, kind: 'WEB_STORE', currencyCode, capturePolicy: 'ON_PLACEMENT' },
      }));
      ok(await t.admin(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
        i: { name: `Tea ${currencyCode}`, variants: [{ sku: `TEA-${currencyCode}`, name: `Green tea (${currencyCode})`, price, currencyCode }] },
      }));
      ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: `TEA-${currencyCode}`, locationCode: 'wh-a', delta: 50, reason: 'RECEIVED' } }));
      ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
        i: { code: `standard-${code}`, name: 'Standard', carrierCode: 'sim', price: shipping, currencyCode, minTransitDays: 2, maxTransitDays: 4 },
      }));
    }
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const place = async (channel: 'jp' | 'kw', extra: Record<string, unknown>) => {
    const currency = channel === 'jp' ? 'JPY' : 'KWD';
    return ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: `TEA-${currency}`, quantity: 1 }], { channelCode: channel, shippingMethodCode: `standard-${channel}`, ...extra }) }))
      .placeOrder as { order: any; accessToken: string };
  };

  /** The order once its invoice is issued, and the PDF's text as the engine serves it (drawn on this first download). */
  const invoicePdf = async (orderId: string) => {
    const o = await until(async () => ok(await t.admin(ORDER, { id: orderId })).order, (x) => x.invoices.length === 1);
    const inv = o.invoices[0];
    const res = await fetch(new URL(inv.pdfUrl, new URL('/', t.url)));
    expect(res.status).toBe(200);
    return { order: o, text: pdfTextLines(Buffer.from(await res.arrayBuffer())).map(spaced) };
  };

  it('a JPY invoice shows yen without decimals and the buyer\'s name as written in Cyrillic', async () => {
    const { order: placed } = await place('jp', { email: `jp-${kind}@example.com`, shippingAddress: { ...ADDRESS, name: 'Дмитрий Иванов' } });
    // 1200 + 19 % (228) + shipping 500 + 19 % (95): whole yen.
    expect(placed).toMatchObject({ currencyCode: 'JPY', total: 2023 });
    const { order, text } = await invoicePdf(placed.id);
    expect(text).toContain('Дмитрий Иванов');
    expect(text).toContain('¥1,200'); // the unit price
    expect(text).toContain('¥2,023'); // the total
    expect(text.filter((l) => l.includes('¥')).every((l) => /^¥[\d,]+$/.test(l))).toBe(true); // no decimals anywhere
    expect(text.join(' ')).not.toContain('20.23');
    // The order's history says the same.
    expect(order.history.find((h: any) => h.type === 'INVOICE_ISSUED').message).toContain('over ¥2,023.');
  });

  it('a KWD invoice shows three decimals', async () => {
    const { order: placed } = await place('kw', { email: `kw-${kind}@example.com` });
    // 1.250 + 19 % (0.238) + shipping 0.500 + 19 % (0.095) = 2.083 dinars.
    expect(placed).toMatchObject({ currencyCode: 'KWD', total: 2083 });
    const { text } = await invoicePdf(placed.id);
    expect(text).toContain('KWD 1.250');
    expect(text).toContain('KWD 2.083');
    expect(text.join(' ')).not.toContain('20.83');
  });

  it('the confirmation mail shows the JPY amounts as the buyer reads them', async () => {
    const email = `jp-mail-${kind}@example.com`;
    const { order } = await place('jp', { email });
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    const mails = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []).map((f) => parseMail(readFileSync(join(dir, f), 'utf8')));
    const [mail] = await until(() => mails().filter((m) => m.headers.to === email && /confirmed/.test(m.subject)), (m) => m.length > 0);
    expect(mail.subject).toBe(`Order ${order.number} confirmed`);
    expect(mail.text).toContain('1 × Green tea (JPY) (TEA-JPY)  ¥1,428'); // the line with its tax
    expect(mail.text).toContain('Total: ¥2,023');
    expect(mail.html).toContain('<strong>¥2,023</strong>');
    expect(mail.text).not.toMatch(/20\.23|JPY \d/);
  });

  it("lets the buyer read the note given at placement through the order's access token", async () => {
    const note = 'Please ring twice — спасибо!';
    const mine = await place('kw', { email: `note-${kind}@example.com`, note });
    const other = await place('kw', { email: `other-${kind}@example.com` });
    const NOTE = `query($id: ID!) { order(id: $id) { note } }`;
    expect(ok(await t.gql(NOTE, { id: mine.order.id }, mine.accessToken)).order.note).toBe(note);
    expect(ok(await t.admin(NOTE, { id: mine.order.id })).order.note).toBe(note);
    expect(ok(await t.gql(NOTE, { id: other.order.id }, other.accessToken)).order.note).toBeNull();
    expect(codeOf(await t.gql(NOTE, { id: mine.order.id }, other.accessToken))).toBe('FORBIDDEN');
  });
});
