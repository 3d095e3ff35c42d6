// What a rule's condition may read (`{"var": "order.total"}`): one object per order, built from a few
// reads for a batch of orders (the dry run reads up to 500 at once). Money in minor units (cents), as
// everywhere in the engine: "over 1,000.00 EUR" is `{">": [{"var": "order.total"}, 100000]}`.
import type { Em } from '../kernel/db/orm.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderTag } from '../order-core/order-tag.entity.js';
import { Payment } from '../payments/payment.entity.js';
import { Customer } from '../customers/customer.entity.js';

/** Every fact, with what it is (docs/automation.md lists the same). */
export const FACTS: Record<string, string> = {
  'order.id': 'the order id (ord_…)',
  'order.number': 'the order number',
  'order.status': 'PENDING, CONFIRMED, ON_HOLD, …',
  'order.paymentStatus': 'PENDING, AUTHORIZED, PAID, …, DECLINED',
  'order.total': 'the total, minor units',
  'order.subtotal': 'the subtotal (net of tax, before discounts), minor units',
  'order.shippingTotal': 'the shipping charge, minor units',
  'order.discountTotal': 'what discounts took off, minor units',
  'order.currency': 'ISO 4217 code, e.g. EUR',
  'order.country': "the shipping address's ISO 3166 alpha-2 country, e.g. DE",
  'order.postalCode': "the shipping address's postal code",
  'order.channel': "the channel's code",
  'order.skus': 'the SKUs of its lines (list)',
  'order.quantity': 'units ordered over all lines',
  'order.lineCount': 'number of lines',
  'order.tags': "staff's tags on the order (list)",
  'order.paymentMethod': "the first payment's method (test-card, manual, external, …); null without a payment",
  'order.shippingMethod': "the shipping method's code; null for none",
  'order.email': "the buyer's email",
  'order.imported': 'true for an order from another system (it has an externalId)',
  'order.minutesSincePlaced': 'minutes since the order was placed',
  'customer.orderCount': "orders by the same customer account (guests: the same email), this one included",
  'customer.isGuest': 'true when the order has no customer account',
  'customer.tags': "the customer's tags (list); [] for guests",
  'event.type': 'the trigger event type (order.placed, …), or "schedule"',
  'event.data': "the event's payload (event.data.<field>: e.g. event.data.sku, event.data.available of stock.low)",
};

/** Whether `name` is a documented fact (or under event.data.). */
export function isFact(name: string): boolean {
  return Object.hasOwn(FACTS, name) || /^event\.data\.[A-Za-z0-9_.]{1,100}$/.test(name);
}

export interface EventFacts {
  type: string;
  data: Record<string, unknown>;
}

/** The facts of each order, by id (orders that do not exist are left out). */
export async function factsOf(em: Em, orderIds: string[], event: EventFacts, now = new Date()): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!orderIds.length) return out;
  const orders = await em.find(Order, { id: { $in: orderIds } }, { populate: ['channel', 'shippingMethod'] });
  const [lines, tags, payments] = await Promise.all([
    em.find(OrderLine, { order: { $in: orderIds } }, { fields: ['order', 'sku', 'quantity'], orderBy: { id: 'asc' } }),
    em.find(OrderTag, { order: { $in: orderIds } }, { orderBy: { tag: 'asc' } }),
    em.find(Payment, { order: { $in: orderIds } }, { fields: ['order', 'method', 'createdAt'], orderBy: { createdAt: 'asc', id: 'asc' } }),
  ]);
  const by = <T>(rows: T[], id: (r: T) => string) => {
    const m = new Map<string, T[]>();
    for (const r of rows) (m.get(id(r)) ?? m.set(id(r), []).get(id(r))!).push(r);
    return m;
  };
  const linesOf = by(lines, (l) => l.order.id);
  const tagsOf = by(tags, (t) => t.order.id);
  const paymentsOf = by(payments, (p) => p.order.id);

  const customerIds = [...new Set(orders.map((o) => o.customer?.id).filter((x): x is string => !!x))];
  const emails = [...new Set(orders.filter((o) => !o.customer).map((o) => o.email))];
  const customers = customerIds.length ? await em.find(Customer, { id: { $in: customerIds } }, { fields: ['id', 'tags'] }) : [];
  const counts = new Map<string, number>();
  if (customerIds.length) {
    const rows: { k: string; n: number | string }[] = await em.execute(
      `SELECT customer_id AS k, COUNT(*) AS n FROM orders WHERE customer_id IN (${customerIds.map(() => '?').join(',')}) GROUP BY customer_id`, customerIds);
    for (const r of rows) counts.set(`c:${r.k}`, Number(r.n));
  }
  if (emails.length) {
    const rows: { k: string; n: number | string }[] = await em.execute(
      `SELECT email AS k, COUNT(*) AS n FROM orders WHERE customer_id IS NULL AND email IN (${emails.map(() => '?').join(',')}) GROUP BY email`, emails);
    for (const r of rows) counts.set(`e:${r.k}`, Number(r.n));
  }

  for (const o of orders) {
    const ls = linesOf.get(o.id) ?? [];
    const customer = o.customer ? customers.find((c) => c.id === o.customer!.id) : undefined;
    out.set(o.id, {
      order: {
        id: o.id, number: o.number, status: o.status, paymentStatus: o.paymentStatus,
        total: o.total, subtotal: o.subtotal, shippingTotal: o.shippingTotal, discountTotal: o.discountTotal, currency: o.currencyCode,
        country: o.shippingAddress?.countryCode ?? null, postalCode: o.shippingAddress?.postalCode ?? null,
        channel: o.channel.code, skus: [...new Set(ls.map((l) => l.sku))], quantity: ls.reduce((s, l) => s + l.quantity, 0), lineCount: ls.length,
        tags: (tagsOf.get(o.id) ?? []).map((t) => t.tag), paymentMethod: paymentsOf.get(o.id)?.[0]?.method ?? null,
        shippingMethod: o.shippingMethod?.code ?? null, email: o.email, imported: !!o.externalId,
        minutesSincePlaced: Math.floor((now.getTime() - new Date(o.placedAt).getTime()) / 60_000),
      },
      customer: {
        orderCount: counts.get(o.customer ? `c:${o.customer.id}` : `e:${o.email}`) ?? 1,
        isGuest: !o.customer,
        tags: customer?.tags ?? [],
      },
      event: { type: event.type, data: event.data },
    });
  }
  return out;
}

/** Facts for an event that names no order (stock.low): only event.*. */
export const eventOnlyFacts = (event: EventFacts) => ({ order: {}, customer: {}, event: { type: event.type, data: event.data } });
