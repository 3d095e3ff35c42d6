// The `file` connector (issue 17): a channel posts its orders as a signed CSV or JSON file to
// /channels/:code/import, or drops them into a folder the poll job reads. On both databases.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { ADDRESS, setupShop, snapshot } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';

const SECRET = 'file-channel-secret-0123456789';
const HEADER = 'external_id,email,placed_at,currency,ship_name,ship_line1,ship_line2,ship_city,ship_region,ship_postal_code,ship_country,ship_phone,shipping_method,shipping_total,shipping_tax,discount_total,total,payment_reference,fulfilled_by_channel,sku,quantity,unit_price,tax,name';
// POS-7 has two lines (two rows); its order columns are read from its first row.
const CSV = [
  HEADER,
  'POS-7,anna@example.com,2026-11-30T09:15:00Z,EUR,Anna Berg,"Markt 3, Hinterhaus",,Leipzig,,04109,DE,,standard,0,0,,3570,till-7-0042,,FILE-1,2,1000,380,"Mug, large"',
  'POS-7,,,,,,,,,,,,,,,,,,,FILE-2,1,1000,190,',
  'POS-8,ben@example.com,,EUR,Ben Ott,Ring 9,,Leipzig,,04109,DE,,,0,0,,1190,till-7-0043,true,FILE-1,1,1000,190,',
].join('\r\n');

