// Job `carrier.label`: a PACKED shipment gets a label from the carrier of the order's shipping method
// (→ LABELLED with tracking number and link, the label PDF in the document store). The carrier is called
// outside the transaction; the providers answer the same shipment id with the same label, so a retried
// job that had bought one already gets it again instead of a second one.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { DocumentService } from '../documents/document.service.js';
import { CarrierService } from './carriers/carrier.service.js';
import { labelFile, type LabelRequest } from './carriers/carrier.js';
import { packAt, unitsWeight } from '../inventory/parcel.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLine } from './shipment-line.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { canMoveShipment, moveShipment, stageOf } from './shipment-moves.js';
import { withOrder } from './order-lock.js';
import { followShipments, refreshEstimate } from './order-progress.js';
import { ShipmentService } from './shipment.service.js';

/** Used when an order has no shipping method (an import): the built-in carrier. */
const FALLBACK_CARRIER = 'sim';

export const labelKey = (shipmentId: string, ext: 'pdf' | 'zpl' = 'pdf') => `labels/${shipmentId}.${ext}`;

const needsLabel = (s: Shipment) => stageOf(s) === ShipmentStatus.PACKED && !s.trackingNumber;

export class LabelService {
  constructor(private readonly app: AppRuntime) {}

  /**
   * Job `carrier.label`, and a step of the automation's walk (auto-walk.ts): `walked` marks the LABELLED
   * event as the walk's, `thenShip` hands an automated location's shipment over in the same transaction.
   */
  async buyLabel(em: Em, shipmentId: string, walk: { walked?: boolean; thenShip?: boolean } = {}): Promise<boolean> {
    const s = await em.findOne(Shipment, { id: shipmentId });
    if (!s || !needsLabel(s)) return false;
    const order = await em.findOneOrFail(Order, { id: s.order.id });
    if (order.status === OrderStatus.CANCELLED || order.status === OrderStatus.ON_HOLD) return false;
    // Click & collect: the customer takes it at the store (pickup.service.ts); no carrier, no label.
    if (order.pickupLocation) return false;
    const { carrierCode, request: asked, autoFulfill } = await this.labelRequest(em, s, order);
    const carrier = this.app.service(CarrierService).get(carrierCode);
    // A carrier that draws its labels itself draws this one on its first download (renderLabel).
    const request = carrier.drawLabel ? { ...asked, withoutFile: true } : asked;
    const labelledAt = new Date();
    const label = await carrier.createLabel(request);
    const file = label.pdf || label.zpl ? labelFile(label) : null;
    if (!file && !carrier.drawLabel) throw new Error(`carrier ${carrierCode} answered a label without a file`);
    const key = labelKey(s.id, file?.ext ?? 'pdf');
    if (file) await this.app.service(DocumentService).save(key, file.bytes, file.contentType);

    const applied = await withOrder(em, order.id, async (tx, lockedOrder) => {
      const shipment = await tx.findOneOrFail(Shipment, { id: s.id });
      // Cancelled or labelled by another run meanwhile: nothing to record.
      if (!needsLabel(shipment) || !canMoveShipment(shipment, ShipmentStatus.LABELLED)) return false;
      shipment.carrierCode = carrierCode;
      shipment.trackingNumber = label.trackingNumber;
      shipment.trackingUrl = label.trackingUrl;
      shipment.labelKey = key;
      shipment.labelledAt = labelledAt;
      shipment.estimatedDeliveryAt = label.estimatedDeliveryAt ?? null;
      const extra = walk.walked ? { walked: true } : {};
      await moveShipment(this.app, tx, lockedOrder, shipment, ShipmentStatus.LABELLED, 'system',
        `Shipment ${shipment.id}: ${carrierCode} label bought, tracking number ${label.trackingNumber}.`, new Date(), extra);
      await refreshEstimate(tx, lockedOrder);
      const shipments = this.app.service(ShipmentService);
      if (walk.thenShip && (await shipments.shipsItself(tx, lockedOrder, shipment, autoFulfill))) {
        await shipments.handOver(tx, lockedOrder, shipment, extra);
        await followShipments(this.app, tx, lockedOrder, 'system');
      }
      return true;
    });
    if (!applied) {
      const now = await em.fork().findOne(Shipment, { id: s.id });
      if (now?.trackingNumber !== label.trackingNumber) {
        await carrier.cancelLabel(label.trackingNumber).catch((err) => this.app.log.warn({ err, shipmentId: s.id }, 'could not cancel an unused label'));
      }
    }
    return applied;
  }

