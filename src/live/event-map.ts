// Which domain events are OrderEvents, and the line of text each one carries.
import type { DomainEvent } from '../kernel/module.js';
import { formatMoney } from '../kernel/money.js';
import { OrderStatus } from '../order-core/order-status.js';
import { OrderEventType } from './live-types.js';

const STATUSES = new Set(Object.values(OrderStatus).map((s) => s.toLowerCase()));

export function money(amount: unknown, currency: string): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return '';
  return formatMoney(n, currency);
}

/** The OrderEventType of a domain event, or null when subscribers do not hear it (`order.placed`, stock). */
export function orderEventType(type: string): OrderEventType | null {
  const [head, tail] = [type.slice(0, type.indexOf('.')), type.slice(type.indexOf('.') + 1)];
  switch (head) {
    case 'order':
      if (STATUSES.has(tail)) return OrderEventType.STATUS_CHANGED;
      if (tail === 'payment_status_changed') return OrderEventType.PAYMENT_STATUS_CHANGED;
      if (tail === 'lines_cancelled') return OrderEventType.LINES_CANCELLED;
      if (tail === 'edited') return OrderEventType.ORDER_EDITED;
      return null; // order.placed (the CONFIRMED/PENDING status event follows it), order.backorder_allocated
    case 'payment':
      return tail === 'refunded' ? OrderEventType.REFUND_ISSUED : OrderEventType.PAYMENT_STATUS_CHANGED;
    case 'refund':
      return OrderEventType.REFUND_ISSUED;
    case 'shipment':
      return OrderEventType.SHIPMENT_UPDATED;
    case 'invoice':
      return tail === 'issued' ? OrderEventType.INVOICE_ISSUED : null;
    case 'return':
      return OrderEventType.RETURN_UPDATED;
    default:
      return null;
  }
}

/** The order an event is about: payload.orderId, else the aggregate id when it is an order id. */
export function orderIdOf(e: DomainEvent): string | null {
  const id = (e.payload as { orderId?: unknown }).orderId;
  if (typeof id === 'string') return id;
  return e.aggregateId?.startsWith('ord_') ? e.aggregateId : null;
}

export function messageOf(e: DomainEvent, currency: string): string {
  const p = e.payload as Record<string, any>;
  if (typeof p.message === 'string' && p.message) return p.message;
  const tail = e.type.slice(e.type.indexOf('.') + 1);
  switch (orderEventType(e.type)) {
    case OrderEventType.STATUS_CHANGED:
      return `Order ${p.number ?? ''} is ${String(p.to ?? tail).toUpperCase()}.`.replace('  ', ' ');
    case OrderEventType.PAYMENT_STATUS_CHANGED:
      if (p.to) return `Payment status is ${p.to}.`;
      if (tail === 'refund_requested') return `Refund of ${money(p.amount, currency)} requested.`;
      return `Payment ${tail}${p.amount !== undefined ? `: ${money(p.amount, currency)}` : ''}.`;
    case OrderEventType.REFUND_ISSUED:
      return `Refund of ${money(p.amount, currency)} issued.`;
    case OrderEventType.SHIPMENT_UPDATED:
      return `Shipment ${String(p.to ?? tail).toUpperCase()}${p.trackingNumber ? ` (tracking ${p.trackingNumber})` : ''}.`;
    case OrderEventType.INVOICE_ISSUED:
      return `${p.kind === 'CREDIT_NOTE' ? 'Credit note' : 'Invoice'} ${p.invoiceNumber ?? ''} issued.`.replace(' issued', ' issued').replace('  ', ' ');
    case OrderEventType.RETURN_UPDATED:
      return `Return ${tail.replace(/_/g, ' ')}.`;
    case OrderEventType.LINES_CANCELLED:
      return `Cancelled ${(p.lines as { sku: string; quantity: number }[] ?? []).map((l) => `${l.quantity} × ${l.sku}`).join(', ')}; the total is ${money(p.amount, currency)} less.`;
    case OrderEventType.ORDER_EDITED:
      return `Order edited; the total is ${money(p.total, currency)}.`;
    default:
      return e.type;
  }
}

/** SKUs whose sellable units an event may have changed (known from the payload alone). */
export function skusOf(e: DomainEvent): string[] {
  const p = e.payload as Record<string, any>;
  if (typeof p.sku === 'string') return [p.sku];
  if (Array.isArray(p.skus)) return p.skus.filter((s: unknown): s is string => typeof s === 'string');
  return [];
}
