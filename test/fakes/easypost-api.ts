// A local fake of the part of EasyPost's HTTP API the easypost plugin uses, on 127.0.0.1, spoken to by the
// official `@easypost/api` SDK exactly as api.easypost.com would be (https://docs.easypost.com/docs):
// JSON under /v2 with the API key as HTTP Basic user; POST /v2/shipments (answers the shipment with its
// rates), POST /v2/shipments/:id/buy (postage label with a label URL, tracking code and tracker; buying a
// bought shipment is refused 422 as EasyPost refuses it), GET /v2/shipments/:id, POST
// /v2/shipments/:id/refund (refund_status submitted), POST /beta/rates (stateless rates). Errors have
// EasyPost's shape `{ error: { code, message, errors } }`. Label files are served from the fake's own host,
// as EasyPost serves them from a public bucket. Webhooks are made and signed as EasyPost signs them
// (X-Hmac-Signature: hmac-sha256-hex=HMAC-SHA256 of the body with the webhook secret).
// Switches: failNext (a dropped connection after applying the request, a 500, or no answer within the
// SDK's timeout), the services and prices it quotes, no rates at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import PDFDocument from 'pdfkit';

export interface FakeRate {
  carrier: string;
  service: string;
  /** Decimal text in the currency, as EasyPost answers it ("7.58"). */
  rate: string;
  currency: string;
  delivery_days: number | null;
}

export interface FakeShipment {
  id: string;
  object: 'Shipment';
  mode: 'test';
  reference: string | null;
  is_return: boolean;
  status: string;
  from_address: Record<string, unknown>;
  to_address: Record<string, unknown>;
  parcel: Record<string, unknown>;
  options: Record<string, unknown>;
  rates: (FakeRate & { id: string; object: 'Rate'; shipment_id: string; est_delivery_days: number | null; mode: 'test' })[];
  selected_rate: FakeShipment['rates'][number] | null;
  postage_label: Record<string, unknown> | null;
  tracking_code: string | null;
  tracker: Record<string, unknown> | null;
  refund_status: 'submitted' | 'refunded' | 'rejected' | null;
  messages: unknown[];
  created_at: string;
  updated_at: string;
}

export type TrackerStatus = 'pre_transit' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'available_for_pickup' | 'return_to_sender' | 'failure' | 'error';

export interface FakeEasyPost {
  /** The SDK's baseUrl: http://127.0.0.1:<port>/v2/ */
  url: string;
  apiKey: string;
  webhookSecret: string;
  shipments: Map<string, FakeShipment>;
  /** Every request: method, path and JSON body. */
  requests: { method: string; path: string; body: any }[];
  /** Services quoted and sold; set to [] for a carrier that has no rate for any parcel. */
  rates: FakeRate[];
  /**
   * The next request whose path starts with `path` fails: `drop` applies it and cuts the connection before
   * the answer, `server-error` answers 500 without applying it, `hang` applies it and never answers (the
   * SDK's timeout).
   */
  failNext(path: string, mode: 'drop' | 'server-error' | 'hang'): void;
  /** A tracker.updated Event for a tracking code whose details are these statuses (one hour apart, oldest first). */
  trackerEvent(trackingCode: string, statuses: TrackerStatus[], opts?: { start?: Date; estDelivery?: Date }): string;
  /** The X-Hmac-Signature EasyPost puts on a body (with the fake's secret unless another is given). */
  sign(body: string, secret?: string): string;
  close(): Promise<void>;
}