  /** What the carrier is asked for a shipment's label, from its rows (at purchase, and to draw it later). */
  private async labelRequest(em: Em, s: Shipment, order: Order): Promise<{ carrierCode: string; request: LabelRequest; autoFulfill: boolean }> {
    const [location, method, lines] = await Promise.all([
      em.findOneOrFail(StockLocation, { id: s.location.id }),
      order.shippingMethod ? em.findOne(ShippingMethod, { id: order.shippingMethod.id }) : null,
      em.find(ShipmentLine, { shipment: s.id }),
    ]);
    const orderLines = await em.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } });
    const units = new Map<string, number>();
    for (const l of lines) {
      const sku = orderLines.find((o) => o.id === l.orderLine.id)?.sku;
      if (sku) units.set(sku, (units.get(sku) ?? 0) + l.quantity);
    }
    const packed = packAt(location, await unitsWeight(em, units));
    const carrierCode = s.carrierCode ?? method?.carrierCode ?? FALLBACK_CARRIER;
    const a = order.shippingAddress;
    return {
      carrierCode,
      autoFulfill: location.autoFulfill,
      request: {
        shipmentId: s.id,
        orderNumber: order.number,
        serviceCode: carrierCode,
        service: method?.serviceCode ?? null,
        from: packed.from ?? { name: location.name, countryCode: location.countryCode, region: location.region ?? null },
        to: { name: a.name, line1: a.line1, line2: a.line2 ?? null, city: a.city, region: a.region ?? null, postalCode: a.postalCode, countryCode: a.countryCode, phone: a.phone ?? null },
        weightGrams: packed.parcel.weightGrams,
        parcels: 1,
        parcel: packed.parcel,
        minTransitDays: method?.minTransitDays ?? 2,
        maxTransitDays: method?.maxTransitDays ?? 5,
      },
    };
  }

  /**
   * The label's PDF drawn on its first download (DocumentService source for `labels/`), for carriers that
   * draw their labels (CarrierProvider.drawLabel); null when the key names no such label.
   */
  async renderLabel(key: string): Promise<{ data: Buffer; contentType: string } | null> {
    const id = /^labels\/([\w-]+)\.pdf$/.exec(key)?.[1];
    if (!id) return null;
    const em = this.app.orm.em.fork() as Em;
    const s = await em.findOne(Shipment, { id });
    if (!s || s.labelKey !== key || !s.trackingNumber || !s.carrierCode) return null;
    const carrier = this.app.service(CarrierService).get(s.carrierCode);
    if (!carrier.drawLabel) return null;
    const { request } = await this.labelRequest(em, s, await em.findOneOrFail(Order, { id: s.order.id }));
    const data = await carrier.drawLabel(request, { trackingNumber: s.trackingNumber, createdAt: s.labelledAt ?? s.statusChangedAt });
    return { data, contentType: 'application/pdf' };
  }

  /** On `shipment.cancelled`: a label bought for it is cancelled at the carrier (best effort). */
  async cancelLabelOf(em: Em, shipmentId: string): Promise<void> {
    const s = await em.findOne(Shipment, { id: shipmentId });
    if (!s || s.status !== ShipmentStatus.CANCELLED || !s.trackingNumber || !s.carrierCode || s.shippedAt) return;
    await this.app.service(CarrierService).get(s.carrierCode).cancelLabel(s.trackingNumber);
  }
}
