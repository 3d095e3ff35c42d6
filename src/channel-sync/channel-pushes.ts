// Telling a channel what happened to its orders: a shipment with its tracking, a refund, a cancellation.
// Each is an event handler (a job, retried with backoff when the channel refuses: a 429, its own
// outage) for events of orders that came from another system (their payload carries `externalId`, so
// a shop without connectors queues nothing). A push is made once: the `channel_push` row is checked
// first and written after the channel took it; the idempotency key passed along makes a push repeated
// in between (a worker killed after the call) one push at the channel.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Em } from '../kernel/db/orm.js';
import { onlyWhen, type DomainEvent, type EventHandler, type JobContext } from '../kernel/module.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { Shipment } from '../fulfillment/shipment.entity.js';
import { ShipmentLine } from '../fulfillment/shipment-line.entity.js';
import { PaymentOperation } from '../payments/payment-operation.entity.js';
import type { ChannelConnector, ConnectorContext } from './connector.js';
import { ConnectorService } from './connector.service.js';
import { ChannelPush, PushKind } from './channel-push.entity.js';

type Payload = { orderId?: string; externalId?: string; shipmentId?: string; operationId?: string; message?: string };
const fromElsewhere = (e: DomainEvent) => typeof (e.payload as Payload).externalId === 'string';

/** Runs `push` once for (channel, kind, ref), when the order's channel has a connector that does `method`. */
async function once(
  ctx: JobContext, orderId: string, kind: PushKind, ref: string, method: keyof ChannelConnector,
  push: (connector: ChannelConnector, c: ConnectorContext, order: Order, em: Em) => Promise<void>,
): Promise<void> {
  const em = ctx.em.fork() as Em;
  const order = await em.findOne(Order, { id: orderId });
  if (!order?.externalId) return;
  const found = await ctx.app.service(ConnectorService).connectionOf(em, order.channel.id);
  if (!found || typeof found.connector[method] !== 'function') return;
  if (await em.count(ChannelPush, { channelId: order.channel.id, kind, ref })) return;
  await push(found.connector, found.ctx, order, em);
  try {
    await em.fork().persistAndFlush(em.create(ChannelPush, { channelId: order.channel.id, kind, ref, externalId: order.externalId }));
  } catch (e) {
    if (!(e instanceof UniqueConstraintViolationException)) throw e;
  }
}

const pushShipment: EventHandler = async (event, ctx) => {
  const p = event.payload as Payload;
  if (!p.orderId || !p.shipmentId) return;
  await once(ctx, p.orderId, PushKind.SHIPMENT, p.shipmentId, 'pushShipment', async (connector, c, order, em) => {
    const s = await em.findOneOrFail(Shipment, { id: p.shipmentId! });
    const lines = await em.find(ShipmentLine, { shipment: s.id });
    const skus = new Map((await em.find(OrderLine, { id: { $in: lines.map((l) => l.orderLine.id) } })).map((l) => [l.id, l.sku]));
    await connector.pushShipment!(c, {
      externalId: order.externalId!, shipmentId: s.id, carrierCode: s.carrierCode ?? null, trackingNumber: s.trackingNumber ?? null,
      trackingUrl: s.trackingUrl ?? null, lines: lines.map((l) => ({ sku: skus.get(l.orderLine.id)!, quantity: l.quantity })),
      shippedAt: s.shippedAt ?? new Date(), idempotencyKey: `ordo-shipment-${s.id}`,
    });
  });
};

const pushRefund: EventHandler = async (event, ctx) => {
  const p = event.payload as Payload;
  if (!p.orderId || !p.operationId) return;
  await once(ctx, p.orderId, PushKind.REFUND, p.operationId, 'pushRefund', async (connector, c, order, em) => {
    const op = await em.findOneOrFail(PaymentOperation, { id: p.operationId! });
    await connector.pushRefund!(c, { externalId: order.externalId!, amount: op.amount, currencyCode: order.currencyCode, reason: op.reason ?? null, idempotencyKey: `ordo-refund-${op.id}` });
  });
};

const pushCancellation: EventHandler = async (event, ctx) => {
  const p = event.payload as Payload;
  if (!p.orderId) return;
  await once(ctx, p.orderId, PushKind.CANCELLATION, p.orderId, 'pushCancellation', async (connector, c, order) => {
    await connector.pushCancellation!(c, { externalId: order.externalId!, reason: p.message ?? null, idempotencyKey: `ordo-cancel-${order.id}` });
  });
};

export const channelPushHandlers: Record<string, EventHandler> = {
  'shipment.shipped': onlyWhen(fromElsewhere, pushShipment),
  'payment.refunded': onlyWhen(fromElsewhere, pushRefund),
  'order.cancelled': onlyWhen(fromElsewhere, pushCancellation),
};
