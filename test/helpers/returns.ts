// What return tests share: the return operations as a client sends them, and an order that was
// placed, shipped by the workers (an autoFulfill location) and delivered, ready to be returned.
import type { TestEngine } from './engine.js';
import { ok } from './gql.js';
import { orderInput, PLACE_ORDER } from './fixtures.js';
import { until } from './until.js';

export const RETURN_FIELDS = `id number status resolution customerNote labelUrl trackingNumber refundTotal createdAt
  order { id } exchangeOrder { id number status paymentStatus total lines { sku quantity lineTotal } shipments { status } }
  lines { id quantity reason quantityReceived disposition orderLine { id sku quantityReturned } }`;
export const REQUEST_RETURN = `mutation($i: RequestReturnInput!, $approve: Boolean, $key: String) { requestReturn(input: $i, approve: $approve, idempotencyKey: $key) { ${RETURN_FIELDS} } }`;
export const APPROVE_RETURN = `mutation($id: ID!) { approveReturn(id: $id) { ${RETURN_FIELDS} } }`;
export const RECEIVE_RETURN = `mutation($id: ID!, $lines: [ReceiveReturnLineInput!]!, $key: String) { receiveReturn(id: $id, lines: $lines, idempotencyKey: $key) { ${RETURN_FIELDS} } }`;
export const TRACK = `mutation($i: TrackingEventInput!) { recordTrackingEvent(input: $i) { id status } }`;
const DELIVERY = `query($id: ID!) { order(id: $id) {
  id status paymentStatus total
  lines { id sku quantity quantityShipped quantityReturned lineTotal }
  shipments { status trackingNumber deliveredAt }
} }`;

/** Places an order with `token` (a customer's), lets the workers ship it, and delivers it. */
export async function deliveredOrder(t: TestEngine, lines: { sku: string; quantity: number }[], token: string) {
  const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput(lines) }, token)).placeOrder;
  const order = async () => ok(await t.admin(DELIVERY, { id: placed.order.id })).order;
  const shipped = await until(order, (o) => o.status === 'SHIPPED' && o.shipments.every((s: any) => s.trackingNumber));
  for (const s of shipped.shipments) ok(await t.admin(TRACK, { i: { trackingNumber: s.trackingNumber, status: 'DELIVERED', location: 'Berlin' } }));
  const o = await until(order, (x) => x.status === 'DELIVERED' && x.paymentStatus === 'PAID');
  return { order: o, accessToken: placed.accessToken as string };
}
