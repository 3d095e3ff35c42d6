// Page 3: the order, followed live. The guest's access token (from placeOrder, kept in this browser)
// opens a graphql-ws connection of its own; `orderEvents` pushes every change: the status on the page
// moves at once, then the order is read again for the rest (shipments, history). After a reconnect the
// order is read again too, since events sent while the socket was down reached no one.
import { h, setLive } from './dom';
import { connectEngine, describeError } from './engine';
import { formatDate, formatMoney } from './money';
import { placedOrder } from './order-tokens';
import { OrderEventsSubscription, OrderQuery } from './operations';
import type { OrderStatus, PaymentStatus, StorefrontOrderQuery } from './gql/graphql';

type Order = NonNullable<StorefrontOrderQuery['order']>;

const STEPS: [OrderStatus, string][] = [['PENDING', 'Placed'], ['CONFIRMED', 'Confirmed'], ['IN_FULFILLMENT', 'Being packed'], ['SHIPPED', 'Shipped'], ['DELIVERED', 'Delivered']];
const STATUS_TEXT: Record<OrderStatus, string> = {
  PENDING: 'Awaiting payment', CONFIRMED: 'Confirmed', IN_FULFILLMENT: 'Being packed', SHIPPED: 'Shipped',
  PARTIALLY_SHIPPED: 'Partly shipped', DELIVERED: 'Delivered', BACKORDERED: 'Waiting for stock', ON_HOLD: 'On hold', CANCELLED: 'Cancelled',
};
const PAYMENT_TEXT: Record<PaymentStatus, string> = {
  PENDING: 'not received yet', AUTHORIZED: 'authorized', PAID: 'received', DECLINED: 'declined', VOIDED: 'voided',
  PARTIALLY_REFUNDED: 'partly refunded', REFUNDED: 'refunded',
};

export function orderPage(root: HTMLElement, orderId: string): () => void {
  const access = placedOrder(orderId);
  if (!access) {
    root.replaceChildren(h('div', { class: 'empty' }, h('h1', null, 'Order not found'),
      h('p', { class: 'muted' }, 'This browser holds no access to that order. Use the link from the order confirmation.')));
    return () => {};
  }
  const live = h('span', { class: 'live', 'data-live': 'connecting' }, 'Connecting…');
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading the order…'));
  root.replaceChildren(h('div', { class: 'page-head' }, h('h1', null, `Order #${access.number}`), live), body);

  let order: Order | null = null;
  let refetch: ReturnType<typeof setTimeout> | undefined;
  const engine = connectEngine(access.token, {
    connected: () => {
      setLive(live, true);
      void load();
    },
    closed: (refused) => setLive(live, false, refused ? 'Access refused' : undefined),
  });

  async function load() {
    const r = await engine.client.query(OrderQuery, { id: orderId }).toPromise();
    if (r.data?.order) {
      order = r.data.order;
      render();
    } else if (!order) {
      body.replaceChildren(h('p', { class: 'problem' }, r.error ? describeError(r.error).message : 'The order was not found.'));
    }
  }

  const subscription = engine.client.subscription(OrderEventsSubscription, { id: orderId }).subscribe((r) => {
    const e = r.data?.orderEvents;
    if (!e || !order) return;
    // The event carries the order's status now: show it at once; read the rest of the order shortly after.
    order = { ...order, status: e.order.status, paymentStatus: e.order.paymentStatus };
    render();
    clearTimeout(refetch);
    refetch = setTimeout(() => void load(), 150);
  });

  function render() {
    if (!order) return;
    const o = order;
    const c = o.currencyCode;
    const at = STEPS.findIndex(([s]) => s === o.status);
    // Off the straight path: waiting for stock counts as confirmed, a partial shipment as still packing.
    const done = at >= 0 ? at : o.status === 'BACKORDERED' ? 1 : o.status === 'PARTIALLY_SHIPPED' ? 2 : -1;
    const a = o.shippingAddress;
    body.replaceChildren(
      h('section', { class: 'order-status' },
        h('div', { class: 'status-line' },
          h('span', { class: 'badge', 'data-status': o.status }, STATUS_TEXT[o.status]),
          h('span', { class: 'muted' }, `Payment: ${PAYMENT_TEXT[o.paymentStatus]}`)),
        h('ol', { class: 'steps' }, STEPS.map(([s, label], i) => h('li', { class: i < done ? 'done' : i === done ? 'current' : '', 'data-step': s }, label))),
        o.estimatedDeliveryAt && !['DELIVERED', 'CANCELLED'].includes(o.status) ? h('p', { class: 'muted' }, `Estimated delivery: ${formatDate(o.estimatedDeliveryAt)}`) : null,
        ...o.shipments.filter((s) => s.trackingNumber).map((s) => h('p', { class: 'tracking' }, `Parcel ${s.status.toLowerCase().replace(/_/g, ' ')} · ${s.carrierCode ?? 'carrier'} `,
          s.trackingUrl ? h('a', { href: s.trackingUrl, target: '_blank', rel: 'noopener' }, s.trackingNumber) : h('code', null, s.trackingNumber)))),
      h('div', { class: 'order-grid' },
        h('section', null, h('h2', null, 'Items'),
          h('table', { class: 'items' }, h('tbody', null, o.lines.map((l) => h('tr', null,
            h('td', null, h('strong', null, l.name), h('div', { class: 'sku' }, l.sku)),
            h('td', { class: 'n' }, `× ${l.quantity}`),
            h('td', { class: 'amount' }, formatMoney(l.lineTotal, c)))))),
          h('div', { class: 'sum-row' }, h('span', null, 'Subtotal'), h('span', { class: 'amount' }, formatMoney(o.subtotal, c))),
          h('div', { class: 'sum-row' }, h('span', null, `Shipping${o.shippingMethod ? ` (${o.shippingMethod.name})` : ''}`), h('span', { class: 'amount' }, formatMoney(o.shippingTotal, c))),
          o.discountTotal ? h('div', { class: 'sum-row' }, h('span', null, 'Discounts'), h('span', { class: 'amount' }, formatMoney(-o.discountTotal, c))) : null,
          h('div', { class: 'sum-row' }, h('span', null, 'Tax'), h('span', { class: 'amount' }, formatMoney(o.taxTotal, c))),
          h('div', { class: 'sum-row total', 'data-total': 'total' }, h('span', null, 'Total'), h('span', { class: 'amount' }, formatMoney(o.total, c))),
          h('h2', null, 'Ship to'),
          h('address', null, a.name, h('br'), a.line1, a.line2 ? [h('br'), a.line2] : null, h('br'), `${a.postalCode} ${a.city}`, h('br'), a.countryCode)),
        h('section', null, h('h2', null, 'History'),
          h('ol', { class: 'history' }, [...o.history].reverse().map((e) => h('li', null, h('time', null, formatDate(e.at, true)), h('span', null, e.message)))))),
    );
  }

  void load();
  return () => {
    clearTimeout(refetch);
    subscription.unsubscribe();
    engine.dispose();
  };
}
