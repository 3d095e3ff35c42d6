// What an invoice or credit note prints as its lines and number: the whole order, a partial capture, a
// refund (invoice.service.ts, and invoice-plain.ts for the common case).
import { proportional } from '../kernel/money.js';
import type { Order } from '../order-core/order.entity.js';
import type { OrderLine } from '../order-core/order-line.entity.js';
import { addressLines, type PdfAddress } from '../documents/pdf/pdf-buffer.js';
import { InvoiceKind, type Invoice, type InvoiceLine, type Party } from './invoice.entity.js';

export function formatInvoiceNumber(kind: InvoiceKind, channelCode: string, sequence: number): string {
  return `${kind === InvoiceKind.INVOICE ? 'INV' : 'CN'}-${channelCode.toUpperCase()}-${String(sequence).padStart(6, '0')}`;
}

/** Who sells: the sales channel. */
export const sellerOf = (channel: { name: string; code: string }): Party => ({ name: channel.name, lines: [`Sales channel ${channel.code}`] });

/** Who buys: the billing (else shipping) address, the email when it has no name. */
export function buyerOf(address: PdfAddress, email: string): Party {
  const [name, ...lines] = addressLines(address);
  return { name: name ?? email, lines, email };
}

/** A document's totals: the sums of its lines. */
export const totalsOf = (lines: InvoiceLine[]) => ({
  subtotal: lines.reduce((s, l) => s + l.net, 0), taxTotal: lines.reduce((s, l) => s + l.taxTotal, 0), total: lines.reduce((s, l) => s + l.total, 0),
});

/** The whole order: its lines, and shipping as a line of its own; the totals equal the order's (invoice-plain.ts draws them too). */
export function orderLines(
  order: Pick<Order, 'pricesIncludeTax' | 'shippingTotal' | 'taxTotal' | 'discounts'>,
  lines: Pick<OrderLine, 'name' | 'sku' | 'quantity' | 'unitPrice' | 'lineTotal' | 'taxTotal'>[],
  shippingName: string | null,
  rate: number,
): InvoiceLine[] {
  // Lines whose every unit was cancelled before the capture are not invoiced.
  // A tax-inclusive order's lines show the gross unit price they were sold at; net is what is left of the
  // line's gross once its tax is taken out, so net + tax = total on every line, as on the order.
  const inclusive = order.pricesIncludeTax;
  const out: InvoiceLine[] = lines.filter((l) => l.quantity > 0).map((l) => ({
    description: l.name, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, taxRatePercent: rate,
    net: l.lineTotal - l.taxTotal, taxTotal: l.taxTotal, total: l.lineTotal, ...(inclusive ? { unitPriceIncludesTax: true } : {}),
  }));
  const lineTax = out.reduce((s, l) => s + l.taxTotal, 0);
  const shippingTax = order.taxTotal - lineTax;
  if (order.shippingTotal > 0 || shippingTax !== 0) {
    out.push({
      description: `Shipping${shippingName ? `: ${shippingName}` : ''}`, sku: null, quantity: 1,
      unitPrice: inclusive ? order.shippingTotal + shippingTax : order.shippingTotal, taxRatePercent: rate,
      net: order.shippingTotal, taxTotal: shippingTax, total: order.shippingTotal + shippingTax, ...(inclusive ? { unitPriceIncludesTax: true } : {}),
    });
  }
  // Discounts come off the total after tax (like store credit): lines of their own, without tax.
  // Tender (a gift card, store credit) is a means of payment, not a price reduction: the lines and the tax
  // stay at the full price, and a line says what it paid (net 0: the subtotal is the goods' and shipping's).
  for (const d of order.discounts ?? []) {
    if (d.tender) out.push({ description: `Paid by ${d.label}`, sku: null, quantity: 1, unitPrice: -d.amount, taxRatePercent: 0, net: 0, taxTotal: 0, total: -d.amount });
    else out.push({ description: `Discount: ${d.label}`, sku: null, quantity: 1, unitPrice: -d.amount, taxRatePercent: 0, net: -d.amount, taxTotal: 0, total: -d.amount });
  }
  return out;
}

/** A partial capture: one line over the captured amount, its tax the order's tax share of it. */
export function partialLine(order: Pick<Order, 'number' | 'taxTotal' | 'total'>, amount: number, rate: number): InvoiceLine[] {
  const tax = proportional(amount, order.taxTotal, order.total);
  return [{ description: `Partial payment for order #${order.number}`, sku: null, quantity: 1, unitPrice: amount - tax, taxRatePercent: rate, net: amount - tax, taxTotal: tax, total: amount }];
}

/** A partial refund: one line over the refunded amount, its tax the corrected invoice's share of it. */
export function refundLine(corrected: Invoice, amount: number, reason: string | null): InvoiceLine[] {
  const tax = proportional(amount, corrected.taxTotal, corrected.total);
  const rate = corrected.lines[0]?.taxRatePercent ?? 0;
  return [{ description: `Refund${reason ? `: ${reason}` : ''} (invoice ${corrected.number})`, sku: null, quantity: 1, unitPrice: amount - tax, taxRatePercent: rate, net: amount - tax, taxTotal: tax, total: amount }];
}
