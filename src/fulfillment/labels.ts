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
import { labelFile, type Label, type LabelRequest } from './carriers/carrier.js';
import { packAt, unitsWeight, type ParcelOrigin } from '../inventory/parcel.js';
import type { Address } from '../order-core/address.js';
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

/** A label the carrier issued, its file kept under `key`. */
export interface BoughtLabel {
  carrierCode: string;
  label: Label;
  key: string;
  labelledAt: Date;
}

/** What a bought label sets on its shipment. */
export const labelFields = (b: BoughtLabel) => ({
  carrierCode: b.carrierCode, trackingNumber: b.label.trackingNumber, trackingUrl: b.label.trackingUrl, labelKey: b.key,
  labelledAt: b.labelledAt, estimatedDeliveryAt: b.label.estimatedDeliveryAt ?? null,
});

export const labelledMessage = (shipmentId: string, b: BoughtLabel) => `Shipment ${shipmentId}: ${b.carrierCode} label bought, tracking number ${b.label.trackingNumber}.`;

/** What a shipment's label is bought with: the rows of its order, location and method, read by whoever asks. */
export interface LabelInput {
  shipmentId: string;
  /** The shipment's carrier, when it has one already. */
  carrierCode?: string | null;
  orderNumber: string;
  to: Pick<Address, 'name' | 'line1' | 'line2' | 'city' | 'region' | 'postalCode' | 'countryCode' | 'phone'>;
  location: ParcelOrigin;
  method: Pick<ShippingMethod, 'carrierCode' | 'serviceCode' | 'minTransitDays' | 'maxTransitDays'> | null;
  unitsGrams: number;
}

/** The carrier's request for a shipment's label (the same whether its rows came from the ORM or plain SQL). */
export function labelRequestOf(i: LabelInput): { carrierCode: string; request: LabelRequest } {
  const packed = packAt(i.location, i.unitsGrams);
  const carrierCode = i.carrierCode ?? i.method?.carrierCode ?? FALLBACK_CARRIER;
  const a = i.to;
  return {
    carrierCode,
    request: {
      shipmentId: i.shipmentId,
      orderNumber: i.orderNumber,
      serviceCode: carrierCode,
      service: i.method?.serviceCode ?? null,
      from: packed.from ?? { name: i.location.name, countryCode: i.location.countryCode, region: i.location.region ?? null },
      to: { name: a.name, line1: a.line1, line2: a.line2 ?? null, city: a.city, region: a.region ?? null, postalCode: a.postalCode, countryCode: a.countryCode, phone: a.phone ?? null },
      weightGrams: packed.parcel.weightGrams,
      parcels: 1,
      parcel: packed.parcel,
      minTransitDays: i.method?.minTransitDays ?? 2,
      maxTransitDays: i.method?.maxTransitDays ?? 5,
    },
  };
}

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
    const { carrierCode, request, autoFulfill } = await this.labelRequest(em, s, order);
    const bought = await this.purchase(carrierCode, request);
    const { label } = bought;

    const applied = await withOrder(em, order.id, async (tx, lockedOrder) => {
      const shipment = await tx.findOneOrFail(Shipment, { id: s.id });
      // Cancelled or labelled by another run meanwhile: nothing to record.
      if (!needsLabel(shipment) || !canMoveShipment(shipment, ShipmentStatus.LABELLED)) return false;
      Object.assign(shipment, labelFields(bought));
      const extra = walk.walked ? { walked: true } : {};
      await moveShipment(this.app, tx, lockedOrder, shipment, ShipmentStatus.LABELLED, 'system', labelledMessage(shipment.id, bought), new Date(), extra);
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
      if (now?.trackingNumber !== label.trackingNumber) await this.cancelUnused(bought, s.id);
    }
    return applied;
  }

  /**
   * Buys the label (outside any transaction: the carrier is a network peer) and keeps its file in the
   * document store; a carrier that draws its labels itself draws this one on its first download (renderLabel).
   */
  async purchase(carrierCode: string, asked: LabelRequest): Promise<BoughtLabel> {
    const carrier = this.app.service(CarrierService).get(carrierCode);
    const request = carrier.drawLabel ? { ...asked, withoutFile: true } : asked;
    const labelledAt = new Date();
    const label = await carrier.createLabel(request);
    const file = label.pdf || label.zpl ? labelFile(label) : null;
    if (!file && !carrier.drawLabel) throw new Error(`carrier ${carrierCode} answered a label without a file`);
    const key = labelKey(asked.shipmentId, file?.ext ?? 'pdf');
    if (file) await this.app.service(DocumentService).save(key, file.bytes, file.contentType);
    return { carrierCode, label, key, labelledAt };
  }

  /** A label bought but not recorded (the shipment moved on meanwhile) is cancelled at the carrier, best effort. */
  async cancelUnused(bought: BoughtLabel, shipmentId: string): Promise<void> {
    await this.app.service(CarrierService).get(bought.carrierCode).cancelLabel(bought.label.trackingNumber)
      .catch((err) => this.app.log.warn({ err, shipmentId }, 'could not cancel an unused label'));
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
    const request = labelRequestOf({ shipmentId: s.id, carrierCode: s.carrierCode, orderNumber: order.number, to: order.shippingAddress, location, method, unitsGrams: await unitsWeight(em, units) });
    return { ...request, autoFulfill: location.autoFulfill };
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
