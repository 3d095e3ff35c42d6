// The purchase order as a PDF (document store key purchase-orders/<id>.pdf, drawn from the rows on its
// first read like packing slips) and the mail that takes it to the supplier when the order is sent: in
// the purchase_order.sent event's job, once per event (notifications' message rows), retried on failure.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { DomainEvent, JobContext } from '../kernel/module.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { Channel } from '../channels/channel.entity.js';
import { DocumentService } from '../documents/document.service.js';
import { renderPurchaseOrder } from '../documents/pdf/render-purchase-order.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { NotificationService } from '../notifications/notification.service.js';
import { escapeHtml } from '../notifications/templates.js';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity.js';
import { PurchaseOrderStatus } from './purchase-order-status.js';
import { Supplier } from './supplier.entity.js';

const PREFIX = 'purchase-orders/';
export const purchaseOrderKey = (id: string) => `${PREFIX}${id}.pdf`;

export class PurchaseOrderDocuments {
  constructor(private readonly app: AppRuntime) {}

  register(): void {
    this.app.service(DocumentService).registerSource(PREFIX, (key) => this.renderKey(key));
  }

  /** A sent order's PDF (a draft has none: what the supplier gets is fixed when it is sent). */
  private async renderKey(key: string): Promise<{ data: Buffer; contentType: string } | null> {
    const id = /^purchase-orders\/([\w-]+)\.pdf$/.exec(key)?.[1];
    if (!id) return null;
    const data = await this.render(this.app.orm.em.fork() as Em, id);
    return data ? { data, contentType: 'application/pdf' } : null;
  }

  async render(em: Em, id: string): Promise<Buffer | null> {
    const po = await em.findOne(PurchaseOrder, { id });
    if (!po || po.status === PurchaseOrderStatus.DRAFT) return null;
    const [supplier, location, lines, channel] = await Promise.all([
      em.findOneOrFail(Supplier, { id: po.supplier.id }),
      em.findOneOrFail(StockLocation, { id: po.location.id }),
      em.find(PurchaseOrderLine, { purchaseOrder: po.id }, { orderBy: { sku: 'asc' } }),
      em.findOne(Channel, { code: 'default' }),
    ]);
    const variants = await em.find(ProductVariant, { id: { $in: lines.map((l) => l.variant.id) } });
    const a = location.address;
    return renderPurchaseOrder({
      number: po.number, buyerName: channel?.name ?? 'Ordo', currencyCode: po.currencyCode,
      supplier: { name: supplier.name, contactName: supplier.contactName, email: supplier.email },
      deliverTo: { name: a?.company ?? location.name, line1: a?.line1, line2: a?.line2, city: a?.city, postalCode: a?.postalCode, countryCode: location.countryCode, phone: a?.phone },
      orderedAt: po.sentAt ?? po.createdAt, expectedAt: po.expectedAt, notes: po.notes,
      lines: lines.map((l) => ({
        sku: l.sku, supplierSku: l.supplierSku, name: variants.find((v) => v.id === l.variant.id)?.name ?? l.sku,
        quantity: l.quantityOrdered, unitCost: l.unitCost, expectedAt: l.expectedAt,
      })),
    });
  }

  /** `purchase_order.sent`: the PDF into the store and to the supplier's mailbox, once. */
  async mailToSupplier(event: DomainEvent, ctx: JobContext): Promise<void> {
    const em = ctx.em as Em;
    const id = String((event.payload as { purchaseOrderId?: unknown }).purchaseOrderId ?? '');
    const po = id ? await em.findOne(PurchaseOrder, { id }) : null;
    // Cancelled before the job ran: the supplier is not asked for what is no longer wanted.
    if (!po || po.status === PurchaseOrderStatus.DRAFT || po.status === PurchaseOrderStatus.CANCELLED) return;
    const supplier = await em.findOneOrFail(Supplier, { id: po.supplier.id });
    const stored = await this.app.service(DocumentService).get(purchaseOrderKey(po.id));
    if (!stored) throw new Error(`purchase order ${po.number} could not be drawn`);
    const channel = await em.findOne(Channel, { code: 'default' });
    const buyer = channel?.name ?? 'Ordo';
    const hello = supplier.contactName ? `Hello ${supplier.contactName},` : 'Hello,';
    const when = po.expectedAt ? ` We expect the delivery by ${po.expectedAt.toISOString().slice(0, 10)}.` : '';
    const body = `Please find attached our purchase order ${po.number}.${when} Please quote its number on the delivery note.`;
    await this.app.service(NotificationService).mailOnce(em, event, supplier.email, {
      subject: `Purchase order ${po.number} from ${buyer}`,
      text: `${hello}\n\n${body}\n\n${buyer}\n`,
      html: `<!doctype html><html><body style="font-family:sans-serif"><p>${escapeHtml(hello)}</p><p>${escapeHtml(body)}</p><p>${escapeHtml(buyer)}</p></body></html>`,
    }, [{ filename: `${po.number}.pdf`, content: stored.data, contentType: 'application/pdf' }]);
  }

  /** `purchase_order.expected_changed`: the stored PDF drawn again with the new date (overwrites). */
  async redraw(event: DomainEvent, ctx: JobContext): Promise<void> {
    const id = String((event.payload as { purchaseOrderId?: unknown }).purchaseOrderId ?? '');
    const data = id ? await this.render(ctx.em as Em, id) : null;
    if (data) await this.app.service(DocumentService).save(purchaseOrderKey(id), data);
  }

  signedUrl(po: PurchaseOrder): string | null {
    return po.status === PurchaseOrderStatus.DRAFT ? null : this.app.service(DocumentService).signedUrl(purchaseOrderKey(po.id));
  }
}
