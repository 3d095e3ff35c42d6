// The `easypost` carrier on EasyPost's official SDK (@easypost/api): one API for USPS, UPS, FedEx, DHL and
// a hundred more, so one plugin gives a merchant every carrier their EasyPost account has.
// - rates: stateless rates (POST /beta/rates) for the parcel, for carrier-rated shipping methods; the
//   service is `<carrier>/<service>` as EasyPost names them (USPS/Priority).
// - createLabel: an EasyPost Shipment (reference = our shipment id, is_return for return labels), recorded
//   in easypost_label before it is bought, then bought at the method's service (or the cheapest rate); a
//   job that died after buying finds the shipment again and takes its label instead of buying a second one.
//   The label file (PDF or ZPL) is downloaded from EasyPost's label URL.
// - cancelLabel: a refund of the postage (EasyPost refunds unused labels); asked once.
// - parseWebhook: Events checked with the SDK's validateWebhook (X-Hmac-Signature with the webhook secret);
//   tracker.created / tracker.updated become tracking events (the engine applies each once).
import EasyPostModule from '@easypost/api';
import { OrdoError, currencyExponent } from '../../src/index.js';
import type {
  AppRuntime, CarrierProvider, CarrierRate, CarrierTrackingEvent, CarrierTrackingStatus, Em, Label, LabelAddress, LabelRequest, Parcel, RateRequest,
} from '../../src/index.js';
import { EasyPostLabel } from './entities.js';

export interface EasyPostOptions {
  /** EasyPost API key (test keys start EZTK, production EZAK). */
  apiKey: string;
  /** The secret of the webhook registered in EasyPost's dashboard; webhooks are refused without it. */
  webhookSecret?: string;
  /** Label file format; PDF by default (ZPL for thermal printers). */
  labelFormat?: 'PDF' | 'ZPL';
  /** Carrier account ids to rate and buy with; all of the account's when left out. */
  carrierAccounts?: string[];
  /** The API's base URL (tests point it at a local fake); https://api.easypost.com/v2/ by default. */
  apiBase?: string;
  /** Milliseconds before a call to EasyPost is given up (the job then retries); 30 s by default. */
  timeoutMs?: number;
}

export const EASYPOST_CODE = 'easypost';

// The package's types describe a CommonJS module whose `default` is the client; Node loads its ESM build,
// whose default export is the client itself.
type EasyPostApi = InstanceType<typeof EasyPostModule.default>;
const EasyPostClient: typeof EasyPostModule.default = (EasyPostModule as any).default ?? EasyPostModule;

export function checkOptions(o: EasyPostOptions): void {
  if (!o || typeof o.apiKey !== 'string' || !o.apiKey.trim()) throw new Error('easypost: apiKey is required');
  if (o.labelFormat !== undefined && o.labelFormat !== 'PDF' && o.labelFormat !== 'ZPL') throw new Error('easypost: labelFormat is PDF or ZPL');
  if (o.webhookSecret !== undefined && (typeof o.webhookSecret !== 'string' || !o.webhookSecret)) throw new Error('easypost: webhookSecret must be a non-empty string');
}

const DAY_MS = 86_400_000;
const STATUS: Record<string, CarrierTrackingStatus | undefined> = {
  in_transit: 'IN_TRANSIT',
  available_for_pickup: 'OUT_FOR_DELIVERY',
  out_for_delivery: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
  return_to_sender: 'EXCEPTION',
  failure: 'EXCEPTION',
  error: 'EXCEPTION',
};

type EpShipment = {
  id: string;
  rates?: { id: string; carrier: string; service: string; rate: string; currency: string; delivery_days?: number | null }[];
  selected_rate?: { carrier: string; service: string; delivery_days?: number | null } | null;
  postage_label?: { label_url?: string | null; label_pdf_url?: string | null; label_zpl_url?: string | null } | null;
  tracking_code?: string | null;
  tracker?: { public_url?: string | null } | null;
  refund_status?: string | null;
};

export class EasyPostCarrier implements CarrierProvider {
  readonly code = EASYPOST_CODE;
  private readonly client: EasyPostApi;
  private app: AppRuntime | null = null;

  constructor(private readonly options: EasyPostOptions) {
    // The key stays in the SDK client; the options object is never logged or put on the module.
    const timeout = options.timeoutMs ?? 30_000;
    this.client = new EasyPostClient(options.apiKey, {
      baseUrl: options.apiBase,
      timeout,
      // The SDK (8.x) keeps `timeout` but never gives it to its HTTP client: a call EasyPost never answers
      // would hold the job forever. The superagent request gets the deadline here.
      requestMiddleware: (request: any) => request.timeout({ response: timeout, deadline: timeout }),
    });
  }

