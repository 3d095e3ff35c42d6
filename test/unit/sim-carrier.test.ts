import { describe, expect, it } from 'vitest';
import { SimCarrier, signSimWebhook, simTrackingNumber } from '../../src/fulfillment/carriers/sim-carrier.js';
import { CarrierService } from '../../src/fulfillment/carriers/carrier.service.js';
import type { CarrierProvider, LabelRequest } from '../../src/fulfillment/carriers/carrier.js';
import type { AppRuntime } from '../../src/kernel/runtime.js';
import { pdfPageCount, pdfTextLines } from '../../src/documents/pdf/pdf-text.js';

const request: LabelRequest = {
  shipmentId: 'shp_0001',
  orderNumber: '1001',
  serviceCode: 'standard',
  from: { name: 'Warehouse', countryCode: 'DE' },
  to: { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', countryCode: 'GB' },
  weightGrams: 800,
  parcels: 1,
  minTransitDays: 1,
  maxTransitDays: 3,
};
const now = new Date('2024-05-01T12:00:00Z');

describe('sim carrier labels', () => {
  it('derive the tracking number from the shipment id', async () => {
    const carrier = new SimCarrier({ now: () => now });
    const a = await carrier.createLabel(request);
    const b = await new SimCarrier().createLabel(request);
    const c = await carrier.createLabel({ ...request, shipmentId: 'shp_0002' });
    expect(a.trackingNumber).toMatch(/^SIM\d{12}$/);
    expect(a.trackingNumber).toBe(b.trackingNumber);
    expect(a.trackingNumber).toBe(simTrackingNumber('shp_0001'));
    expect(c.trackingNumber).not.toBe(a.trackingNumber);
    expect(a.trackingUrl).toBe(`https://track.sim-carrier.example/${a.trackingNumber}`);
    expect(a.estimatedDeliveryAt?.toISOString()).toBe('2024-05-04T12:00:00.000Z');
  });

  it('come with a label PDF', async () => {
    const label = await new SimCarrier({ now: () => now }).createLabel({ ...request, parcels: 3 }) as { pdf: Buffer; trackingNumber: string };
    expect(label.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPageCount(label.pdf)).toBe(3);
    const text = pdfTextLines(label.pdf);
    expect(text).toContain(label.trackingNumber);
    expect(text).toContain('#1001');
    expect(text).toContain('Ada Lovelace');
  });

  it('cancel its own numbers and refuse others', async () => {
    const carrier = new SimCarrier();
    await expect(carrier.cancelLabel(simTrackingNumber('shp_0001'))).resolves.toBeUndefined();
    await expect(carrier.cancelLabel('1Z999AA10123456784')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('sim carrier webhooks', () => {
  const body = {
    events: [
      { trackingNumber: 'SIM000000000001', status: 'IN_TRANSIT', occurredAt: '2024-05-02T08:00:00Z', location: 'Hub Leipzig' },
      { trackingNumber: 'SIM000000000001', status: 'DELIVERED', description: 'Left with neighbour', estimatedDeliveryAt: '2024-05-03T10:00:00Z' },
    ],
  };
  const raw = JSON.stringify(body);

  it('parse events without a secret', async () => {
    const events = await new SimCarrier().parseWebhook(body, {});
    expect(events).toEqual([
      { trackingNumber: 'SIM000000000001', status: 'IN_TRANSIT', occurredAt: new Date('2024-05-02T08:00:00Z'), location: 'Hub Leipzig', description: null, estimatedDeliveryAt: null },
      { trackingNumber: 'SIM000000000001', status: 'DELIVERED', occurredAt: null, location: null, description: 'Left with neighbour', estimatedDeliveryAt: new Date('2024-05-03T10:00:00Z') },
    ]);
    expect(await new SimCarrier().parseWebhook(raw, {})).toEqual(events);
    expect(await new SimCarrier().parseWebhook(Buffer.from(raw), {})).toEqual(events);
  });

  it('verify the signature when a secret is set', async () => {
    const carrier = new SimCarrier({ webhookSecret: 'hook-secret' });
    const signature = signSimWebhook('hook-secret', raw);
    expect(await carrier.parseWebhook(raw, { 'x-sim-signature': signature })).toHaveLength(2);
    expect(await carrier.parseWebhook(Buffer.from(raw), { 'X-Sim-Signature': [`sha256=${signature}`] })).toHaveLength(2);
    expect(await carrier.parseWebhook(body, { 'x-sim-signature': signature })).toHaveLength(2);
    await expect(carrier.parseWebhook(raw, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(carrier.parseWebhook(raw, { 'x-sim-signature': signSimWebhook('other', raw) })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(carrier.parseWebhook(raw.replace('DELIVERED', 'EXCEPTION'), { 'x-sim-signature': signature })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(carrier.parseWebhook(raw, { 'x-sim-signature': 'nothex' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuse bad bodies', async () => {
    const carrier = new SimCarrier();
    const bad = [
      '{not json',
      [],
      {},
      { events: 'x' },
      { events: [null] },
      { events: [{ status: 'DELIVERED' }] },
      { events: [{ trackingNumber: 'SIM000000000001', status: 'LOST' }] },
      { events: [{ trackingNumber: 'SIM000000000001', status: 'DELIVERED', occurredAt: 'yesterday' }] },
      { events: [{ trackingNumber: 'SIM000000000001', status: 'DELIVERED', location: 42 }] },
    ];
    for (const b of bad) await expect(carrier.parseWebhook(b, {}), JSON.stringify(b)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await carrier.parseWebhook({ events: [] }, {})).toEqual([]);
  });
});

describe('carrier service', () => {
  const app = {} as AppRuntime;

  it('knows sim, refuses unknown codes and takes plugin providers', () => {
    const carriers = new CarrierService(app);
    expect(carriers.get('sim')).toBeInstanceOf(SimCarrier);
    expect(() => carriers.get('dhl')).toThrow(/Unknown carrier "dhl"/);
    try {
      carriers.get('dhl');
    } catch (e) {
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    const dhl: CarrierProvider = { code: 'dhl', createLabel: async () => ({ trackingNumber: '1', trackingUrl: '', pdf: Buffer.alloc(0) }), cancelLabel: async () => {}, parseWebhook: async () => [] };
    carriers.register(dhl);
    expect(carriers.get('dhl')).toBe(dhl);
    expect(carriers.codes()).toEqual(['dhl', 'sim']);
  });
});
