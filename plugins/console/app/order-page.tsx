// One order: its summary and the actions staff take on it, lines, shipments (with tracking, documents and
// the pick / pack / ship steps), payments, the timeline from its history, notes and tags. It follows the
// order live (orderEvents): any change anyone makes shows without reloading.
import { useState } from 'preact/hooks';
import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';
import { formatMoney, formatTime } from './money';
import { can, type Session } from './session';
import { Shipments } from './shipments';
import { NotesAndTags } from './notes-and-tags';
import { OrderLines } from './order-lines';
import { Payments } from './payments';
import { OrderDocuments } from './order-documents';
import { OrderEdit } from './order-edit';

export const ORDER = graphql(`
  query ConsoleOrder($id: ID!) {
    order(id: $id) {
      id number status paymentStatus email placedAt currencyCode subtotal discountTotal shippingTotal taxTotal total externalId note tags
      channel { code name }
      shippingAddress { name line1 line2 postalCode city countryCode }
      lines { id sku name quantity quantityShipped quantityCancelled unitPrice lineTotal }
      shipments { id status carrierCode trackingNumber trackingUrl labelUrl packingSlipUrl location { code name } lines { quantity orderLine { sku } } }
      payments { id method status amount amountCaptured amountRefunded currencyCode }
      invoices { id number kind total currencyCode issuedAt pdfUrl }
      returns { id number status resolution }
      history { at type message actor }
      staffNotes { at message actor }
    }
  }
`);

const EVENTS = graphql(`subscription ConsoleOrderEvents($id: ID!) { orderEvents(orderId: $id) { type at } }`);
const HOLD = graphql(`mutation ConsoleHold($id: ID!, $reason: String!) { holdOrder(id: $id, reason: $reason) { id status } }`);
const RELEASE = graphql(`mutation ConsoleRelease($id: ID!) { releaseOrderHold(id: $id) { id status } }`);
const CANCEL = graphql(`mutation ConsoleCancel($id: ID!, $reason: String, $key: String) { cancelOrder(id: $id, reason: $reason, idempotencyKey: $key) { id status } }`);

const CANCELLABLE = new Set(['PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED']);

export function OrderPage({ id, session }: { id: string; session: Session }) {
  const [order, refetch] = useQuery({ query: ORDER, variables: { id } });
  useSubscription({ query: EVENTS, variables: { id } }, (_prev: unknown, e) => {
    refetch({ requestPolicy: 'network-only' });
    return e;
  });
  const [hold, doHold] = useMutation(HOLD);
  const [release, doRelease] = useMutation(RELEASE);
  const [cancel, doCancel] = useMutation(CANCEL);
  const [reason, setReason] = useState('');
  const o = order.data?.order;
  const error = problem(order.error ?? hold.error ?? release.error ?? cancel.error);
  if (!o) return <main><p><a href="#/orders">← Orders</a></p>{order.fetching ? <p>Loading…</p> : <p role="alert" class="error">{error ?? 'No such order.'}</p>}</main>;
  const staff = can(session, 'orders');

  return (
    <main>
      <p><a href="#/orders">← Orders</a></p>
      <h1>Order {o.number} <span class={`status s-${o.status}`} aria-label={`Status ${o.status}`}>{o.status}</span></h1>
      <p class="meta">{o.channel.name} · placed {formatTime(o.placedAt)} · {o.email} · payment {o.paymentStatus}{o.externalId ? ` · external ${o.externalId}` : ''}</p>
      {error && <p role="alert" class="error">{error}</p>}
      {staff && CANCELLABLE.has(o.status) && (
        <section aria-label="Order actions" class="actions">
          {o.status !== 'ON_HOLD' && CANCELLABLE.has(o.status) && (
            <form onSubmit={(e) => { e.preventDefault(); void doHold({ id, reason: reason || 'held in the console' }); }}>
              <label>Hold reason <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} /></label>
              <button type="submit">Hold</button>
            </form>
          )}
          {o.status === 'ON_HOLD' && <button type="button" onClick={() => doRelease({ id })}>Release hold</button>}
          {CANCELLABLE.has(o.status) && (
            <button type="button" class="danger" onClick={() => { if (confirm(`Cancel order ${o.number}?`)) void doCancel({ id, reason: reason || 'cancelled in the console', key: `console-cancel-${id}` }); }}>Cancel order</button>
          )}
        </section>
      )}
      {staff && CANCELLABLE.has(o.status) && <OrderEdit orderId={id} />}
      <OrderLines orderId={id} lines={o.lines} payments={o.payments} totals={o} staff={staff} open={CANCELLABLE.has(o.status)} />
      <p class="address">Ship to: {o.shippingAddress.name}, {o.shippingAddress.line1}, {o.shippingAddress.postalCode} {o.shippingAddress.city}, {o.shippingAddress.countryCode}</p>
      <Shipments shipments={o.shipments} staff={staff} />
      <Payments payments={o.payments} staff={staff} />
      <OrderDocuments invoices={o.invoices} returns={o.returns} />
      <NotesAndTags orderId={id} tags={o.tags} notes={o.staffNotes} staff={staff} />
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <ol class="timeline">{o.history.map((h) => <li><time dateTime={h.at}>{formatTime(h.at)}</time> <strong>{h.type}</strong> {h.message} <span class="actor">— {h.actor}</span></li>)}</ol>
      </section>
    </main>
  );
}
