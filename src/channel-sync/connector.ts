// What a channel connector implements: the bridge between Ordo and one kind of sales channel (a
// marketplace, a social shop, a POS). Every method is optional: a connector does what its channel allows.
// The engine calls it from jobs (channel-poll.ts, channel-pushes.ts), so a call may be repeated: pushes
// carry an idempotency key the connector hands to its channel, and pulls are answered by importOrders,
// which makes each (channel, externalId) once. docs/channels.md says how to write one as a plugin.
import type { Logger } from '../kernel/logger.js';
import type { ImportOrderInput } from '../order-import/import.inputs.js';

export interface ConnectorContext {
  channelCode: string;
  /** The channel's connection settings as `connectChannel` stored them (URLs, credentials, page size). */
  config: Record<string, unknown>;
  log: Logger;
}

/** One page of orders after `cursor`; `cursor` of the page is where the next pull starts. */
export interface PulledPage {
  orders: ImportOrderInput[];
  cursor: string | null;
  /** More orders wait after this page: the poll pulls again at once. */
  more: boolean;
}

export interface ShipmentPush {
  externalId: string;
  shipmentId: string;
  carrierCode: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  lines: { sku: string; quantity: number }[];
  shippedAt: Date;
  idempotencyKey: string;
}

export interface RefundPush {
  externalId: string;
  amount: number;
  currencyCode: string;
  reason: string | null;
  idempotencyKey: string;
}

export interface CancellationPush {
  externalId: string;
  reason: string | null;
  idempotencyKey: string;
}

export interface ChannelConnector {
  /** What `connectChannel(connector:)` names: `sim-marketplace`, or a plugin's own (`amazon-sp`). */
  code: string;
  /** Throws BAD_USER_INPUT (badInput) for settings it cannot work with; called by connectChannel. */
  checkConfig?(config: Record<string, unknown>): void;
  pullOrders?(ctx: ConnectorContext, cursor: string | null): Promise<PulledPage>;
  /** Tells the channel these orders are in Ordo (some channels resend unacknowledged orders). */
  acknowledge?(ctx: ConnectorContext, externalIds: string[]): Promise<void>;
  pushShipment?(ctx: ConnectorContext, shipment: ShipmentPush): Promise<void>;
  pushCancellation?(ctx: ConnectorContext, cancellation: CancellationPush): Promise<void>;
  pushRefund?(ctx: ConnectorContext, refund: RefundPush): Promise<void>;
  /**
   * What the channel may sell now, per SKU (absolute quantities: the latest call wins, so a repeat is
   * harmless). Called with the SKUs whose quantity changed since the last call the channel took.
   */
  pushStock?(ctx: ConnectorContext, items: StockPush[]): Promise<void>;
}

export interface StockPush {
  sku: string;
  quantity: number;
}

/**
 * The channel did not take the call now (a rate limit, its own outage, the network): try again later,
 * after `retryAfterMs` when the channel said so. Anything else a connector throws is a failure too, and
 * is retried the same way; a connector throws this to pass the channel's Retry-After on.
 */
export class ChannelUnavailable extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'ChannelUnavailable';
  }
}
