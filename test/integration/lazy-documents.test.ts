// Documents nobody has asked for are not drawn (issue 16): an automated shipment walks to SHIPPED with
// neither its packing slip nor its label rendered; the first download draws each from the database and
// keeps it in the document store, later downloads serve the kept bytes. On both databases.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { pdfTextLines } from '../../src/documents/pdf/pdf-text.js';

const ORDER = `query($id: ID!) { order(id: $id) { id number status shipments { id status trackingNumber labelUrl packingSlipUrl } } }`;
const CANCEL = `mutation($id: ID!, $key: String!) { cancelOrder(id: $id, reason: "changed mind", idempotencyKey: $key) { id status shipments { id status packingSlipUrl } } }`;

describe.each(DB_KINDS)('documents drawn on first download on %s', (kind: DbKind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'staffed', priority: 10 }],
      variants: [{ sku: 'LAZY-1', price: 1200, stock: { auto: 10 } }, { sku: 'LAZY-2', price: 800, stock: { staffed: 5 } }],
    });
  });
  afterAll(async () => t?.stop());

  const stored = (key: string) => existsSync(join(t.env.ORDO_DATA_DIR, 'documents', key));
  const download = async (url: string) => {
    const res = await fetch(new URL(url, t.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/pdf');
    return Buffer.from(await res.arrayBuffer());
  };

  it('ships without drawing; the first download draws the label and the slip, the next ones get the same bytes', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'LAZY-1', quantity: 2 }]) })).placeOrder.order;
    const o = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (x) => x.status === 'SHIPPED');
    const s = o.shipments[0];
    expect(s.trackingNumber).toMatch(/^SIM\d{12}$/);
    expect(stored(`labels/${s.id}.pdf`)).toBe(false);
    expect(stored(`packing-slips/${s.id}.pdf`)).toBe(false);
    expect((await t.sql('SELECT packing_slip_key FROM shipment WHERE id = ?', [s.id]))[0].packing_slip_key).toBeNull();

    const label = await download(s.labelUrl);
    const labelText = pdfTextLines(label).join('\n');
    expect(labelText).toContain(s.trackingNumber);
    expect(labelText).toContain(o.number);
    expect(stored(`labels/${s.id}.pdf`)).toBe(true);
    expect((await download(s.labelUrl)).equals(label)).toBe(true);

    const slip = await download(s.packingSlipUrl);
    const slipText = pdfTextLines(slip).join('\n');
    expect(slipText).toContain('LAZY-1');
    expect(slipText).toContain(o.number);
    expect(stored(`packing-slips/${s.id}.pdf`)).toBe(true);
    expect((await t.sql('SELECT packing_slip_key FROM shipment WHERE id = ?', [s.id]))[0].packing_slip_key).toBe(`packing-slips/${s.id}.pdf`);
    expect((await download(s.packingSlipUrl)).equals(slip)).toBe(true);
  });

  it('a shipment cancelled before anyone fetched its slip offers none; a link to a label that was never bought finds nothing', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'LAZY-2', quantity: 1 }]) })).placeOrder.order;
    const o = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (x) => x.shipments.length === 1);
    expect(o.shipments[0].packingSlipUrl).toMatch(/signature=/);
    expect(o.shipments[0].labelUrl).toBeNull();
    ok(await t.admin(CANCEL, { id: placed.id, key: `lazy-cancel-${kind}` }));
    const cancelled = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (x) => x.shipments[0].status === 'CANCELLED');
    expect(cancelled.shipments[0].packingSlipUrl).toBeNull();
    // A well-signed link to a label that does not exist: nothing is drawn, nothing is stored.
    const { DocumentService } = await import('../../src/documents/document.service.js');
    const url = t.engine.app.service(DocumentService).signedUrl(`labels/${o.shipments[0].id}.pdf`);
    expect((await fetch(new URL(url, t.url))).status).toBe(404);
    expect(stored(`labels/${o.shipments[0].id}.pdf`)).toBe(false);
  });
});
