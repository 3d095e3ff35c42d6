import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/kernel/logger.js';
import { serviceRegistry, type AppRuntime } from '../../src/kernel/runtime.js';
import { isDocumentKey } from '../../src/documents/document-key.js';
import { FileDocumentStore } from '../../src/documents/file-document-store.js';
import { signPath, verifySignature } from '../../src/documents/signed-link.js';
import { DocumentService } from '../../src/documents/document.service.js';
import { documentRoutes } from '../../src/documents/documents.route.js';
import { renderShippingLabel, type ShippingLabelInput } from '../../src/documents/pdf/render-shipping-label.js';
import { renderPackingSlip } from '../../src/documents/pdf/render-packing-slip.js';
import { renderPickList } from '../../src/documents/pdf/render-pick-list.js';
import { code39Modules } from '../../src/documents/pdf/code39.js';
import { safeText } from '../../src/documents/pdf/pdf-buffer.js';
import { documentFontsShared } from '../../src/documents/pdf/document-fonts.js';
import { pdfPageCount, pdfTextLines } from '../../src/documents/pdf/pdf-text.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ordo-documents-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const query = (path: string) => new URL(path, 'http://x').searchParams;

// First in this file: the first document of the process parses the font files, later ones share what
// was parsed (document-fonts.ts). Cyrillic о and р are drawn from the Latin o and p: a first document in
// Cyrillic must not change how the next one's Latin text reads back (fontkit remembers the characters of
// a glyph from its first use), and the same input gives the same bytes.
describe('document font parsed once per process', () => {
  it('gives each document its own text, whatever was rendered before', async () => {
    const input = { orderNumber: '1001', date: new Date(0), shipTo: { name: 'Jane Doe', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' }, lines: [{ sku: 'A-1', name: 'Trail shoe, waterproof, with a name long enough to wrap', quantity: 2 }] };
    // The creation date (a string object of its own) and the document id differ between any two renders.
    const strip = (b: Buffer) => b.toString('latin1').replace(/\(D:\d{14}Z\)/g, '(D)').replace(/\/ID \[[^\]]*\]/, '');
    const cyrillic = await renderPackingSlip({ ...input, shipTo: { ...input.shipTo, name: 'Дмитрий Иванов' } });
    const first = await renderPackingSlip(input);
    const again = await renderPackingSlip(input);
    expect(documentFontsShared()).toBe(true);
    expect(pdfTextLines(cyrillic)).toContain('Дмитрий Иванов');
    expect(pdfTextLines(first)).toContain('Jane Doe');
    expect(pdfTextLines(first).join(' ')).toContain('Trail shoe, waterproof');
    expect(strip(again)).toBe(strip(first));
  });
});

describe('signed links', () => {
  const now = 1_700_000_000;
  const path = signPath(SECRET, 'labels/shp_1.pdf', now + 60);
  const expires = query(path).get('expires')!;
  const signature = query(path).get('signature')!;

  it('have the documented shape', () => {
    expect(path).toMatch(/^\/documents\/labels\/shp_1\.pdf\?expires=1700000060&signature=[0-9a-f]{64}$/);
  });

  it('verify until they expire', () => {
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', expires, signature, now)).toBe('ok');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', Number(expires), signature, now)).toBe('ok');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', expires, signature, now + 60)).toBe('expired');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', expires, signature, now + 3600)).toBe('expired');
  });

  it('are bad when key, expiry, signature or secret change', () => {
    expect(verifySignature(SECRET, 'labels/shp_2.pdf', expires, signature, now)).toBe('bad');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', String(now + 6000), signature, now)).toBe('bad');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', `0${expires}`, signature, now)).toBe('bad');
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', expires, flipped, now)).toBe('bad');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', expires, signature.slice(2), now)).toBe('bad');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', expires, '', now)).toBe('bad');
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', 'soon', signature, now)).toBe('bad');
    expect(verifySignature(`${SECRET}x`, 'labels/shp_1.pdf', expires, signature, now)).toBe('bad');
  });

  it('report a tampered expired link as bad, not expired', () => {
    expect(verifySignature(SECRET, 'labels/shp_1.pdf', String(now - 10), signature, now)).toBe('bad');
  });
});