describe.each(DB_KINDS)('order files on %s', (kind: DbKind) => {
  let t: TestEngine;
  const post = (body: string, opts: { type?: string; secret?: string; key?: string; channel?: string } = {}) => fetch(new URL(`/channels/${opts.channel ?? 'pos'}/import`, t.url), {
    method: 'POST', body,
    headers: {
      'content-type': opts.type ?? 'text/csv',
      'x-ordo-signature': `sha256=${createHmac('sha256', opts.secret ?? SECRET).update(body).digest('hex')}`,
      ...(opts.key ? { 'idempotency-key': opts.key } : {}),
    },
  });

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { locations: [{ code: 'store', priority: 10 }], variants: [{ sku: 'FILE-1', price: 1200, stock: { store: 20 } }, { sku: 'FILE-2', price: 900, stock: { store: 20 } }] });
    ok(await t.admin(`mutation { createChannel(input: { code: "pos", name: "Shop tills", kind: POS, currencyCode: "EUR" }) { id } }`));
    const weak = await t.admin(`mutation { connectChannel(channelCode: "pos", connector: "file", config: { secret: "short" }) { connector } }`);
    expect(codeOf(weak)).toBe('BAD_USER_INPUT');
    ok(await t.admin(`mutation($c: JSONObject!) { connectChannel(channelCode: "pos", connector: "file", config: $c) { connector } }`, { c: { secret: SECRET } }));
  });
  afterAll(async () => t?.stop());

  it('imports a signed CSV file: one order per external_id, its lines from its rows; posting it again imports nothing', async () => {
    const res = await post(CSV);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ created: 2, existing: 0, failed: 0 });
    const q = `query($f: OrderFilter) { orders(first: 5, filter: $f) { edges { node { externalId status total shippingAddress { line1 } lines { sku quantity unitPrice taxTotal name quantityShipped } payments { method status amountCaptured transactionId } } } } }`;
    const [pos7] = ok(await t.admin(q, { f: { channelCode: 'pos', externalId: 'POS-7' } })).orders.edges.map((e: any) => e.node);
    expect(pos7).toMatchObject({
      externalId: 'POS-7', status: 'CONFIRMED', total: 3570, shippingAddress: { line1: 'Markt 3, Hinterhaus' },
      payments: [{ method: 'external', status: 'PAID', amountCaptured: 3570, transactionId: 'till-7-0042' }],
    });
    expect(pos7.lines).toEqual([
      { sku: 'FILE-1', quantity: 2, unitPrice: 1000, taxTotal: 380, name: 'Mug, large', quantityShipped: 0 },
      { sku: 'FILE-2', quantity: 1, unitPrice: 1000, taxTotal: 190, name: 'Variant FILE-2', quantityShipped: 0 },
    ]);
    const [pos8] = ok(await t.admin(q, { f: { channelCode: 'pos', externalId: 'POS-8' } })).orders.edges.map((e: any) => e.node);
    expect(pos8).toMatchObject({ status: 'SHIPPED', lines: [{ sku: 'FILE-1', quantityShipped: 1 }] });

    await settled(t);
    const before = await snapshot(t);
    const again = await post(CSV);
    expect(again.status).toBe(200);
    expect((await again.json()).results.map((r: any) => r.orderId)).toEqual(body.results.map((r: any) => r.orderId));
    await settled(t);
    expect(await snapshot(t)).toEqual(before);
  });

  it('takes JSON too, and answers per order', async () => {
    const orders = [
      { externalId: 'POS-9', email: 'cleo@example.com', lines: [{ sku: 'FILE-2', quantity: 1, unitPrice: 1000, taxTotal: 190 }], shippingAddress: ADDRESS, shippingTotal: 0, total: 1190 },
      { externalId: 'POS-10', email: 'dan@example.com', lines: [{ sku: 'NOPE', quantity: 1, unitPrice: 1000, taxTotal: 190 }], shippingAddress: ADDRESS, shippingTotal: 0, total: 1190 },
    ];
    const res = await post(JSON.stringify(orders), { type: 'application/json', key: `json-1-${kind}` });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ created: 1, failed: 1 });
    expect(body.results[1].error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'orders[1].lines[0].sku' });
  });

  it('refuses a wrong signature, an unknown channel and an unreadable file, importing nothing', async () => {
    await settled(t);
    const before = await snapshot(t);
    const forged = await post(CSV.replace('3570', '1'), { secret: 'another-secret-0123456789' });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error).toBe('UNAUTHENTICATED');
    expect((await post(CSV, { channel: 'nowhere' })).status).toBe(422);
    const bad = await post(`${HEADER}\r\nPOS-11,x@example.com,,EUR,X,Y,,Z,,04109,DE,,,0,0,,abc,,,FILE-1,1,1000,190,`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain('total');
    const noColumns = await post('id,mail\r\n1,a@example.com');
    expect(noColumns.status).toBe(400);
    await settled(t);
    expect(await snapshot(t)).toEqual(before);
  });

  it('reads order files dropped into a folder, in name order, once each; an unreadable one is put aside', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ordo-drop-'));
    ok(await t.admin(`mutation { createChannel(input: { code: "drop", name: "POS exports", kind: POS, currencyCode: "EUR" }) { id } }`));
    for (const bad of ['relative/folder', join(folder, 'missing')]) {
      expect(codeOf(await t.admin(`mutation($c: JSONObject!) { connectChannel(channelCode: "drop", connector: "file", config: $c) { connector } }`, { c: { folder: bad } }))).toBe('BAD_USER_INPUT');
    }
    ok(await t.admin(`mutation($c: JSONObject!) { connectChannel(channelCode: "drop", connector: "file", config: $c) { connector } }`, { c: { folder } }));
    const row = (id: string, sku = 'FILE-1') => `${id},drop@example.com,,EUR,Dee Rop,Ring 1,,Leipzig,,04109,DE,,,0,0,,1190,,,${sku},1,1000,190,`;
    writeFileSync(join(folder, 'orders-01.csv'), [HEADER, row('DROP-1'), row('DROP-2', 'FILE-2')].join('\n'));
    writeFileSync(join(folder, 'orders-02.json'), JSON.stringify([{ externalId: 'DROP-3', email: 'drop@example.com', shippingAddress: ADDRESS, shippingTotal: 0, total: 1190, lines: [{ sku: 'FILE-1', quantity: 1, unitPrice: 1000, taxTotal: 190 }] }]));
    writeFileSync(join(folder, 'orders-03.csv'), 'external_id,email\nDROP-X,x@example.com\n');
    // DROP-1 again, in a later file: the same order, not a second one.
    writeFileSync(join(folder, 'orders-04.csv'), [HEADER, row('DROP-4'), row('DROP-1')].join('\n'));
    writeFileSync(join(folder, 'notes.txt'), 'not an order file');

    const count = async () => Number((await t.sql(`SELECT COUNT(*) AS n FROM orders o JOIN channel c ON c.id = o.channel_id WHERE c.code = 'drop'`))[0].n);
    ok(await t.admin(`mutation { syncChannel(channelCode: "drop") { connector } }`));
    await until(count, (n) => n === 4);
    await settled(t);
    // The next pull puts the files it has read aside; polling again imports nothing more.
    ok(await t.admin(`mutation { syncChannel(channelCode: "drop") { connector } }`));
    await until(() => readdirSync(folder).filter((f) => f.startsWith('orders-')), (f) => f.length === 0);
    await settled(t);
    expect(await count()).toBe(4);
    expect(readdirSync(join(folder, 'imported')).sort()).toEqual(['orders-01.csv', 'orders-02.json', 'orders-04.csv']);
    expect(readdirSync(join(folder, 'failed')).sort()).toEqual(['orders-03.csv', 'orders-03.csv.error.txt']);
    expect(readFileSync(join(folder, 'failed', 'orders-03.csv.error.txt'), 'utf8')).toMatch(/no sku, quantity, unit_price, tax, total column/);
    expect(readdirSync(folder)).toContain('notes.txt');
    const ids = (await t.sql(`SELECT o.external_id FROM orders o JOIN channel c ON c.id = o.channel_id WHERE c.code = 'drop' ORDER BY o.external_id`)).map((r: any) => r.external_id);
    expect(ids).toEqual(['DROP-1', 'DROP-2', 'DROP-3', 'DROP-4']);
    // A channel reading a folder has no secret: it takes no posted files (even signed with "undefined").
    const refused = await post(CSV, { channel: 'drop', secret: 'undefined' });
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toBe('NOT_FOUND');
    rmSync(folder, { recursive: true, force: true });
  });
});
