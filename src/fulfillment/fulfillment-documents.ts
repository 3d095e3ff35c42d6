// The fulfillment's documents: a packing slip per shipment (rendered on its first download, from the
// rows, then kept) and pick lists per location (on demand), in the document store behind signed links.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { badInput } from '../kernel/errors.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { DocumentService } from '../documents/document.service.js';
import { renderPackingSlip } from '../documents/pdf/render-packing-slip.js';
import { renderPickList, type PickListRow } from '../documents/pdf/render-pick-list.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus } from './shipment-status.js';

export const packingSlipKey = (shipmentId: string) => `packing-slips/${shipmentId}.pdf`;

export class FulfillmentDocuments {
  constructor(private readonly app: AppRuntime) {}

  /** Job `documents.packingSlip` (queued by earlier versions): renders once; a shipment that has its slip is left alone. */
  async packingSlip(em: Em, shipmentId: string): Promise<boolean> {
    const s = await em.findOne(Shipment, { id: shipmentId });
    if (!s || s.packingSlipKey || s.status === ShipmentStatus.CANCELLED) return false;
    return !!(await this.app.service(DocumentService).get(packingSlipKey(s.id)));
  }

  /**
   * The packing slip's PDF, rendered from the database on its first download (DocumentService source for
   * `packing-slips/`); the shipment then notes its key. Null for a key that names no shipment.
   */
  async renderPackingSlip(key: string): Promise<{ data: Buffer; contentType: string } | null> {
    const id = /^packing-slips\/([\w-]+)\.pdf$/.exec(key)?.[1];
    if (!id) return null;
    const em = this.app.orm.em.fork() as Em;
    const s = await em.findOne(Shipment, { id });
    if (!s) return null;
    const [order, location, lines] = await Promise.all([
      em.findOneOrFail(Order, { id: s.order.id }),
      em.findOneOrFail(StockLocation, { id: s.location.id }),
      em.find(ShipmentLine, { shipment: s.id }, { orderBy: { id: 'asc' } }),
    ]);
    const orderLines = await em.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } });
    const a = order.shippingAddress;
    const pdf = await renderPackingSlip({
      orderNumber: order.number,
      date: order.placedAt,
      shipmentId: s.id,
      shipTo: { name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, countryCode: a.countryCode },
      from: { name: location.name, countryCode: location.countryCode, region: location.region },
      lines: lines.map((l) => {
        const ol = orderLines.find((o) => o.id === l.orderLine.id)!;
        return { sku: ol.sku, name: ol.name, quantity: l.quantity };
      }),
    });
    // Only this column, without the version: the slip must not collide with a status move in flight.
    await em.execute('UPDATE shipment SET packing_slip_key = ? WHERE id = ? AND packing_slip_key IS NULL', [key, s.id], 'run');
    return { data: pdf, contentType: 'application/pdf' };
  }

  /**
   * The pick list of a location now: every unit of its shipments waiting to be picked, per SKU with the
   * orders it is for. Returns a signed link to the PDF.
   */
  async pickList(em: Em, locationCode: string): Promise<string> {
    const location = await em.findOne(StockLocation, { code: locationCode });
    if (!location) throw badInput(`There is no stock location with code "${locationCode}".`, 'locationCode');
    const shipments = (await em.find(Shipment, {
      location: location.id,
      status: { $in: [ShipmentStatus.PENDING, ShipmentStatus.EXCEPTION] },
    }, { orderBy: { createdAt: 'asc', id: 'asc' } })).filter((s) => s.status === ShipmentStatus.PENDING || s.exceptionFrom === ShipmentStatus.PENDING);
    const lines = shipments.length ? await em.find(ShipmentLine, { shipment: { $in: shipments.map((s) => s.id) } }) : [];
    const orderLines = lines.length ? await em.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } }) : [];
    const orders = shipments.length ? await em.find(Order, { id: { $in: [...new Set(shipments.map((s) => s.order.id))] } }) : [];
    const rows = new Map<string, PickListRow>();
    for (const s of shipments) {
      const number = orders.find((o) => o.id === s.order.id)!.number;
      for (const l of lines.filter((x) => x.shipment.id === s.id)) {
        const ol = orderLines.find((o) => o.id === l.orderLine.id)!;
        const row = rows.get(ol.sku) ?? { sku: ol.sku, name: ol.name, allocations: [] };
        row.allocations.push({ orderNumber: number, shipmentId: s.id, quantity: l.quantity });
        rows.set(ol.sku, row);
      }
    }
    const generatedAt = new Date();
    const pdf = await renderPickList({
      location: { code: location.code, name: location.name },
      generatedAt,
      rows: [...rows.values()].sort((a, b) => a.sku.localeCompare(b.sku)),
    });
    const key = `pick-lists/${location.id}/${generatedAt.getTime()}.pdf`;
    const documents = this.app.service(DocumentService);
    await documents.save(key, pdf, 'application/pdf');
    return documents.signedUrl(key);
  }
}
