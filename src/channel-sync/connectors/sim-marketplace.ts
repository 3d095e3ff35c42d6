// A connector for the marketplace simulator's REST API (test/fakes/marketplace-api.ts serves it in the
// tests): orders paged by cursor, acknowledgements, shipments with tracking, refunds and cancellations
// posted with an Idempotency-Key, rate limits answered with 429 and Retry-After. It is the worked
// example of docs/channels.md: a real marketplace's connector (a plugin) has this shape.
//
// Settings (connectChannel config): baseUrl, apiKey, pageSize (1–500, default 100), shippingMethodCode
// (the engine's method its orders ship by; by service name in shippingMethods: { "express": "express" }).
import { badInput } from '../../kernel/errors.js';
import type { ImportOrderInput } from '../../order-import/import.inputs.js';
import { ChannelUnavailable, type ChannelConnector, type ConnectorContext } from '../connector.js';

interface MarketOrder {
  id: string;
  created_at: string;
  buyer: { email: string };
  ship_to: { name: string; line1: string; line2?: string | null; city: string; region?: string | null; postal_code: string; country: string; phone?: string | null };
  currency: string;
  items: { sku: string; title?: string; quantity: number; unit_price: number; tax: number }[];
  shipping: { price: number; tax: number; service?: string | null };
  discount?: number;
  total: number;
  payment_id?: string | null;
  fulfilled_by_marketplace?: boolean;
}

interface Settings { baseUrl: string; apiKey: string; pageSize: number; shippingMethodCode?: string; shippingMethods?: Record<string, string> }

function settings(config: Record<string, unknown>): Settings {
  const { baseUrl, apiKey, pageSize = 100, shippingMethodCode, shippingMethods } = config as Record<string, any>;
  if (typeof baseUrl !== 'string' || !/^https?:\/\/[^/]+/.test(baseUrl)) throw badInput('config.baseUrl is the marketplace API\'s http(s) URL.', 'config.baseUrl');
  if (typeof apiKey !== 'string' || !apiKey) throw badInput('config.apiKey is the marketplace API key.', 'config.apiKey');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) throw badInput('config.pageSize is 1 to 500.', 'config.pageSize');
  if (shippingMethodCode !== undefined && typeof shippingMethodCode !== 'string') throw badInput('config.shippingMethodCode is a shipping method code.', 'config.shippingMethodCode');
  return { baseUrl: baseUrl.replace(/\/+$/, ''), apiKey, pageSize, shippingMethodCode, shippingMethods };
}

async function call(ctx: ConnectorContext, method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<any> {
  const s = settings(ctx.config);
  let res: Response;
  try {
    res = await fetch(`${s.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new ChannelUnavailable(`marketplace unreachable: ${(e as Error).message}`);
  }
  if (res.status === 429 || res.status >= 500) {
    const retry = Number(res.headers.get('retry-after'));
    throw new ChannelUnavailable(`marketplace answered ${res.status} to ${method} ${path}`, Number.isFinite(retry) && retry > 0 ? retry * 1000 : undefined);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`marketplace refused ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

function toImport(o: MarketOrder, s: Settings): ImportOrderInput {
  const a = o.ship_to;
  const service = o.shipping.service ?? null;
  return {
    externalId: o.id, email: o.buyer.email, placedAt: new Date(o.created_at), currencyCode: o.currency,
    lines: o.items.map((i) => ({ sku: i.sku, quantity: i.quantity, unitPrice: i.unit_price, taxTotal: i.tax, name: i.title })),
    shippingAddress: { name: a.name, line1: a.line1, line2: a.line2 ?? undefined, city: a.city, region: a.region ?? undefined, postalCode: a.postal_code, countryCode: a.country, phone: a.phone ?? undefined },
    shippingMethodCode: (service && s.shippingMethods?.[service]) || s.shippingMethodCode,
    shippingTotal: o.shipping.price, shippingTax: o.shipping.tax, discountTotal: o.discount || undefined, total: o.total,
    paymentReference: o.payment_id ?? undefined, fulfilledByChannel: o.fulfilled_by_marketplace || undefined,
  } as ImportOrderInput;
}

export const simMarketplace: ChannelConnector = {
  code: 'sim-marketplace',
  checkConfig: (config) => void settings(config),
  async pullOrders(ctx, cursor) {
    const s = settings(ctx.config);
    const q = new URLSearchParams({ limit: String(s.pageSize), ...(cursor ? { after: cursor } : {}) });
    const page = await call(ctx, 'GET', `/v1/orders?${q}`) as { orders: MarketOrder[]; next_cursor: string | null; has_more: boolean };
    return { orders: page.orders.map((o) => toImport(o, s)), cursor: page.next_cursor ?? cursor, more: page.has_more };
  },
  async acknowledge(ctx, externalIds) {
    await call(ctx, 'POST', '/v1/orders/acknowledge', { ids: externalIds });
  },
  async pushShipment(ctx, s) {
    await call(ctx, 'POST', `/v1/orders/${encodeURIComponent(s.externalId)}/shipments`, {
      carrier: s.carrierCode, tracking_number: s.trackingNumber, tracking_url: s.trackingUrl, shipped_at: s.shippedAt.toISOString(),
      items: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    }, s.idempotencyKey);
  },
  async pushRefund(ctx, r) {
    await call(ctx, 'POST', `/v1/orders/${encodeURIComponent(r.externalId)}/refunds`, { amount: r.amount, currency: r.currencyCode, reason: r.reason }, r.idempotencyKey);
  },
  async pushStock(ctx, items) {
    await call(ctx, 'PUT', '/v1/inventory', { items: items.map((i) => ({ sku: i.sku, quantity: i.quantity })) });
  },
  async pushCancellation(ctx, c) {
    await call(ctx, 'POST', `/v1/orders/${encodeURIComponent(c.externalId)}/cancel`, { reason: c.reason }, c.idempotencyKey);
  },
};
