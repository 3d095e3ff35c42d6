// Per-channel prices and tax-inclusive channels (issue 19, part 2), on both databases: a variant's own
// price in a channel (setVariantPrice) is what a buyer there pays, the catalog price where the currencies
// match, nothing elsewhere; price changes never touch placed orders or their refunds; in a channel whose
// prices include tax, tax is taken out of each line's gross, half-up (docs/prices.md), the same on the
// quote, the order, its invoice (API and PDF) and the credit note of a cancelled unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { pdfTextLines } from '../../src/documents/pdf/pdf-text.js';

const SET_PRICE = `mutation($sku: String!, $channelCode: String!, $price: Money!) {
  setVariantPrice(sku: $sku, channelCode: $channelCode, price: $price) { id sku channelCode price currencyCode } }`;
const REMOVE_PRICE = `mutation($sku: String!, $channelCode: String!) { removeVariantPrice(sku: $sku, channelCode: $channelCode) { sku prices { channelCode } } }`;
const VARIANT = `query($sku: String!) { variant(sku: $sku) { sku price currencyCode
  prices { channelCode price currencyCode }
  us: priceIn(channelCode: "us") { channelCode amount currencyCode source includesTax }
  eur: priceIn(channelCode: "default") { channelCode amount currencyCode source includesTax }
  de: priceIn(channelCode: "de") { amount currencyCode source includesTax } } }`;
const QUOTE = `query($i: PlaceOrderInput!) { quoteOrder(input: $i) { currencyCode pricesIncludeTax subtotal shippingTotal taxTotal total placeable
  lines { sku unitPrice taxTotal lineTotal } shippingMethods { code price taxTotal } problems { path code message } } }`;
const INVOICE_FIELDS = 'id kind subtotal taxTotal total pdfUrl lines { sku description quantity unitPrice unitPriceIncludesTax net taxTotal total }';
const ORDER = `query($id: ID!) { order(id: $id) {
  id status currencyCode pricesIncludeTax subtotal shippingTotal taxTotal total
  lines { id sku quantity unitPrice taxTotal lineTotal }
  payments { amount amountCaptured amountRefunded }
  invoices { ${INVOICE_FIELDS} } } }`;
const CANCEL_LINES = `mutation($orderId: ID!, $lines: [CancelOrderLineInput!]!) {
  cancelOrderLines(orderId: $orderId, lines: $lines, reason: "customer changed their mind") { id total } }`;
const UPDATE_CHANNEL = `mutation($code: String!, $i: UpdateChannelInput!) { updateChannel(code: $code, input: $i) { code pricesIncludeTax } }`;

