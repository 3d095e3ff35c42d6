// The messages, one small function per domain event: a subject, a plain-text body, readable HTML, and
// optionally an SMS. A plugin overrides one with NotificationService.registerTemplate(type, fn).
import type { DomainEvent } from '../kernel/module.js';
import type { Order } from '../order-core/order.entity.js';
import type { OrderLine } from '../order-core/order-line.entity.js';
import type { Shipment } from '../fulfillment/shipment.entity.js';

export interface TemplateContext {
  event: DomainEvent<Record<string, any>>;
  order: Order;
  lines: OrderLine[];
  shipment: Shipment | null;
  /** The channel's name: who the message is from. */
  shopName: string;
  /** Click & collect: the shipment's pickup code while it is READY_FOR_PICKUP (derived for this message, never stored). */
  pickupCode?: string | null;
  money(amount: number): string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  /** When set and the order has a phone number, this goes out as an SMS too. */
  sms?: string;
}

export type NotificationTemplate = (ctx: TemplateContext) => RenderedMessage | null;

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A plain, readable HTML mail: a heading, paragraphs (already escaped) and an optional table. */
export function layout(c: TemplateContext, heading: string, paragraphs: string[], table?: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title></head>
<body style="font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: #222; line-height: 1.5; max-width: 36rem; margin: 0 auto; padding: 1rem;">
<h1 style="font-size: 1.3rem;">${escapeHtml(heading)}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
${table ?? ''}
<p style="color: #666; font-size: 0.85rem;">${escapeHtml(c.shopName)} · Order ${escapeHtml(c.order.number)}</p>
</body></html>`;
}

function linesTable(c: TemplateContext): string {
  const rows = c.lines
    .map((l) => `<tr><td>${escapeHtml(l.name)}</td><td style="text-align:right">${l.quantity}</td><td style="text-align:right">${escapeHtml(c.money(l.lineTotal))}</td></tr>`)
    .join('');
  return `<table style="border-collapse: collapse; width: 100%;"><thead><tr><th style="text-align:left">Item</th><th style="text-align:right">Qty</th><th style="text-align:right">Total</th></tr></thead><tbody>${rows}</tbody>
<tfoot>${(c.order.discounts ?? []).map((d) => `<tr><td colspan="2">${escapeHtml(d.label)}</td><td style="text-align:right">−${escapeHtml(c.money(d.amount))}</td></tr>`).join('')}<tr><td colspan="2"><strong>Total</strong></td><td style="text-align:right"><strong>${escapeHtml(c.money(c.order.total))}</strong></td></tr></tfoot></table>`;
}

const linesText = (c: TemplateContext) =>
  c.lines.map((l) => `  ${l.quantity} × ${l.name} (${l.sku})  ${c.money(l.lineTotal)}`).join('\n') +
  (c.order.discounts ?? []).map((d) => `\n  ${d.label}  −${c.money(d.amount)}`).join('') + `\n  Total: ${c.money(c.order.total)}`;

const signOff = (c: TemplateContext) => `\n\n${c.shopName}\n`;

/**
 * Events most of whose kind send nothing, told apart by their payload alone: the handler skips them
 * without reading the order (every order is placed; only bank-transfer orders get a mail then).
 */
export const payloadFilters: Record<string, (payload: Record<string, unknown>) => boolean> = {
  'order.placed': (p) => p.paymentMethod === 'manual',
};

export const defaultTemplates: Record<string, NotificationTemplate> = {
  // Paid by bank transfer (the manual method): the order waits in PENDING for the money, so the buyer is
  // told how much to pay and what reference to give. Other orders get their mail when confirmed.
  'order.placed': (c) => {
    if (c.event.payload.paymentMethod !== 'manual' || c.order.paymentStatus !== 'PENDING' || c.order.total <= 0) return null;
    const amount = c.money(c.order.total);
    const how = `Please transfer ${amount} to ${c.shopName}, giving ${c.order.number} as the payment reference. We will confirm your order as soon as the money arrives.`;
    return {
      subject: `Order ${c.order.number}: please pay ${amount}`,
      text: `Thank you for your order ${c.order.number}.\n\n${how}\n\nAmount: ${amount}\nPayment reference: ${c.order.number}\n\n${linesText(c)}${signOff(c)}`,
      html: layout(c, `Order ${c.order.number}: please pay ${amount}`, [
        `Thank you for your order ${escapeHtml(c.order.number)}.`,
        escapeHtml(how),
        `Amount: <strong>${escapeHtml(amount)}</strong><br>Payment reference: <strong>${escapeHtml(c.order.number)}</strong>`,
      ], linesTable(c)),
    };
  },

  'order.confirmed': (c) => ({
    subject: `Order ${c.order.number} confirmed`,
    text: `Thank you for your order ${c.order.number}.\n\nWe have received it and will let you know when it ships.\n\n${linesText(c)}${signOff(c)}`,
    html: layout(c, `Order ${c.order.number} confirmed`, ['Thank you for your order. We have received it and will let you know when it ships.'], linesTable(c)),
  }),

  'shipment.shipped': (c) => {
    if (c.order.pickupLocation) return null; // click & collect: handed over at the counter, nothing is on its way
    const tn = c.shipment?.trackingNumber ?? (c.event.payload.trackingNumber as string | null) ?? null;
    const url = c.shipment?.trackingUrl ?? null;
    const follow = tn ? `Tracking number: ${tn}${url ? `\nFollow it: ${url}` : ''}` : 'It is on its way.';
    return {
      subject: `Your order ${c.order.number} has shipped`,
      text: `Good news: a parcel of your order ${c.order.number} has left our warehouse.\n\n${follow}${signOff(c)}`,
      html: layout(c, `Your order ${c.order.number} has shipped`, [
        `Good news: a parcel of your order ${escapeHtml(c.order.number)} has left our warehouse.`,
        tn ? `Tracking number: <strong>${escapeHtml(tn)}</strong>${url ? ` — <a href="${escapeHtml(url)}">follow your parcel</a>` : ''}` : 'It is on its way.',
      ]),
      sms: `${c.shopName}: order ${c.order.number} has shipped.${url ? ` Track it: ${url}` : tn ? ` Tracking: ${tn}` : ''}`,
    };
  },

  // Click & collect: the order waits at its store. The code and the store's address (the order's shipping
  // address is the store's); no code (collected or cancelled before the mail went): nothing to send.
  'shipment.ready_for_pickup': (c) => {
    if (!c.pickupCode) return null;
    const store = String((c.event.payload.pickupLocation as { name?: string } | undefined)?.name ?? 'the store');
    const a = c.order.shippingAddress;
    const where = `${store}, ${a.line1}${a.line2 ? `, ${a.line2}` : ''}, ${a.postalCode} ${a.city}, ${a.countryCode}`;
    const subject = `Order ${c.order.number} is ready for pickup`;
    return {
      subject,
      text: `Your order ${c.order.number} is ready for pickup at ${where}.\n\nYour pickup code: ${c.pickupCode}\nShow it at the counter to collect your order.${signOff(c)}`,
      html: layout(c, subject, [
        `Your order ${escapeHtml(c.order.number)} is ready for pickup at ${escapeHtml(where)}.`,
        `Your pickup code: <strong>${escapeHtml(c.pickupCode)}</strong>`,
        'Show it at the counter to collect your order.',
      ]),
      sms: `${c.shopName}: order ${c.order.number} is ready for pickup at ${store}. Pickup code: ${c.pickupCode}`,
    };
  },

  'order.delivered': (c) => ({
    subject: `Order ${c.order.number} delivered`,
    text: `Your order ${c.order.number} has been delivered. We hope you enjoy it.${signOff(c)}`,
    html: layout(c, `Order ${c.order.number} delivered`, ['Your order has been delivered. We hope you enjoy it.']),
  }),

  'order.cancelled': (c) => ({
    subject: `Order ${c.order.number} cancelled`,
    text: `Your order ${c.order.number} has been cancelled.${c.event.payload.message ? `\n\n${c.event.payload.message}` : ''}\n\nAny payment authorized for it is released or refunded.${signOff(c)}`,
    html: layout(c, `Order ${c.order.number} cancelled`, [
      'Your order has been cancelled.',
      ...(c.event.payload.message ? [escapeHtml(String(c.event.payload.message))] : []),
      'Any payment authorized for it is released or refunded.',
    ]),
  }),

  // Part of the order cancelled (cancelOrderLines, a shipment cancelled with its units): what, why, the new
  // total. Money already paid for those units is refunded; that refund has its own mail.
  'order.lines_cancelled': (c) => {
    const cancelled = (c.event.payload.lines as { orderLineId: string; sku: string; quantity: number }[] | undefined) ?? [];
    if (!cancelled.length || c.order.status === 'CANCELLED') return null; // a whole cancel has its own mail
    const names = cancelled.map((l) => `${l.quantity} × ${c.lines.find((x) => x.id === l.orderLineId)?.name ?? l.sku} (${l.sku})`);
    const reason = c.event.payload.reason ? String(c.event.payload.reason) : '';
    const total = c.money(c.order.total);
    const subject = `Order ${c.order.number}: ${cancelled.length === 1 ? 'an item was' : 'items were'} cancelled`;
    return {
      subject,
      text: `These items of your order ${c.order.number} were cancelled${reason ? ` (${reason})` : ''}:\n${names.map((n) => `  ${n}`).join('\n')}\n\nThe order's total is now ${total}. Anything you paid for these items is refunded. The rest of your order goes ahead.${signOff(c)}`,
      html: layout(c, subject, [
        `These items of your order ${escapeHtml(c.order.number)} were cancelled${reason ? ` (${escapeHtml(reason)})` : ''}:`,
        names.map(escapeHtml).join('<br>'),
        `The order's total is now <strong>${escapeHtml(total)}</strong>. Anything you paid for these items is refunded. The rest of your order goes ahead.`,
      ]),
    };
  },

  // The order was edited (commitOrderEdit): its lines as they are now, the new total, the new address,
  // and what that means for the buyer's money (a further charge, or a refund that has its own mail).
  'order.edited': (c) => {
    const p = c.event.payload;
    const a = c.order.shippingAddress;
    const address = p.addressChanged ? `${a.name}, ${a.line1}${a.line2 ? `, ${a.line2}` : ''}, ${a.postalCode} ${a.city}, ${a.countryCode}` : '';
    const charged = Number(p.charged ?? 0);
    const refunding = Number(p.refunding ?? 0);
    const money = charged ? `${c.money(charged)} more is charged to your payment method.` : refunding ? `${c.money(refunding)} is refunded to you.` : '';
    const subject = `Order ${c.order.number} was changed`;
    const lines = { ...c, lines: c.lines.filter((l) => l.quantity > 0) };
    return {
      subject,
      text: `Your order ${c.order.number} was changed. It now is:\n${linesText(lines)}${address ? `\n\nIt ships to: ${address}` : ''}${money ? `\n\n${money}` : ''}${signOff(c)}`,
      html: layout(c, subject, [
        `Your order ${escapeHtml(c.order.number)} was changed.`,
        ...(address ? [`It ships to: ${escapeHtml(address)}`] : []),
        ...(money ? [escapeHtml(money)] : []),
        'It now is:',
      ], linesTable(lines)),
    };
  },

  'payment.refunded': (c) => {
    const amount = c.money(Number(c.event.payload.amount ?? 0));
    return {
      subject: `Refund of ${amount} for order ${c.order.number}`,
      text: `We have refunded ${amount} for your order ${c.order.number}.${c.event.payload.reason ? `\nReason: ${c.event.payload.reason}` : ''}\n\nDepending on your bank it may take a few days to show.${signOff(c)}`,
      html: layout(c, `Refund for order ${c.order.number}`, [
        `We have refunded <strong>${escapeHtml(amount)}</strong> for your order ${escapeHtml(c.order.number)}.`,
        ...(c.event.payload.reason ? [`Reason: ${escapeHtml(String(c.event.payload.reason))}`] : []),
        'Depending on your bank it may take a few days to show.',
      ]),
    };
  },
};