  /** The engine, for the plugin's own table (onStart). */
  attach(app: AppRuntime): void {
    this.app = app;
  }

  async rates(req: RateRequest): Promise<CarrierRate[]> {
    // BetaRate is in the SDK (services/beta_rate_service.js) but not in its type declarations.
    const rates = await (this.client as any).BetaRate.retrieveStatelessRates({
      from_address: address(req.from), to_address: address(req.to), parcel: parcel(req.parcel), ...this.accounts(),
    }) as NonNullable<EpShipment["rates"]>;
    return rates.map((r) => ({
      serviceCode: `${r.carrier}/${r.service}`, amount: minor(r.rate, r.currency), currencyCode: r.currency.toUpperCase(),
      minTransitDays: r.delivery_days ?? null, maxTransitDays: r.delivery_days ?? null,
    }));
  }

  async createLabel(req: LabelRequest): Promise<Label> {
    const em = this.em();
    let row = await em.findOne(EasyPostLabel, { id: req.shipmentId });
    let shipment: EpShipment | null = null;
    if (!row) {
      shipment = await this.client.Shipment.create({
        reference: req.shipmentId,
        is_return: !!req.isReturn,
        // EasyPost swaps the addresses of a return itself: it is given the way the parcel first went.
        from_address: address(req.isReturn ? req.to : req.from),
        to_address: address(req.isReturn ? req.from : req.to),
        parcel: parcel(req.parcel ?? { lengthCm: 30, widthCm: 20, heightCm: 15, weightGrams: req.weightGrams }),
        options: { label_format: this.options.labelFormat ?? 'PDF' },
        ...this.accounts(),
      } as any) as unknown as EpShipment;
      row = await this.remember(em, req.shipmentId, shipment.id);
    }
    if (!shipment || shipment.id !== row.easypostShipmentId) shipment = await this.retrieve(row.easypostShipmentId);
    if (!shipment.postage_label) shipment = await this.buy(shipment, req);

    const label = shipment.postage_label!;
    const url = label.label_url ?? label.label_zpl_url ?? label.label_pdf_url;
    if (!url || !shipment.tracking_code) throw new Error(`EasyPost shipment ${shipment.id} was bought without a label or tracking code`);
    row.trackingCode = shipment.tracking_code;
    row.labelUrl = url;
    await em.flush();

    const file = await download(url);
    const days = shipment.selected_rate?.delivery_days ?? req.maxTransitDays;
    return {
      trackingNumber: shipment.tracking_code,
      trackingUrl: shipment.tracker?.public_url ?? `https://track.easypost.com/${shipment.tracking_code}`,
      ...(file.zpl ? { zpl: file.bytes } : { pdf: file.bytes }),
      estimatedDeliveryAt: new Date(Date.now() + Math.max(0, days) * DAY_MS),
    };
  }

  async cancelLabel(trackingNumber: string): Promise<void> {
    const em = this.em();
    const row = await em.findOne(EasyPostLabel, { trackingCode: trackingNumber });
    if (!row) throw new OrdoError('BAD_USER_INPUT', `No EasyPost label has tracking code ${trackingNumber}.`);
    if (row.refundStatus) return;
    let status: string | null | undefined;
    try {
      status = ((await this.client.Shipment.refund(row.easypostShipmentId)) as unknown as EpShipment).refund_status;
    } catch (e) {
      // Asked already (an earlier try whose answer was lost): EasyPost's shipment says how it went.
      status = (await this.retrieve(row.easypostShipmentId)).refund_status;
      if (!status) throw e;
    }
    row.refundStatus = status ?? 'submitted';
    await em.flush();
  }

  async parseWebhook(body: unknown, headers: Record<string, string | string[] | undefined>): Promise<CarrierTrackingEvent[]> {
    if (!this.options.webhookSecret) throw new OrdoError('FORBIDDEN', 'EasyPost webhooks are not enabled: set the plugin\'s webhookSecret.');
    const raw = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
    let event: any;
    try {
      event = this.client.Utils.validateWebhook(Buffer.from(raw, 'utf8'), headers as Record<string, string>, this.options.webhookSecret);
    } catch {
      throw new OrdoError('FORBIDDEN', 'The X-Hmac-Signature of the EasyPost webhook does not match its body.');
    }
    if (event?.object !== 'Event' || !/^tracker\.(created|updated)$/.test(String(event.description))) return [];
    const tracker = event.result ?? {};
    const code = String(tracker.tracking_code ?? '');
    if (!code) throw new OrdoError('BAD_USER_INPUT', 'The tracker has no tracking_code.');
    const estimated = date(tracker.est_delivery_date);
    const details: any[] = Array.isArray(tracker.tracking_details) ? tracker.tracking_details : [];
    return details.flatMap((d): CarrierTrackingEvent[] => {
      const status = STATUS[String(d?.status)];
      if (!status) return [];
      const l = d.tracking_location ?? {};
      const location = [l.city, l.state, l.country].filter(Boolean).join(', ') || null;
      return [{ trackingNumber: code, status, occurredAt: date(d.datetime), location, description: d.message ? String(d.message).slice(0, 500) : null, estimatedDeliveryAt: estimated }];
    });
  }

