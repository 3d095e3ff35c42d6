// What a carrier provider implements (a plugin can add DHL, UPS, ...). The built-in `sim` carrier
// answers deterministically for development and tests.

export interface LabelRequest {
  shipmentId: string;
  orderNumber: string;
  /** The shipping method's carrier code: the provider may offer several services. */
  serviceCode: string;
  from: { name: string; countryCode: string; region?: string | null };
  to: { name: string; line1: string; line2?: string | null; city: string; region?: string | null; postalCode: string; countryCode: string; phone?: string | null };
  weightGrams: number;
  parcels: number;
  /** Transit days of the shipping method, for the estimate. */
  minTransitDays: number;
  maxTransitDays: number;
}

export interface Label {
  trackingNumber: string;
  trackingUrl: string;
  /** The label as a PDF. */
  pdf: Buffer;
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
  createLabel(req: LabelRequest): Promise<Label>;
  cancelLabel(trackingNumber: string): Promise<void>;
  /** Turns a carrier's webhook request into tracking events; throws when the request is not authentic. */
  parseWebhook(body: unknown, headers: Record<string, string | string[] | undefined>): Promise<CarrierTrackingEvent[]>;
}
