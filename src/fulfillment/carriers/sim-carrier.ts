// The built-in `sim` carrier: no network, same answers every time. Tracking numbers derive from the
// shipment id, so a retried label job gets the same number; tracking arrives through its webhook, which
// tests and the demo call to move shipments along.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { OrdoError } from '../../kernel/errors.js';
import { renderShippingLabel } from '../../documents/pdf/render-shipping-label.js';
import type { CarrierProvider, CarrierTrackingEvent, CarrierTrackingStatus, Label, LabelRequest } from './carrier.js';

export const SIM_TRACKING_URL = 'https://track.sim-carrier.example/';
export const SIM_SIGNATURE_HEADER = 'x-sim-signature';

const TRACKING_NUMBER = /^SIM\d{12}$/;
const STATUSES: readonly CarrierTrackingStatus[] = ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION'];
const MAX_EVENTS = 1000;
const DAY_MS = 86_400_000;

/** `SIM` + 12 digits from the SHA-256 of the shipment id: same shipment, same number. */
export function simTrackingNumber(shipmentId: string): string {
  const n = createHash('sha256').update(shipmentId).digest().readBigUInt64BE(0) % 10n ** 12n;
  return `SIM${n.toString().padStart(12, '0')}`;
}

/** The `x-sim-signature` of a webhook body: HMAC-SHA256 hex of the raw JSON text. */
export function signSimWebhook(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export interface SimCarrierOptions {
  /** When set, webhooks must carry `x-sim-signature` (see signSimWebhook); when unset, any body is accepted. */
  webhookSecret?: string;
  /** The clock for delivery estimates (tests). */
  now?: () => Date;
}

export class SimCarrier implements CarrierProvider {
  readonly code = 'sim';
  readonly name = 'Sim Carrier';

  constructor(private readonly options: SimCarrierOptions = {}) {}

  async createLabel(req: LabelRequest): Promise<Label & { pdf?: Buffer }> {
    if (!req.shipmentId) throw new OrdoError('BAD_USER_INPUT', 'A label needs the shipment id.');
    const now = this.options.now?.() ?? new Date();
    const trackingNumber = simTrackingNumber(req.shipmentId);
    return {
      trackingNumber,
      trackingUrl: SIM_TRACKING_URL + trackingNumber,
      ...(req.withoutFile ? {} : { pdf: await this.drawLabel(req, { trackingNumber, createdAt: now }) }),
      estimatedDeliveryAt: new Date(now.getTime() + Math.max(0, req.maxTransitDays) * DAY_MS),
    };
  }

  /** The same label, drawn from the request: at purchase, or on its first download (withoutFile). */
  drawLabel(req: LabelRequest, label: { trackingNumber: string; createdAt: Date }): Promise<Buffer> {
    return renderShippingLabel({
      carrier: this.name,
      service: req.serviceCode,
      trackingNumber: label.trackingNumber,
      from: req.from,
      to: req.to,
      orderNumber: req.orderNumber,
      weightGrams: req.weightGrams,
      parcels: req.parcels,
      shipmentId: req.shipmentId,
      createdAt: label.createdAt,
    });
  }

  /** Nothing to call; a number the sim carrier cannot have issued is refused. */
  async cancelLabel(trackingNumber: string): Promise<void> {
    if (!TRACKING_NUMBER.test(trackingNumber)) throw new OrdoError('BAD_USER_INPUT', `"${trackingNumber}" is not a sim carrier tracking number.`);
  }

  /**
   * Takes the raw body (string or Buffer, as express.text/raw give it) or an already parsed object (then its
   * JSON.stringify is what must have been signed).
   */
  async parseWebhook(body: unknown, headers: Record<string, string | string[] | undefined>): Promise<CarrierTrackingEvent[]> {
    const raw = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : body === undefined || body === null ? '' : JSON.stringify(body);
    if (this.options.webhookSecret !== undefined) this.verify(raw, header(headers, SIM_SIGNATURE_HEADER));
    let parsed: unknown = body;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw bad('The body is not JSON.');
      }
    }
    if (!isObject(parsed) || !Array.isArray(parsed.events)) throw bad('The body must be { "events": [ ... ] }.');
    if (parsed.events.length > MAX_EVENTS) throw bad(`At most ${MAX_EVENTS} events per request.`);
    return parsed.events.map((e, i) => toEvent(e, i));
  }

  private verify(raw: string, signature: string | undefined): void {
    const given = (signature ?? '').trim().replace(/^sha256=/i, '');
    if (!/^[0-9a-f]{64}$/i.test(given)) throw new OrdoError('FORBIDDEN', `The webhook needs a valid ${SIM_SIGNATURE_HEADER} header.`);
    const expected = Buffer.from(signSimWebhook(this.options.webhookSecret!, raw), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) throw new OrdoError('FORBIDDEN', `The ${SIM_SIGNATURE_HEADER} signature does not match the body.`);
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

const bad = (message: string) => new OrdoError('BAD_USER_INPUT', message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toEvent(e: unknown, i: number): CarrierTrackingEvent {
  const at = `events[${i}]`;
  if (!isObject(e)) throw bad(`${at} must be an object.`);
  const { trackingNumber, status } = e;
  if (typeof trackingNumber !== 'string' || !trackingNumber || trackingNumber.length > 64) throw bad(`${at}.trackingNumber must be a tracking number.`);
  if (typeof status !== 'string' || !STATUSES.includes(status as CarrierTrackingStatus)) {
    throw bad(`${at}.status must be one of ${STATUSES.join(', ')}.`);
  }
  return {
    trackingNumber,
    status: status as CarrierTrackingStatus,
    occurredAt: date(e.occurredAt, `${at}.occurredAt`),
    location: text(e.location, `${at}.location`),
    description: text(e.description, `${at}.description`),
    estimatedDeliveryAt: date(e.estimatedDeliveryAt, `${at}.estimatedDeliveryAt`),
  };
}

function date(v: unknown, field: string): Date | null {
  if (v === undefined || v === null) return null;
  const d = typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) throw bad(`${field} must be an ISO 8601 date-time.`);
  return d;
}

function text(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > 500) throw bad(`${field} must be a text of at most 500 characters.`);
  return v;
}
