// CSV exports on both databases (docs/exports.md): exportOrders / exportStockLevels / exportStockMovements
// hand out a signed link; GET on the engine's own HTTP server streams the CSV. The orders of a filter are
// exactly those orders(filter) lists, newest first; a channel-scoped key gets its channels only; money is
// written in the currency's decimals (JPY none); stock levels equal the stockLevels query; movements
// cross batch boundaries (2,500 rows in batches of 1,000) without loss or repeat; tampered, expired and
// made-up tokens are refused with a plain 403 and no data; text cells cannot start a formula.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { signExportToken } from '../../src/exports/export-token.js';

const EXPORT_ORDERS = `mutation($f: OrderFilter) { exportOrders(filter: $f) { url expiresAt fileName } }`;
const EXPORT_LEVELS = `mutation($l: String, $s: String) { exportStockLevels(locationCode: $l, sku: $s) { url expiresAt fileName } }`;
const EXPORT_MOVES = `mutation($from: DateTime!, $to: DateTime!, $s: String, $l: String) { exportStockMovements(from: $from, to: $to, sku: $s, locationCode: $l) { url fileName } }`;
const LIST = `query($f: OrderFilter, $after: String) { orders(first: 100, filter: $f, after: $after) { nodes { number total currencyCode } pageInfo { hasNextPage endCursor } } }`;
const LEVELS = `query($l: String) { stockLevels(locationCode: $l) { sku onHand reserved available location { code } } }`;
const ADJUST = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`;

type Rows = Record<string, string>[];

describe.each(DB_KINDS)('CSV exports on %s', (kind: DbKind) => {
  let t: TestEngine;
  let base: string;
  let scopedKey: string;
  let catalogKey: string;
  let inventoryKey: string;
  let midway: string;
  let jpNumber: string;

  const place = async (extra: Record<string, unknown> = {}, sku = 'EXA', quantity = 2) =>
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }], extra) })).placeOrder.order;

  /** GETs a link: status, headers and body. */
  const download = async (url: string, init?: RequestInit) => {
    const res = await fetch(new URL(url, base), init);
    return { status: res.status, headers: res.headers, body: await res.text() };
  };
  const csv = async (url: string): Promise<Rows> => {
    const r = await download(url);
    expect(r.status, r.body).toBe(200);
    return parse(r.body, { columns: true, skip_empty_lines: true });
  };
  const exportOrders = async (f?: Record<string, unknown>, token?: string) => {
    const r = await gqlAt(t.url, EXPORT_ORDERS, { f }, token ?? 'test-admin-key-0123456789abcdef');
    return csv(ok(r).exportOrders.url);
  };
  /** Every order orders(filter) lists, in its order. */
  const listed = async (f?: Record<string, unknown>, token?: string) => {
    const out: any[] = [];
    let after: string | undefined;
    for (;;) {
      const page = ok(await gqlAt(t.url, LIST, { f, after }, token ?? 'test-admin-key-0123456789abcdef')).orders;
      out.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return out;
      after = page.pageInfo.endCursor;
    }
  };

  beforeAll(async () => {
    t = await startTestEngine(kind);
    base = new URL('/', t.url).toString();
    await setupShop(t, { variants: [{ sku: 'EXA', price: 1234, stock: { 'wh-a': 100 } }, { sku: 'EXB', price: 500, stock: { 'wh-a': 40 } }] });
    ok(await t.admin(`mutation { createStockLocation(input: { code: "wh-b", name: "B", kind: WAREHOUSE, countryCode: "DE", priority: 20 }) { id } }`));
    ok(await t.admin(ADJUST, { i: { sku: 'EXB', locationCode: 'wh-b', delta: 7, reason: 'RECEIVED' } }));
    ok(await t.admin(`mutation { createChannel(input: { code: "eu-web", name: "EU web", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    ok(await t.admin(`mutation { createChannel(input: { code: "jp", name: "Japan", kind: WEB_STORE, currencyCode: "JPY" }) { id } }`));
    ok(await t.admin(`mutation { createProduct(input: { name: "Tea", variants: [{ sku: "TEA-JPY", name: "Green tea", price: 1200, currencyCode: "JPY" }] }) { id } }`));
    ok(await t.admin(ADJUST, { i: { sku: 'TEA-JPY', locationCode: 'wh-a', delta: 20, reason: 'RECEIVED' } }));
    ok(await t.admin(`mutation { createShippingMethod(input: { code: "standard-jp", name: "Standard", carrierCode: "sim", price: 500, currencyCode: "JPY", minTransitDays: 2, maxTransitDays: 4 }) { id } }`));

    await place();
    await place({ email: 'bob@example.com' }, 'EXB', 3);
    await place({ externalId: '-SUM:A1' });
    midway = new Date(Date.now() + 5).toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const tagged = await place({ channelCode: 'eu-web' });
    await place({ channelCode: 'eu-web', email: 'bob@example.com' }, 'EXB', 1);
    jpNumber = (await place({ channelCode: 'jp', shippingMethodCode: 'standard-jp' }, 'TEA-JPY', 1)).number;
    ok(await t.admin(`mutation($id: ID!) { tagOrder(orderId: $id, tags: ["vip"]) { id } }`, { id: tagged.id }));

    scopedKey = ok(await t.admin(`mutation { createApiKey(name: "eu-ops", roles: ["orders", "inventory"], channelCodes: ["eu-web"]) { token } }`)).createApiKey.token;
    catalogKey = ok(await t.admin(`mutation { createApiKey(name: "cat", roles: ["catalog"]) { token } }`)).createApiKey.token;
    inventoryKey = ok(await t.admin(`mutation { createApiKey(name: "inv", roles: ["inventory"]) { token } }`)).createApiKey.token;
  }, 120_000);
  afterAll(async () => t?.stop());

  it('exports every order newest first, as orders lists them, with a CSV attachment and money in decimals', async () => {
    const link = ok(await t.admin(EXPORT_ORDERS, {})).exportOrders;
    expect(link.url).toMatch(/^\/exports\/[\w-]+\.[\w-]{43}$/);
    expect(link.fileName).toMatch(/^orders-\d{8}-\d{4}\.csv$/);
    const minutes = (new Date(link.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15.1);
    const r = await download(link.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${link.fileName}"`);
    expect(r.body.split('\r\n')[0]).toBe('number,placed_at,status,payment_status,channel,currency,email,shipping_country,lines,units,subtotal,discounts,shipping,tax,total,total_minor_units,external_id');

    const rows: Rows = parse(r.body, { columns: true });
    const all = await listed();
    expect(rows.map((x) => x.number)).toEqual(all.map((o) => o.number));
    const bob = rows.find((x) => x.email === 'bob@example.com' && x.channel === 'default')!;
    // 3 × 5.00 + 4.95 shipping, 19 % tax on both.
    expect(bob).toMatchObject({ currency: 'EUR', lines: '1', units: '3', subtotal: '15.00', shipping: '4.95', discounts: '0.00', shipping_country: 'DE', status: 'CONFIRMED' });
    expect(Number(bob.total) * 100).toBeCloseTo(Number(bob.total_minor_units));
    rows.forEach((row, i) => {
      expect([row.currency, row.total_minor_units]).toEqual([all[i].currencyCode, String(all[i].total)]);
      expect(Number.isNaN(Date.parse(row.placed_at))).toBe(false);
    });
  });

  it('selects exactly what orders(filter) selects, for each filter and their combinations', async () => {
    const filters: Record<string, unknown>[] = [
      { status: ['CONFIRMED'] },
      { status: ['CONFIRMED', 'CANCELLED'] },
      { channelCode: 'eu-web' },
      { channelCode: 'nowhere' },
      { email: ' BOB@example.com ' },
      { email: 'bob@example.com', channelCode: 'default' },
      { externalId: '-SUM:A1' },
      { placedAfter: midway },
      { placedBefore: midway },
      { placedAfter: midway, status: ['CONFIRMED', 'PENDING'], channelCode: 'eu-web' },
      { tags: ['VIP'] },
    ];
    for (const f of filters) {
      const rows = await exportOrders(f);
      expect(rows.map((x) => x.number), JSON.stringify(f)).toEqual((await listed(f)).map((o) => o.number));
    }
    expect((await exportOrders({ tags: ['vip'] })).map((x) => x.channel)).toEqual(['eu-web']);
    expect(await exportOrders({ channelCode: 'nowhere' })).toEqual([]);
  });

  it('keeps a channel-scoped key and staff member to their channels, and refuses principals without the orders role', async () => {
    const invited = ok(await t.admin(`mutation($i: InviteStaffMemberInput!) { inviteStaffMember(input: $i) { invitationToken } }`, {
      i: { email: 'eu-desk@shop.example', name: 'EU desk', roles: ['orders'], channelCodes: ['eu-web'] },
    })).inviteStaffMember;
    const staff = ok(await t.gql(`mutation($t: String!, $p: String!) { acceptStaffInvitation(token: $t, password: $p) { token } }`, { t: invited.invitationToken, p: 'eu desk password' })).acceptStaffInvitation.token;
    for (const token of [scopedKey, staff]) {
      const rows = await exportOrders(undefined, token);
      expect(rows.length).toBe(2);
      expect(new Set(rows.map((x) => x.channel))).toEqual(new Set(['eu-web']));
      expect(rows.map((x) => x.number)).toEqual((await listed(undefined, token)).map((o) => o.number));
      // Another channel named in the filter: nothing, as the list answers.
      expect(await exportOrders({ channelCode: 'default' }, token)).toEqual([]);
      expect((await exportOrders({ channelCode: 'eu-web', email: 'bob@example.com' }, token)).length).toBe(1);
    }
    expect(codeOf(await gqlAt(t.url, EXPORT_ORDERS, {}, catalogKey))).toBe('FORBIDDEN');
    expect(codeOf(await gqlAt(t.url, EXPORT_ORDERS, {}, inventoryKey))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(EXPORT_ORDERS, {}))).toBe('UNAUTHENTICATED');
  });

  it('writes JPY amounts without decimals', async () => {
    const [row] = await exportOrders({ channelCode: 'jp' });
    expect(row).toMatchObject({ number: jpNumber, currency: 'JPY', units: '1', subtotal: '1200', shipping: '500' });
    for (const col of ['subtotal', 'discounts', 'shipping', 'tax', 'total']) expect(row[col]).toMatch(/^\d+$/);
    expect(row.total).toBe(row.total_minor_units);
  });

  it('guards text cells against formulas, and leaves numbers alone', async () => {
    const [row] = await exportOrders({ externalId: '-SUM:A1' });
    expect(row.external_id).toBe("'-SUM:A1");
    ok(await t.admin(ADJUST, { i: { sku: 'EXA', locationCode: 'wh-a', delta: -2, reason: 'DAMAGED', note: '=HYPERLINK("x", "y")' } }));
    const moves = await csv(ok(await t.admin(EXPORT_MOVES, { from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + 1000).toISOString(), s: 'EXA' })).exportStockMovements.url);
    expect(moves.at(-1)).toMatchObject({ sku: 'EXA', kind: 'DAMAGED', quantity: '-2', location: 'wh-a', note: `'=HYPERLINK("x", "y")` });
  });

  it('refuses tampered, expired and made-up links with a plain 403 and no data', async () => {
    const url: string = ok(await t.admin(EXPORT_ORDERS, {})).exportOrders.url;
    const token = url.slice('/exports/'.length);
    const [payload, sig] = token.split('.');
    const spec = JSON.parse(Buffer.from(payload, 'base64url').toString());
    // Widened to every channel / a later expiry: the signature no longer fits.
    const widened = Buffer.from(JSON.stringify({ ...spec, expires: spec.expires + 86_400_000 })).toString('base64url');
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
    const expired = signExportToken(t.engine.app.secret, { ...spec, expires: Date.now() - 1000 });
    const foreign = signExportToken('another-secret-0123456789abcdef-0123', spec);
    for (const [bad, message] of [
      [`${widened}.${sig}`, 'not valid'], [`${payload}.${flipped}`, 'not valid'], [expired, 'expired'], [foreign, 'not valid'],
      ['nothing', 'not valid'], [`${payload}.`, 'not valid'],
    ] as const) {
      const r = await download(`/exports/${bad}`);
      expect(r.status, bad).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(r.body).toContain(message);
      expect(r.body).not.toContain('@example.com');
    }
    expect((await download(url)).status).toBe(200);
  });

  it('exports stock levels equal to the stockLevels query, also for one location; only for unscoped inventory staff', async () => {
    const levels = ok(await t.admin(LEVELS, {})).stockLevels;
    const rows = await csv(ok(await t.admin(EXPORT_LEVELS, {})).exportStockLevels.url);
    const key = (x: any) => `${x.location}|${x.sku}`;
    const asRows = levels.map((l: any) => ({ location: l.location.code, sku: l.sku, on_hand: String(l.onHand), reserved: String(l.reserved), available: String(l.available) }));
    expect(rows.map((r) => ({ location: r.location, sku: r.sku, on_hand: r.on_hand, reserved: r.reserved, available: r.available })).sort((a, b) => key(a).localeCompare(key(b))))
      .toEqual(asRows.sort((a: any, b: any) => key(a).localeCompare(key(b))));
    expect(rows.map((r) => r.sku)).toEqual([...rows.map((r) => r.sku)].sort());
    expect(rows.find((r) => r.sku === 'EXA')).toMatchObject({ reserved: '6', in_transit_in: '0', incoming: '0' });

    const b = await csv(ok(await gqlAt(t.url, EXPORT_LEVELS, { l: 'wh-b' }, inventoryKey)).exportStockLevels.url);
    expect(b).toEqual([{ location: 'wh-b', sku: 'EXB', on_hand: '7', reserved: '0', available: '7', in_transit_in: '0', incoming: '0' }]);
    expect(codeOf(await t.admin(EXPORT_LEVELS, { l: 'nowhere' }))).toBe('NOT_FOUND');
    expect(codeOf(await gqlAt(t.url, EXPORT_LEVELS, {}, scopedKey))).toBe('FORBIDDEN');
    expect(codeOf(await gqlAt(t.url, EXPORT_LEVELS, {}, catalogKey))).toBe('FORBIDDEN');
  });

  it('exports the movements of a period in order across batches of 1,000, none lost or repeated', async () => {
    const [{ id: locationId }] = await t.sql(`SELECT id FROM stock_location WHERE code = 'wh-b'`);
    const start = Date.now() - 3_600_000;
    const n = 2500;
    for (let i = 0; i < n; i += 250) {
      const rows = Array.from({ length: Math.min(250, n - i) }, (_, j) => i + j);
      await t.sql(
        `INSERT INTO stock_movement (id, sku, location_id, delta, reason, note, order_id, at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        rows.flatMap((k) => [`mov_bulk${String(k).padStart(6, '0')}`, 'BULK', locationId, (k % 7) - 3, 'CORRECTION', null, null, kind === 'sqlite' ? start + k : new Date(start + k)]),
      );
    }
    const link = ok(await t.admin(EXPORT_MOVES, { from: new Date(start).toISOString(), to: new Date(start + n).toISOString(), s: 'BULK', l: 'wh-b' })).exportStockMovements;
    expect(link.fileName).toMatch(/^stock-movements-\d{8}-\d{4}-\d{8}-\d{4}\.csv$/);
    const rows = await csv(link.url);
    expect(rows.length).toBe(n);
    expect(rows.map((r) => Date.parse(r.at))).toEqual(Array.from({ length: n }, (_, k) => start + k));
    expect(rows.map((r) => Number(r.quantity))).toEqual(Array.from({ length: n }, (_, k) => (k % 7) - 3));
    // A window inside: exactly its rows.
    const part = await csv(ok(await gqlAt(t.url, EXPORT_MOVES, { from: new Date(start + 1000).toISOString(), to: new Date(start + 1100).toISOString(), s: 'BULK' }, inventoryKey)).exportStockMovements.url);
    expect(part.length).toBe(100);
    expect(codeOf(await t.admin(EXPORT_MOVES, { from: new Date(start).toISOString(), to: new Date(start).toISOString() }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gqlAt(t.url, EXPORT_MOVES, { from: new Date(start).toISOString(), to: new Date().toISOString() }, scopedKey))).toBe('FORBIDDEN');
  });
});
