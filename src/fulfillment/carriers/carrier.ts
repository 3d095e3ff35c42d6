// What a carrier provider implements (a plugin can add DHL, UPS, ...). The built-in `sim` carrier
// answers deterministically for development and tests; plugins/easypost buys real labels.
import type { CarrierRate, Parcel, RateRequest, ShipAddress } from '../../shipping/shipping-rates.js';

/** A label's party: the name and country always, the street when the engine knows it (a location may have none). */
export type LabelAddress = Pick<ShipAddress, 'name' | 'countryCode'> & Partial<ShipAddress>;

export interface LabelRequest {
  shipmentId: string;
  orderNumber: string;
  /** The shipping method's carrier code: the provider may offer several services. */
  serviceCode: string;
  /** The method's service as the carrier names it (`ShippingMethod.serviceCode`); null: the carrier's cheapest. */
  service?: string | null;
  /** Where the parcel starts: the location (outbound) or the buyer (a return). */
  from: LabelAddress;
  to: LabelAddress;
  weightGrams: number;
  parcels: number;
  /** Size and weight (units and box): the shipment location's box. */
  parcel?: Parcel;
  /** A return label: `from` is the buyer, `to` the location receiving it. */
  isReturn?: boolean;
  /** Transit days of the shipping method, for the estimate. */
  minTransitDays: number;
  maxTransitDays: number;
  /**
   * The engine draws the file later with the provider's `drawLabel` (on its first download): a provider
   * that draws its labels itself may answer without a file.
   */
  withoutFile?: boolean;
}

export interface Label {
  trackingNumber: string;
  trackingUrl: string;
  /** The label as a PDF, or as ZPL for thermal printers (one of the two). */
  pdf?: Buffer;
  zpl?: Buffer;
  estimatedDeliveryAt?: Date | null;
}

export type CarrierTrackingStatus = 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION';

export interface CarrierTrackingEvent {
  trackingNumber: string;
  status: CarrierTrackingStatus;
  occurredAt?: Date | null;
  location?: string | null;
  description?: string | null;
  estimatedDeliveryAt?: Date | null;
}

export interface CarrierProvider {
  code: string;
  /** The same request (same shipmentId) answers the same label: a retried job never buys two. */
  createLabel(req: LabelRequest): Promise<Label>;
  /** Voids or refunds the label; a label already refunded is no error. */
  cancelLabel(trackingNumber: string): Promise<void>;
  /** Turns a carrier's webhook request into tracking events; throws when the request is not authentic. */
  parseWebhook(body: unknown, headers: Record<string, string | string[] | undefined>): Promise<CarrierTrackingEvent[]>;
  /** Live rates for a parcel, for carrier-rated shipping methods (shipping/shipping-rates.ts). */
  rates?(req: RateRequest): Promise<CarrierRate[]>;
  /**
   * For carriers whose labels are drawn locally rather than fetched (the built-in `sim`): the label's
   * PDF for a request and the label it answered. With it, the engine buys labels `withoutFile` and draws
   * each on its first download, from the shipment's rows (fulfillment spends no PDF on labels nobody prints).
   */
  drawLabel?(req: LabelRequest, label: { trackingNumber: string; createdAt: Date }): Promise<Buffer>;
}

/** The label file as stored: its bytes, type and the document key's extension. */
export function labelFile(label: Label): { bytes: Buffer; contentType: string; ext: 'pdf' | 'zpl' } {
  if (label.zpl) return { bytes: label.zpl, contentType: 'application/zpl', ext: 'zpl' };
  if (label.pdf) return { bytes: label.pdf, contentType: 'application/pdf', ext: 'pdf' };
  throw new Error('the carrier answered a label without a file');
}