describe.each(DB_KINDS)('channel prices and tax-inclusive channels on %s', (kind: DbKind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      variants: [
        { sku: 'SHIRT', price: 2000, stock: { 'wh-a': 100 } },
        { sku: 'MUG', price: 11900, stock: { 'wh-a': 100 } },
        { sku: 'A', price: 999, stock: { 'wh-a': 100 } },
        { sku: 'B', price: 1, stock: { 'wh-a': 100 } },
        { sku: 'C', price: 5, stock: { 'wh-a': 100 } },
      ],
    });
    const channel = (i: Record<string, unknown>) => t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code pricesIncludeTax } }`, { i });
    ok(await channel({ code: 'us', name: 'US shop', kind: 'WEB_STORE', currencyCode: 'USD', capturePolicy: 'ON_PLACEMENT' }));
    const de = ok(await channel({ code: 'de', name: 'DE shop', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT', pricesIncludeTax: true }));
    expect(de.createChannel.pricesIncludeTax).toBe(true);
    const method = (code: string, price: number, currencyCode: string) => t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code, name: `Method ${code}`, carrierCode: 'sim', price, currencyCode, minTransitDays: 1, maxTransitDays: 3 },
    });
    ok(await method('standard-us', 500, 'USD'));
    // 5.95 gross at 19 %: 5.00 net + 0.95 tax.
    ok(await method('gross-ship', 595, 'EUR'));
  }, 90_000);

  afterAll(async () => {
    await t?.stop();
  });

  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const place = async (lines: { sku: string; quantity: number }[], extra: Record<string, unknown>) =>
    ok(await t.gql(PLACE_ORDER, { input: orderInput(lines, extra) })).placeOrder.order;
  const US = { channelCode: 'us', shippingMethodCode: 'standard-us' };
  const DE = { channelCode: 'de', shippingMethodCode: 'gross-ship' };
  const history = (sku: string) => t.sql<any>(
    `SELECT pc.channel_code, pc.currency_code, pc.old_price, pc.new_price, pc.changed_by FROM price_change pc JOIN product_variant v ON v.id = pc.variant_id WHERE v.sku = ? ORDER BY pc.changed_at, pc.id`, [sku]);

  it('sells at the channel price in the USD channel and at the catalog price in the EUR channel', async () => {
    const set = ok(await t.admin(SET_PRICE, { sku: 'SHIRT', channelCode: 'us', price: 2500 })).setVariantPrice;
    expect(set).toMatchObject({ sku: 'SHIRT', channelCode: 'us', price: 2500, currencyCode: 'USD' });
    const v = ok(await t.gql(VARIANT, { sku: 'SHIRT' })).variant;
    expect(v.prices).toEqual([{ channelCode: 'us', price: 2500, currencyCode: 'USD' }]);
    expect(v.us).toEqual({ channelCode: 'us', amount: 2500, currencyCode: 'USD', source: 'CHANNEL', includesTax: false });
    expect(v.eur).toEqual({ channelCode: 'default', amount: 2000, currencyCode: 'EUR', source: 'CATALOG', includesTax: false });
    // A variant with only a EUR catalog price is not sold in the USD channel.
    expect(ok(await t.gql(VARIANT, { sku: 'MUG' })).variant.us).toBeNull();

    // One line (PostgreSQL's one-statement path) and several lines (the general path).
    const one = await place([{ sku: 'SHIRT', quantity: 1 }], US);
    expect(one).toMatchObject({ currencyCode: 'USD', subtotal: 2500 });
    expect(one.lines[0]).toMatchObject({ sku: 'SHIRT', unitPrice: 2500, taxTotal: 475, lineTotal: 2975 });
    ok(await t.admin(SET_PRICE, { sku: 'A', channelCode: 'us', price: 1200 }));
    const two = await place([{ sku: 'SHIRT', quantity: 2 }, { sku: 'A', quantity: 1 }], US);
    expect(two.lines.map((l: any) => [l.sku, l.unitPrice])).toEqual([['SHIRT', 2500], ['A', 1200]]);
    const eur = await place([{ sku: 'SHIRT', quantity: 1 }], {});
    expect(eur).toMatchObject({ currencyCode: 'EUR', subtotal: 2000 });

    const quote = ok(await t.gql(QUOTE, { i: orderInput([{ sku: 'SHIRT', quantity: 1 }, { sku: 'MUG', quantity: 1 }], US) })).quoteOrder;
    expect(quote.lines).toEqual([{ sku: 'SHIRT', unitPrice: 2500, taxTotal: 475, lineTotal: 2975 }]);
    expect(quote.problems).toEqual([expect.objectContaining({ path: 'lines[1].sku', code: 'BAD_USER_INPUT', message: 'SKU MUG is not sold in USD.' })]);
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MUG', quantity: 1 }], US) }))).toBe('BAD_USER_INPUT');

    // Removing the channel price: SHIRT is no longer sold in USD (its catalog price is in EUR).
    expect(ok(await t.admin(REMOVE_PRICE, { sku: 'A', channelCode: 'us' })).removeVariantPrice.prices).toEqual([]);
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A', quantity: 1 }], US) }))).toBe('BAD_USER_INPUT');
    // Every change is in the price history, with who made it.
    expect((await history('A')).map((h) => [h.channel_code, h.currency_code, h.old_price === null ? null : Number(h.old_price), h.new_price === null ? null : Number(h.new_price)]))
      .toEqual([['us', 'USD', null, 1200], ['us', 'USD', 1200, null]]);
    // The same price again is not a change.
    ok(await t.admin(SET_PRICE, { sku: 'SHIRT', channelCode: 'us', price: 2500 }));
    expect(await history('SHIRT')).toHaveLength(1);
  });

  it('a price change (channel or catalog) changes neither placed orders nor what they refund', async () => {
    const placed = await place([{ sku: 'SHIRT', quantity: 2 }], US);
    // 2 × 25.00 + 19 % = 59.50, shipping 5.00 + 0.95.
    expect(placed).toMatchObject({ subtotal: 5000, shippingTotal: 500, taxTotal: 1045, total: 6545 });
    await until(() => order(placed.id), (o) => o.payments[0].amountCaptured === 6545);
    ok(await t.admin(SET_PRICE, { sku: 'SHIRT', channelCode: 'us', price: 3000 }));
    ok(await t.admin(`mutation($sku: String!, $i: UpdateVariantInput!) { updateVariant(sku: $sku, input: $i) { price } }`, { sku: 'SHIRT', i: { price: 2200 } }));
    const o = await order(placed.id);
    expect(o).toMatchObject({ subtotal: 5000, taxTotal: 1045, total: 6545 });
    expect(o.lines[0]).toMatchObject({ unitPrice: 2500, taxTotal: 950, lineTotal: 5950 });

    // One unit cancelled: 25.00 + 4.75 refunded, the price it was sold at.
    expect(ok(await t.admin(CANCEL_LINES, { orderId: placed.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1 }] })).cancelOrderLines.total).toBe(6545 - 2975);
    await settled(t);
    const after = await until(() => order(placed.id), (x) => x.invoices.length === 2);
    expect(after.payments[0]).toMatchObject({ amountCaptured: 6545, amountRefunded: 2975 });
    expect(after.invoices.find((i: any) => i.kind === 'CREDIT_NOTE')).toMatchObject({ total: 2975, taxTotal: 475, subtotal: 2500 });
    // New orders take the new prices: 30.00 in USD, 22.00 in EUR.
    expect((await place([{ sku: 'SHIRT', quantity: 1 }], US)).lines[0].unitPrice).toBe(3000);
    expect((await place([{ sku: 'SHIRT', quantity: 1 }], {})).lines[0].unitPrice).toBe(2200);
    const h = (await history('SHIRT')).map((x) => [x.channel_code, x.currency_code, Number(x.old_price), Number(x.new_price)]);
    expect(h).toEqual([['us', 'USD', 0, 2500], ['us', 'USD', 2500, 3000], [null, 'EUR', 2000, 2200]]);
    await settled(t);
    await expectReconciled(t);
  });

  it('DE with gross prices: 119.00 → 100.00 net + 19.00 tax on the quote, the order, the invoice (API and PDF) and a credit note', async () => {
    const v = ok(await t.gql(VARIANT, { sku: 'MUG' })).variant;
    expect(v.de).toEqual({ amount: 11900, currencyCode: 'EUR', source: 'CATALOG', includesTax: true });

    const quote = ok(await t.gql(QUOTE, { i: orderInput([{ sku: 'MUG', quantity: 2 }], DE) })).quoteOrder;
    expect(quote).toMatchObject({ placeable: true, pricesIncludeTax: true, subtotal: 20000, shippingTotal: 500, taxTotal: 3800 + 95, total: 23800 + 595 });
    expect(quote.lines).toEqual([{ sku: 'MUG', unitPrice: 11900, taxTotal: 3800, lineTotal: 23800 }]);
    expect(quote.shippingMethods.find((m: any) => m.code === 'gross-ship')).toEqual({ code: 'gross-ship', price: 595, taxTotal: 95 });

    const one = await place([{ sku: 'MUG', quantity: 1 }], DE);
    expect(one).toMatchObject({ subtotal: 10000, shippingTotal: 500, taxTotal: 1995, total: 12495 });
    expect(one.lines[0]).toMatchObject({ unitPrice: 11900, taxTotal: 1900, lineTotal: 11900 });
    const placed = await place([{ sku: 'MUG', quantity: 2 }], DE);
    const o = await order(placed.id);
    expect(o).toMatchObject({ pricesIncludeTax: true, subtotal: quote.subtotal, shippingTotal: quote.shippingTotal, taxTotal: quote.taxTotal, total: quote.total });
    expect(o.lines[0]).toMatchObject({ unitPrice: 11900, taxTotal: 3800, lineTotal: 23800 });

    // The invoice: each line net + tax = total, gross unit prices said so; the totals are the order's.
    const withInvoice = await until(() => order(placed.id), (x) => x.invoices.length === 1);
    const inv = withInvoice.invoices[0];
    expect(inv).toMatchObject({ kind: 'INVOICE', subtotal: 20500, taxTotal: 3895, total: 24395 });
    expect(inv.lines).toEqual([
      { sku: 'MUG', description: 'Variant MUG', quantity: 2, unitPrice: 11900, unitPriceIncludesTax: true, net: 20000, taxTotal: 3800, total: 23800 },
      { sku: null, description: 'Shipping: Method gross-ship', quantity: 1, unitPrice: 595, unitPriceIncludesTax: true, net: 500, taxTotal: 95, total: 595 },
    ]);
    const res = await fetch(new URL(inv.pdfUrl, new URL('/', t.url)));
    expect(res.status).toBe(200);
    const text = pdfTextLines(Buffer.from(await res.arrayBuffer())).map((s) => s.replace(/\u00a0/g, ' '));
    expect(text.join(' ')).toMatch(/Unit\s+\(gross\)/); // the header may wrap in its column
    for (const amount of ['€119.00', '€200.00', '€38.00', '€238.00', '€5.95', '€5.00', '€0.95', '€205.00', '€38.95', '€243.95']) expect(text).toContain(amount);

    // One unit cancelled after the capture: a credit note of 119.00 = 100.00 net + 19.00 tax.
    await until(() => order(placed.id), (x) => x.payments[0].amountCaptured === 24395);
    expect(ok(await t.admin(CANCEL_LINES, { orderId: placed.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1 }] })).cancelOrderLines.total).toBe(12495);
    await settled(t);
    const after = await until(() => order(placed.id), (x) => x.invoices.length === 2);
    expect(after).toMatchObject({ subtotal: 10000, shippingTotal: 500, taxTotal: 1995, total: 12495 });
    expect(after.lines[0]).toMatchObject({ quantity: 1, unitPrice: 11900, taxTotal: 1900, lineTotal: 11900 });
    expect(after.payments[0]).toMatchObject({ amountRefunded: 11900 });
    expect(after.invoices.find((i: any) => i.kind === 'CREDIT_NOTE')).toMatchObject({ subtotal: 10000, taxTotal: 1900, total: 11900 });
    await settled(t);
    await expectReconciled(t);
  });

  it('a tax-inclusive order of several lines and shipping is rounded per line, and keeps its mode when the channel changes', async () => {
    const placed = await place([{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }, { sku: 'C', quantity: 3 }], DE);
    // A: 3 × 9.99 = 29.97 gross, tax 29.97 × 19/119 = 4.785… → 4.79, net 25.18.
    // B: 0.01 gross, tax 0.0016 → 0.00, net 0.01.
    // C: 3 × 0.05 = 0.15 gross, tax 0.0239… → 0.02 (per line: per unit it would be 3 × 0.01), net 0.13.
    // Shipping: 5.95 gross → 0.95 tax, 5.00 net.
    expect(placed.lines.map((l: any) => [l.sku, l.unitPrice, l.taxTotal, l.lineTotal])).toEqual([['A', 999, 479, 2997], ['B', 1, 0, 1], ['C', 5, 2, 15]]);
    expect(placed).toMatchObject({ subtotal: 2518 + 1 + 13, shippingTotal: 500, taxTotal: 479 + 0 + 2 + 95, total: 2997 + 1 + 15 + 595 });
    expect(placed.subtotal + placed.shippingTotal + placed.taxTotal).toBe(placed.total);
    const withInvoice = await until(() => order(placed.id), (x) => x.invoices.length === 1 && x.payments[0].amountCaptured === placed.total);
    const inv = withInvoice.invoices[0];
    for (const l of inv.lines) expect(l.net + l.taxTotal).toBe(l.total);
    expect(inv).toMatchObject({ subtotal: placed.subtotal + placed.shippingTotal, taxTotal: placed.taxTotal, total: placed.total });

    // The channel stops including tax: this order keeps its gross prices when priced again.
    ok(await t.admin(UPDATE_CHANNEL, { code: 'de', i: { pricesIncludeTax: false } }));
    try {
      const c = placed.lines.find((l: any) => l.sku === 'C');
      ok(await t.admin(CANCEL_LINES, { orderId: placed.id, lines: [{ orderLineId: c.id, quantity: 3 }] }));
      const after = await order(placed.id);
      expect(after).toMatchObject({ pricesIncludeTax: true, subtotal: 2519, shippingTotal: 500, taxTotal: 574, total: 3593 });
      await settled(t);
      const settledOrder = await until(() => order(placed.id), (x) => x.invoices.length === 2);
      expect(settledOrder.payments[0].amountRefunded).toBe(15);
      // The quote now adds tax to the same catalog price.
      const quote = ok(await t.gql(QUOTE, { i: orderInput([{ sku: 'MUG', quantity: 1 }], DE) })).quoteOrder;
      expect(quote).toMatchObject({ pricesIncludeTax: false, subtotal: 11900, taxTotal: 2261 + 113 });
    } finally {
      ok(await t.admin(UPDATE_CHANNEL, { code: 'de', i: { pricesIncludeTax: true } }));
    }
    await settled(t);
    await expectReconciled(t);
  });

  it("an order edit adds a line at the channel's price, priced in the order's mode", async () => {
    // B's own price in DE: 23.80 gross = 20.00 net + 3.80 tax (its catalog price is 0.01).
    ok(await t.admin(SET_PRICE, { sku: 'B', channelCode: 'de', price: 2380 }));
    try {
      const placed = await place([{ sku: 'A', quantity: 1 }], DE);
      // 9.99 gross: 1.595… → 1.60 tax, 8.39 net; shipping 5.95 = 5.00 + 0.95.
      expect(placed).toMatchObject({ subtotal: 839, shippingTotal: 500, taxTotal: 160 + 95, total: 999 + 595 });
      const edit = ok(await t.admin(`mutation($id: ID!) { beginOrderEdit(orderId: $id) { id } }`, { id: placed.id })).beginOrderEdit.id;
      ok(await t.admin(`mutation($e: ID!, $sku: String!, $q: Int!) { orderEditAddLine(editId: $e, sku: $sku, quantity: $q) { id } }`, { e: edit, sku: 'B', q: 1 }));
      const preview = ok(await t.admin(`query($e: ID!) { orderEditPreview(editId: $e) { subtotal shippingTotal taxTotal total lines { sku unitPrice taxTotal lineTotal } } }`, { e: edit })).orderEditPreview;
      expect(preview.lines).toEqual([{ sku: 'A', unitPrice: 999, taxTotal: 160, lineTotal: 999 }, { sku: 'B', unitPrice: 2380, taxTotal: 380, lineTotal: 2380 }]);
      expect(preview).toMatchObject({ subtotal: 839 + 2000, shippingTotal: 500, taxTotal: 160 + 380 + 95, total: 999 + 2380 + 595 });
      const committed = ok(await t.admin(`mutation($e: ID!, $p: PaymentInput) { commitOrderEdit(editId: $e, payment: $p) { total } }`, { e: edit, p: { method: 'test-card', token: 'tok_visa' } })).commitOrderEdit;
      expect(committed.total).toBe(3974);
      expect(await order(placed.id)).toMatchObject({ subtotal: 2839, shippingTotal: 500, taxTotal: 635, total: 3974 });
    } finally {
      ok(await t.admin(REMOVE_PRICE, { sku: 'B', channelCode: 'de' }));
    }
    await settled(t);
    await expectReconciled(t);
  });

  it('setVariantPrice refuses an unknown SKU or channel and a negative price, changing nothing', async () => {
    const count = async () => {
      const [[p], [h], [e]] = await Promise.all([
        t.sql('SELECT COUNT(*) AS n FROM variant_price'), t.sql('SELECT COUNT(*) AS n FROM price_change'), t.sql('SELECT COUNT(*) AS n FROM outbox_event'),
      ]);
      return [Number(p.n), Number(h.n), Number(e.n)];
    };
    await settled(t);
    const before = await count();
    expect(codeOf(await t.admin(SET_PRICE, { sku: 'NOPE', channelCode: 'us', price: 100 }))).toBe('NOT_FOUND');
    expect(codeOf(await t.admin(SET_PRICE, { sku: 'MUG', channelCode: 'nope', price: 100 }))).toBe('NOT_FOUND');
    expect(codeOf(await t.admin(SET_PRICE, { sku: 'MUG', channelCode: 'us', price: -1 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(SET_PRICE, { sku: 'MUG', channelCode: 'us', price: 2_000_000_001 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(REMOVE_PRICE, { sku: 'NOPE', channelCode: 'us' }))).toBe('NOT_FOUND');
    // Only staff with the catalog role.
    expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(codeOf(await t.gql(SET_PRICE, { sku: 'MUG', channelCode: 'us', price: 100 })));
    // Removing a price the variant does not have: nothing to do, nothing recorded.
    ok(await t.admin(REMOVE_PRICE, { sku: 'MUG', channelCode: 'us' }));
    expect(await count()).toEqual(before);
    expect(ok(await t.gql(VARIANT, { sku: 'MUG' })).variant.us).toBeNull();
  });
});