const DEFAULT_RATES: FakeRate[] = [
  { carrier: 'USPS', service: 'GroundAdvantage', rate: '6.95', currency: 'USD', delivery_days: 5 },
  { carrier: 'USPS', service: 'Priority', rate: '9.45', currency: 'USD', delivery_days: 2 },
  { carrier: 'UPS', service: 'NextDayAir', rate: '38.10', currency: 'USD', delivery_days: 1 },
];

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export async function startFakeEasyPost(opts: { apiKey?: string; webhookSecret?: string } = {}): Promise<FakeEasyPost> {
  const apiKey = opts.apiKey ?? `EZTK${randomBytes(16).toString('hex')}`;
  const webhookSecret = opts.webhookSecret ?? 'ordo-easypost-webhook-secret';
  const shipments = new Map<string, FakeShipment>();
  const requests: FakeEasyPost['requests'] = [];
  const labels = new Map<string, { type: string; bytes: Buffer }>();
  const failures: { path: string; mode: 'drop' | 'server-error' | 'hang' }[] = [];
  const hanging = new Set<ServerResponse>();
  let origin = '';
  let trackingSeq = 0;

  const fake: FakeEasyPost = {
    url: '', apiKey, webhookSecret, shipments, requests, rates: DEFAULT_RATES.map((r) => ({ ...r })),
    failNext: (path, mode) => void failures.push({ path, mode }),
    sign: (body, secret = webhookSecret) => `hmac-sha256-hex=${createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8')).update(body, 'utf8').digest('hex')}`,
    trackerEvent(trackingCode, statuses, o = {}) {
      const start = (o.start ?? new Date(Date.now() - statuses.length * 3_600_000)).getTime();
      const details = statuses.map((status, i) => ({
        object: 'TrackingDetail', status, message: `Fake carrier: ${status.replace(/_/g, ' ')}`,
        datetime: new Date(start + i * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        source: 'USPS', tracking_location: { object: 'TrackingLocation', city: 'Austin', state: 'TX', country: 'US', zip: '78701' },
      }));
      const shipment = [...shipments.values()].find((s) => s.tracking_code === trackingCode);
      const event = {
        object: 'Event', id: id('evt'), mode: 'test', description: 'tracker.updated', status: 'pending', pending_urls: [], completed_urls: [],
        created_at: new Date().toISOString(), updated_at: new Date().toISOString(), previous_attributes: { status: statuses.at(-2) ?? 'unknown' },
        result: {
          object: 'Tracker', id: id('trk'), mode: 'test', tracking_code: trackingCode, status: statuses.at(-1), carrier: 'USPS',
          shipment_id: shipment?.id ?? null, est_delivery_date: o.estDelivery?.toISOString() ?? null, tracking_details: details,
          public_url: `https://track.easypost.com/${trackingCode}`, weight: 12.5,
        },
      };
      // EasyPost's own JSON writes floats with a decimal point; the SDK adds `.0` to integer weights
      // before checking the signature, so the body signed is the one with `.0`.
      return JSON.stringify(event).replace(/("weight":\s*)(\d+)(\s*)(?=,|\})/g, '$1$2.0');
    },
    close: () => new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) => answer(res, status, { error: { code, message, errors: [] } });

  const quote = (shipmentId: string | null) => fake.rates.map((r) => ({
    ...r, id: id('rate'), object: 'Rate' as const, shipment_id: shipmentId!, est_delivery_days: r.delivery_days, mode: 'test' as const,
    list_rate: r.rate, retail_rate: r.rate, created_at: new Date().toISOString(),
  }));

  async function makeLabel(s: FakeShipment, format: string): Promise<Record<string, unknown>> {
    const lid = id('pl');
    const zpl = format.toUpperCase() === 'ZPL';
    const bytes = zpl
      ? Buffer.from(`^XA^CF0,40^FO40,40^FDFAKE EASYPOST ${s.selected_rate!.carrier} ${s.selected_rate!.service}^FS^FO40,100^FD${s.tracking_code}^FS^XZ`)
      : await pdf(`FAKE EASYPOST LABEL ${s.selected_rate!.carrier} ${s.selected_rate!.service}`, `Tracking ${s.tracking_code}`, `To ${String(s.to_address.name ?? '')}`, `Ref ${s.reference ?? ''}`);
    labels.set(lid, { type: zpl ? 'application/zpl' : 'application/pdf', bytes });
    const url = `${origin}/files/postage_label/${lid}.${zpl ? 'zpl' : 'pdf'}`;
    return {
      object: 'PostageLabel', id: lid, label_date: new Date().toISOString(), label_file_type: zpl ? 'application/zpl' : 'application/pdf',
      label_url: url, label_pdf_url: zpl ? null : url, label_zpl_url: zpl ? url : null, label_resolution: 300, label_size: '4x6',
    };
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, body: any): Promise<void> {
    let m: RegExpMatchArray | null;
    if (req.method === 'GET' && (m = path.match(/^\/files\/postage_label\/(pl_[0-9a-f]+)\.(pdf|zpl)$/))) {
      const file = labels.get(m[1]);
      if (!file) return error(res, 404, 'NOT_FOUND', 'No such label.');
      res.writeHead(200, { 'content-type': file.type });
      return void res.end(file.bytes);
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`) {
      return error(res, 401, 'APIKEY.INACTIVE', 'The API key is missing or wrong.');
    }
    if (req.method === 'POST' && path === '/beta/rates') {
      if (!body?.shipment?.parcel?.weight) return error(res, 422, 'PARCEL.WEIGHT.MISSING', 'Parcel weight is required.');
      return answer(res, 200, { rates: quote(null) });
    }
    if (req.method === 'POST' && path === '/v2/shipments') {
      const p = body?.shipment;
      if (!p?.to_address?.street1 || !p?.from_address?.street1) return error(res, 422, 'ADDRESS.VERIFY.FAILURE', 'Addresses need street1.');
      if (!(Number(p?.parcel?.weight) > 0)) return error(res, 422, 'PARCEL.WEIGHT.MISSING', 'Parcel weight is required.');
      const sid = id('shp');
      const now = new Date().toISOString();
      const s: FakeShipment = {
        id: sid, object: 'Shipment', mode: 'test', reference: p.reference ?? null, is_return: !!p.is_return, status: 'unknown',
        from_address: { id: id('adr'), object: 'Address', ...p.from_address }, to_address: { id: id('adr'), object: 'Address', ...p.to_address },
        parcel: { id: id('prcl'), object: 'Parcel', ...p.parcel }, options: p.options ?? {}, rates: quote(sid), selected_rate: null,
        postage_label: null, tracking_code: null, tracker: null, refund_status: null, messages: [], created_at: now, updated_at: now,
      };
      shipments.set(sid, s);
      return answer(res, 201, s);
    }
    if ((m = path.match(/^\/v2\/shipments\/(shp_[0-9a-f]+)(\/buy|\/refund)?$/))) {
      const s = shipments.get(m[1]);
      if (!s) return error(res, 404, 'SHIPMENT.NOT_FOUND', 'The requested resource could not be found.');
      if (req.method === 'GET' && !m[2]) return answer(res, 200, s);
      if (req.method === 'POST' && m[2] === '/buy') {
        if (s.postage_label) return error(res, 422, 'SHIPMENT.POSTAGE.EXISTS', 'The shipment has already been purchased.');
        const rate = s.rates.find((r) => r.id === body?.rate?.id);
        if (!rate) return error(res, 422, 'SHIPMENT.RATE.NOT_FOUND', 'The rate is not one of this shipment\'s rates.');
        s.selected_rate = rate;
        s.tracking_code = `9400${String(Date.now() % 1e8).padStart(8, '0')}${String(++trackingSeq).padStart(10, '0')}`;
        s.postage_label = await makeLabel(s, String(s.options.label_format ?? 'PDF'));
        s.tracker = { object: 'Tracker', id: id('trk'), tracking_code: s.tracking_code, status: 'pre_transit', public_url: `https://track.easypost.com/${s.tracking_code}` };
        s.status = 'pre_transit';
        s.updated_at = new Date().toISOString();
        return answer(res, 200, s);
      }
      if (req.method === 'POST' && m[2] === '/refund') {
        if (!s.postage_label) return error(res, 422, 'SHIPMENT.REFUND.UNAVAILABLE', 'The shipment has no postage to refund.');
        if (s.refund_status) return error(res, 422, 'SHIPMENT.REFUND.ALREADY_REQUESTED', 'A refund was already requested for this shipment.');
        s.refund_status = 'submitted';
        s.updated_at = new Date().toISOString();
        return answer(res, 200, s);
      }
    }
    return error(res, 404, 'NOT_FOUND', `No route ${req.method} ${path}.`);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const path = (req.url ?? '/').split('?')[0];
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        return error(res, 400, 'BAD_REQUEST', 'The body is not JSON.');
      }
      requests.push({ method: req.method ?? 'GET', path, body });
      const f = failures.findIndex((x) => path.startsWith(x.path));
      const failure = f >= 0 ? failures.splice(f, 1)[0] : null;
      if (failure?.mode === 'server-error') return error(res, 500, 'INTERNAL_SERVER_ERROR', 'Something went wrong on our side.');
      if (failure) {
        // Applied, but the client never hears back.
        const sink = Object.assign(Object.create(res), { writeHead: () => sink, end: () => undefined }) as ServerResponse;
        await route(req, sink, path, body).catch(() => undefined);
        if (failure.mode === 'drop') return void req.socket.destroy();
        return void hanging.add(res);
      }
      try {
        await route(req, res, path, body);
      } catch (e) {
        error(res, 500, 'INTERNAL_SERVER_ERROR', (e as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = `${origin}/v2/`;
  return fake;
}

function pdf(...lines: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: [288, 432], margin: 18 });
    const parts: Buffer[] = [];
    doc.on('data', (c: Buffer) => parts.push(c));
    doc.on('end', () => resolve(Buffer.concat(parts)));
    doc.on('error', reject);
    doc.fontSize(12);
    for (const l of lines) doc.text(l);
    doc.end();
  });
}