  // ------------------------------------------------------------------ internals

  private em(): Em {
    if (!this.app) throw new Error('easypost: the plugin has not started');
    return this.app.orm.em.fork() as Em;
  }

  private accounts(): { carrier_accounts?: string[] } {
    return this.options.carrierAccounts?.length ? { carrier_accounts: this.options.carrierAccounts } : {};
  }

  private async retrieve(id: string): Promise<EpShipment> {
    return (await this.client.Shipment.retrieve(id)) as unknown as EpShipment;
  }

  /** The row that names the EasyPost shipment; a concurrent job that recorded one first wins (its shipment is bought). */
  private async remember(em: Em, id: string, easypostShipmentId: string): Promise<EasyPostLabel> {
    try {
      const row = em.create(EasyPostLabel, { id, easypostShipmentId });
      await em.persistAndFlush(row);
      return row;
    } catch {
      em.clear();
      return em.findOneOrFail(EasyPostLabel, { id });
    }
  }

  /** Buys the method's service, or the cheapest rate; bought meanwhile (a lost answer): the label it has. */
  private async buy(shipment: EpShipment, req: LabelRequest): Promise<EpShipment> {
    const rates = shipment.rates ?? [];
    const wanted = req.service?.toLowerCase();
    const rate = wanted
      ? rates.find((r) => `${r.carrier}/${r.service}`.toLowerCase() === wanted || r.service.toLowerCase() === wanted)
      : rates.reduce<(typeof rates)[number] | undefined>((best, r) => (!best || Number(r.rate) < Number(best.rate) ? r : best), undefined);
    if (!rate) throw new Error(`EasyPost has no ${req.service ?? ''} rate for shipment ${req.shipmentId} (rates: ${rates.map((r) => `${r.carrier}/${r.service}`).join(', ') || 'none'})`);
    try {
      return (await this.client.Shipment.buy(shipment.id, rate.id)) as unknown as EpShipment;
    } catch (e) {
      const now = await this.retrieve(shipment.id);
      if (now.postage_label) return now;
      throw e;
    }
  }
}

/** EasyPost's address from ours (EasyPost wants street1, state, zip, country). */
function address(a: LabelAddress): Record<string, unknown> {
  return {
    name: a.name, company: a.company ?? undefined, street1: a.line1 ?? '', street2: a.line2 ?? undefined, city: a.city ?? '', state: a.region ?? undefined,
    zip: a.postalCode ?? '', country: a.countryCode, phone: a.phone ?? undefined,
  };
}

/** EasyPost measures parcels in inches and ounces (one decimal). */
function parcel(p: Parcel): Record<string, number> {
  const inches = (cm: number) => Math.round((cm / 2.54) * 10) / 10;
  return { length: inches(p.lengthCm), width: inches(p.widthCm), height: inches(p.heightCm), weight: Math.max(0.1, Math.round((p.weightGrams / 28.349523125) * 10) / 10) };
}

/** "7.58" USD → 758; decimal text, never a float. */
function minor(amount: string, currency: string): number {
  const exp = currencyExponent(currency.toUpperCase());
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(amount).trim());
  if (!m) throw new Error(`EasyPost answered a rate of "${amount}"`);
  const frac = (m[2] ?? '').padEnd(exp, '0');
  // More decimals than the currency has (rare): rounded half up at the currency's precision.
  const kept = Number(m[1]) * 10 ** exp + Number(frac.slice(0, exp) || 0);
  return frac.length > exp && Number(frac[exp]) >= 5 ? kept + 1 : kept;
}

function date(v: unknown): Date | null {
  if (typeof v !== 'string' || !v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

async function download(url: string): Promise<{ bytes: Buffer; zpl: boolean }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`the label at ${new URL(url).host} answered ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return { bytes, zpl: /zpl/i.test(type) || /\.zpl(\?|$)/i.test(url) };
}
