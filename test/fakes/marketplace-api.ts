// A marketplace's seller API, small but with the manners of real ones (Amazon SP-API, eBay Fulfillment,
// TikTok Shop): orders paged by an opaque cursor, a bearer key, acknowledgements, shipments with
// tracking, refunds and cancellations taking an Idempotency-Key (a repeat answers the first result and
// does nothing again), rate limits answered 429 with Retry-After, and outages answered 500. On
// 127.0.0.1, for the sim-marketplace connector (src/channel-sync/connectors/sim-marketplace.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MarketOrder {
  id: string;
  created_at: string;
  buyer: { email: string };
  ship_to: { name: string; line1: string; city: string; postal_code: string; country: string };
  currency: string;
  items: { sku: string; title?: string; quantity: number; unit_price: number; tax: number }[];
  shipping: { price: number; tax: number; service?: string | null };
  total: number;
  payment_id?: string;
  fulfilled_by_marketplace?: boolean;
}

export interface Faults {
  /** Every nth request (of any kind) is answered 429 with Retry-After: 1. */
  every429?: number;
  /** Every nth request is answered 500 (counted after the 429s). */
  every500?: number;
}

export interface MarketplaceApi {
  url: string;
  apiKey: string;
  publish(orders: MarketOrder[]): void;
  faults: Faults;
  /** Shipments, refunds and cancellations as the marketplace recorded them (a repeated key once). */
  shipments: { orderId: string; key: string; body: any }[];
  refunds: { orderId: string; key: string; body: any }[];
  cancellations: { orderId: string; key: string; body: any }[];
  acknowledged: Set<string>;
  /** What the marketplace advertises per SKU (PUT /v1/inventory), and every update in order. */
  inventory: Map<string, number>;
  inventoryUpdates: { sku: string; quantity: number; at: number }[];
  /** Requests by answer: 200, 429, 500, 401... */
  answers: Map<number, number>;
  close(): Promise<void>;
}

export async function startMarketplaceApi(apiKey = 'mk_test_0123456789'): Promise<MarketplaceApi> {
  const orders: MarketOrder[] = [];
  const byKey = new Map<string, unknown>();
  let requests = 0;
  const api: MarketplaceApi = {
    url: '', apiKey, faults: {}, shipments: [], refunds: [], cancellations: [], acknowledged: new Set(), answers: new Map(),
    inventory: new Map(), inventoryUpdates: [],
    publish: (more) => void orders.push(...more),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    api.answers.set(status, (api.answers.get(status) ?? 0) + 1);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const read = (req: IncomingMessage) => new Promise<any>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : null));
  });
  /** Records a keyed write once; a repeat of the key answers the first result. */
  const once = (list: { orderId: string; key: string; body: any }[], orderId: string, key: string | undefined, body: any) => {
    if (!key) return { error: 'Idempotency-Key header required' };
    const seen = byKey.get(key);
    if (seen) return seen;
    const result = { id: `mk_${list.length + 1}`, orderId };
    list.push({ orderId, key, body });
    byKey.set(key, result);
    return result;
  };

  const server: Server = createServer(async (req, res) => {
    requests++;
    const body = await read(req);
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, 401, { error: 'bad api key' });
    if (api.faults.every429 && requests % api.faults.every429 === 0) return send(res, 429, { error: 'rate limited' }, { 'retry-after': '1' });
    if (api.faults.every500 && requests % api.faults.every500 === 0) return send(res, 500, { error: 'internal error' });
    const url = new URL(req.url ?? '/', 'http://marketplace');
    const key = req.headers['idempotency-key'] as string | undefined;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && url.pathname === '/v1/orders') {
      const after = url.searchParams.get('after');
      const start = after === null ? 0 : Number(after) + 1;
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 500);
      const page = orders.slice(start, start + limit);
      const last = start + page.length - 1;
      return send(res, 200, { orders: page, next_cursor: page.length ? String(last) : after, has_more: last + 1 < orders.length });
    }
    if (req.method === 'PUT' && url.pathname === '/v1/inventory') {
      for (const i of body?.items ?? []) {
        api.inventory.set(i.sku, i.quantity);
        api.inventoryUpdates.push({ sku: i.sku, quantity: i.quantity, at: Date.now() });
      }
      return send(res, 200, { updated: (body?.items ?? []).length });
    }
    if (req.method === 'POST' && url.pathname === '/v1/orders/acknowledge') {
      for (const id of body?.ids ?? []) api.acknowledged.add(id);
      return send(res, 200, { acknowledged: (body?.ids ?? []).length });
    }
    if (req.method === 'POST' && (m = /^\/v1\/orders\/([^/]+)\/(shipments|refunds|cancel)$/.exec(url.pathname))) {
      const orderId = decodeURIComponent(m[1]);
      if (!orders.some((o) => o.id === orderId)) return send(res, 404, { error: `no order ${orderId}` });
      const list = m[2] === 'shipments' ? api.shipments : m[2] === 'refunds' ? api.refunds : api.cancellations;
      const result = once(list, orderId, key, body) as Record<string, unknown>;
      return send(res, 'error' in result ? 400 : 200, result);
    }
    return send(res, 404, { error: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

/** `n` orders of one line each, `id` M-<prefix>-<i>, at 10.00 net + 19 % and 4.95 shipping. */
export function marketOrders(n: number, prefix: string, sku: (i: number) => string): MarketOrder[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `MK-${prefix}-${String(i).padStart(4, '0')}`,
    created_at: new Date(Date.UTC(2026, 10, 30, 8, 0, i)).toISOString(),
    buyer: { email: `buyer${i}@marketplace.example` },
    ship_to: { name: `Buyer ${i}`, line1: 'Hauptstr. 1', city: 'Berlin', postal_code: '10115', country: 'DE' },
    currency: 'EUR',
    items: [{ sku: sku(i), title: `Item ${sku(i)}`, quantity: 1, unit_price: 1000, tax: 190 }],
    shipping: { price: 495, tax: 94, service: 'standard' },
    total: 1000 + 190 + 495 + 94,
    payment_id: `MKPAY-${prefix}-${i}`,
  }));
}