describe('document keys and the file store', () => {
  it('accept relative paths and refuse the rest', () => {
    for (const ok of ['labels/shp_x.pdf', 'a', 'invoices/2024/INV-0001.pdf', 'a.b-c_d']) expect(isDocumentKey(ok)).toBe(true);
    for (const bad of ['../x', 'a/../b', '/etc/passwd', 'a//b', 'a/', '.hidden', 'a/.tmp-1', 'a b.pdf', 'a\\b', 'é.pdf', 'x..y', '', 'a?b']) {
      expect(isDocumentKey(bad), bad).toBe(false);
    }
  });

  it('round-trips documents with their content type', async () => {
    const store = new FileDocumentStore(join(dir, 'store'));
    await store.put('labels/shp_x.pdf', Buffer.from('%PDF-1.3 one'), 'application/pdf');
    await store.put('exports/orders.csv', Buffer.from('a,b\n'), 'text/csv; charset=utf-8');
    expect(await store.get('labels/shp_x.pdf')).toEqual({ data: Buffer.from('%PDF-1.3 one'), contentType: 'application/pdf' });
    expect((await store.get('exports/orders.csv'))?.contentType).toBe('text/csv; charset=utf-8');
    // Overwrites in place, and leaves no temp files behind.
    await store.put('labels/shp_x.pdf', Buffer.from('%PDF-1.3 two'), 'application/pdf');
    expect((await store.get('labels/shp_x.pdf'))?.data.toString()).toBe('%PDF-1.3 two');
    expect((await readdir(join(dir, 'store', 'labels'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('answers null for missing documents and folders', async () => {
    const store = new FileDocumentStore(join(dir, 'store'));
    expect(await store.get('labels/nope.pdf')).toBeNull();
    expect(await store.get('labels')).toBeNull();
    expect(await store.get('nowhere/at/all.pdf')).toBeNull();
  });

  it('refuses keys that leave the folder', async () => {
    const store = new FileDocumentStore(join(dir, 'store'));
    await expect(store.put('../x', Buffer.from('x'), 'text/plain')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(store.get('../x')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(store.put('/tmp/x', Buffer.from('x'), 'text/plain')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(store.put('a/b.pdf.content-type', Buffer.from('x'), 'text/plain')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('document service and route', () => {
  let app: AppRuntime;
  let base: string;
  let close: () => void;

  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', ORDO_DATA_DIR: join(dir, 'data') });
    const partial = { config, secret: SECRET, log: createLogger('silent') } as Partial<AppRuntime>;
    partial.service = serviceRegistry(() => partial as AppRuntime);
    app = partial as AppRuntime;
    const server = express();
    const router = express.Router();
    documentRoutes(router, app);
    server.use(router);
    const listening = server.listen(0);
    await new Promise((r) => listening.once('listening', r));
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    close = () => listening.close();
  });
  afterAll(() => close());

  it('saves under <dataDir>/documents', async () => {
    await app.service(DocumentService).save('labels/shp_route.pdf', Buffer.from('%PDF-1.3 route'));
    expect(await new FileDocumentStore(join(dir, 'data', 'documents')).get('labels/shp_route.pdf')).toMatchObject({ contentType: 'application/pdf' });
  });

  it('serves a signed link', async () => {
    const url = app.service(DocumentService).signedUrl('labels/shp_route.pdf');
    expect(url.startsWith('/documents/labels/shp_route.pdf?expires=')).toBe(true);
    const res = await fetch(base + url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="shp_route.pdf"');
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.3 route');
  });

  it('refuses bad, expired and unsigned links with 403, and missing documents with 404', async () => {
    const docs = app.service(DocumentService);
    const good = docs.signedUrl('labels/shp_route.pdf');
    const tampered = good.replace('shp_route', 'shp_other');
    expect((await fetch(base + tampered)).status).toBe(403);
    expect((await fetch(base + '/documents/labels/shp_route.pdf')).status).toBe(403);
    const expired = signPath(SECRET, 'labels/shp_route.pdf', Math.floor(Date.now() / 1000) - 1);
    const res = await fetch(base + expired);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/expired/);
    expect((await fetch(base + docs.signedUrl('labels/missing.pdf'))).status).toBe(404);
  });

  it('uses publicUrl as the base of links', () => {
    const other = { ...app, config: { ...app.config, publicUrl: 'https://api.shop.example' } } as AppRuntime;
    expect(new DocumentService(other).signedUrl('a.pdf', 30)).toMatch(/^https:\/\/api\.shop\.example\/documents\/a\.pdf\?expires=\d+&signature=[0-9a-f]{64}$/);
  });
});

const label: ShippingLabelInput = {
  carrier: 'Sim Carrier',
  service: 'express',
  trackingNumber: 'SIM123456789012',
  from: { name: 'Ordo Warehouse Berlin', countryCode: 'DE', region: 'Berlin' },
  to: { name: 'Zoë Łukasiewicz', line1: 'Hauptstraße 5', line2: 'Hinterhaus', city: 'München', postalCode: '80331', countryCode: 'DE', phone: '+49 89 123' },
  orderNumber: '1042',
  weightGrams: 1250,
  parcels: 2,
  shipmentId: 'shp_abc',
};

describe('PDF renderers', () => {
  it('render a shipping label: one A6 page per parcel, the tracking number and the order', async () => {
    const pdf = await renderShippingLabel(label);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBe(2);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 297\.6\d* 419\.5\d*\]/);
    const text = pdfTextLines(pdf);
    expect(text).toContain('SIM123456789012');
    expect(text).toContain('#1042');
    expect(text).toContain('1.25 kg');
    expect(text).toContain('2 of 2');
    expect(text).toContain('Zoë Łukasiewicz'); // as written: the embedded font has Ł
    expect(text.join('\n')).toMatch(/Hauptstraße 5/);
    expect(text.join('\n')).toMatch(/80331 München/);
    expect(pdf.length).toBeLessThan(60_000);
  });

  it('refuse impossible parcel counts', async () => {
    await expect(renderShippingLabel({ ...label, parcels: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('encode Code 39 with three wide elements of nine per character', () => {
    const modules = code39Modules('SIM123')!;
    // (6 + 2) characters of 9 elements, 7 gaps between them.
    expect(modules.length).toBe(8 * 9 + 7);
    for (let c = 0; c < 8; c++) expect(modules.slice(c * 10, c * 10 + 9).filter((m) => m === 3).length).toBe(3);
    expect(code39Modules('sim123')).toEqual(modules);
    expect(code39Modules('a*b')).toBeNull();
    expect(code39Modules('ä')).toBeNull();
  });

  it('render a packing slip on A4', async () => {
    const pdf = await renderPackingSlip({
      orderNumber: '1042',
      date: new Date('2024-05-01T10:00:00Z'),
      shipTo: label.to,
      from: { name: 'Ordo Shop', line1: 'Lager 1', city: 'Berlin', postalCode: '10115', countryCode: 'DE' },
      lines: [
        { sku: 'TSHIRT-RED-M', name: 'T-shirt, red, M', quantity: 2 },
        { sku: 'MUG-01', name: 'Mug “Ordo”', quantity: 1 },
      ],
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBe(1);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);
    const text = pdfTextLines(pdf);
    expect(text).toContain('#1042');
    expect(text).toContain('2024-05-01');
    expect(text).toContain('TSHIRT-RED-M');
    expect(text).toContain('2 lines, 3 items');
    expect(text.join(' ')).toMatch(/Thank you for your order/);
  });

  it('break long tables across pages and number them', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => ({ sku: `SKU-${i}`, name: `Item ${i}`, quantity: 1 }));
    const pdf = await renderPackingSlip({ orderNumber: '7', date: new Date(), shipTo: label.to, lines, note: 'Custom note' });
    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThan(2);
    const text = pdfTextLines(pdf);
    expect(text.filter((t) => t === 'SKU').length).toBe(pages); // header repeated on every page
    expect(text).toContain('SKU-119');
    expect(text.some((t) => t.includes(`Page ${pages} of ${pages}`))).toBe(true);
    expect(text).toContain('Custom note');
  });

  it('render a pick list', async () => {
    const pdf = await renderPickList({
      location: { code: 'BER-1', name: 'Berlin warehouse' },
      generatedAt: new Date('2024-05-01T08:30:00Z'),
      rows: [
        { sku: 'TSHIRT-RED-M', name: 'T-shirt, red, M', allocations: [{ orderNumber: '1042', shipmentId: 'shp_a', quantity: 2 }, { orderNumber: '1043', quantity: 1 }] },
        { sku: 'MUG-01', name: 'Mug', totalQuantity: 4, allocations: [{ orderNumber: '1044', quantity: 4 }] },
      ],
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBe(1);
    const text = pdfTextLines(pdf);
    expect(text.join('\n')).toMatch(/BER-1\s+Berlin warehouse/);
    expect(text).toContain('Generated 2024-05-01 08:30 UTC');
    expect(text).toContain('TSHIRT-RED-M');
    expect(text).toContain('3');
    expect(text).toContain('#1042 x 2  (shp_a)');
    expect(text).toContain('#1043 x 1');
    expect(text.join(' ')).toMatch(/2 SKUs\s+·\s+7 units\s+·\s+3 orders/);
  });

  it('keep text to what the document font can show', () => {
    expect(safeText('Łódź – “quoted” €5 Ωμέγα Дмитрий 日本\tx')).toBe('Łódź – “quoted” €5 Ωμέγα Дмитрий ?? x');
  });

  it('print Latin, Greek and Cyrillic names as written, and read them back', async () => {
    const pdf = await renderShippingLabel({ ...label, to: { ...label.to, name: 'Дмитрий Иванов', line1: 'Οδός Ερμού 12', city: 'Αθήνα', postalCode: '105 63', countryCode: 'GR' } });
    const text = pdfTextLines(pdf);
    expect(text).toContain('Дмитрий Иванов');
    expect(text).toContain('Οδός Ερμού 12');
    expect(text).toContain('105 63 Αθήνα');
    // The font is embedded (a subset), not one of the built-in ones.
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2 \d+ 0 R/);
    expect(pdf.toString('latin1')).not.toMatch(/\/BaseFont \/Helvetica/);
  });
});
