// Purchasing: what a location should reorder (replenishment suggestions, in the supplier's packs and
// minimums) turned into draft purchase orders per supplier, and the purchase orders themselves — sent to
// the supplier (the PDF is mailed) and received, which books the units through the stock ledger.
import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from './gql';
import type { PurchaseOrderStatus } from './gql/graphql';
import { problem } from './api';
import { formatMoney, formatTime } from './money';

const PURCHASING = graphql(`
  query ConsolePurchasing($locationCode: String!, $status: PurchaseOrderStatus, $skipSuggestions: Boolean!) {
    stockLocations { code name }
    replenishmentSuggestions(locationCode: $locationCode) @skip(if: $skipSuggestions) { sku available incoming reorderPoint target quantity supplier { name } }
    purchaseOrders(first: 50, filter: { status: $status }) {
      nodes {
        id number status currencyCode totalCost expectedAt sentAt documentUrl
        supplier { name } location { code }
        lines { sku quantityOrdered quantityReceived }
      }
    }
  }
`);
const FROM_SUGGESTIONS = graphql(`mutation ConsoleDraftPOs($locationCode: String!) { createPurchaseOrdersFromSuggestions(locationCode: $locationCode) { id number } }`);
const SEND = graphql(`mutation ConsoleSendPO($id: ID!) { sendPurchaseOrder(id: $id) { id status } }`);
const RECEIVE = graphql(`mutation ConsoleReceivePO($id: ID!, $lines: [ReceiveLineInput!]!, $key: String) { receivePurchaseOrder(id: $id, lines: $lines, idempotencyKey: $key) { id status } }`);

const STATUSES: PurchaseOrderStatus[] = ['DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'];

export function PurchasingPage() {
  const [location, setLocation] = useState('');
  const [status, setStatus] = useState<PurchaseOrderStatus | null>(null);
  const [data, refetch] = useQuery({ query: PURCHASING, variables: { locationCode: location || '-', status, skipSuggestions: !location } });
  const [drafted, draft] = useMutation(FROM_SUGGESTIONS);
  const [sent, send] = useMutation(SEND);
  const [received, receive] = useMutation(RECEIVE);
  const error = problem(data.error ?? drafted.error ?? sent.error ?? received.error);
  const again = () => refetch({ requestPolicy: 'network-only' });
  const d = data.data;

  return (
    <main>
      <h1>Purchasing</h1>
      {error && <p role="alert" class="error">{error}</p>}
      <section aria-labelledby="sug-h">
        <h2 id="sug-h">Reorder suggestions</h2>
        <label>Location
          <select value={location} onChange={(e) => setLocation(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {d?.stockLocations.map((l) => <option value={l.code}>{l.name}</option>)}
          </select>
        </label>
        {location && (
          <>
            {!!d?.replenishmentSuggestions?.length && <table>
              <thead><tr><th scope="col">SKU</th><th scope="col" class="num">Available</th><th scope="col" class="num">Incoming</th><th scope="col" class="num">Reorder point</th><th scope="col" class="num">Target</th><th scope="col" class="num">Order</th><th scope="col">Supplier</th></tr></thead>
              <tbody>{d?.replenishmentSuggestions?.map((s) => <tr><td>{s.sku}</td><td class="num">{s.available}</td><td class="num">{s.incoming}</td><td class="num">{s.reorderPoint}</td><td class="num">{s.target}</td><td class="num">{s.quantity}</td><td>{s.supplier?.name ?? '—'}</td></tr>)}</tbody>
            </table>}
            {!d?.replenishmentSuggestions?.length && <p>Nothing to reorder here.</p>}
            <button type="button" disabled={!d?.replenishmentSuggestions?.length} onClick={async () => { await draft({ locationCode: location }); again(); }}>Create draft purchase orders</button>
          </>
        )}
      </section>
      <section aria-labelledby="po-h">
        <h2 id="po-h">Purchase orders</h2>
        <label>Status
          <select value={status ?? ''} onChange={(e) => setStatus((e.currentTarget.value || null) as PurchaseOrderStatus | null)}>
            <option value="">Any</option>
            {STATUSES.map((s) => <option value={s}>{s}</option>)}
          </select>
        </label>
        {d?.purchaseOrders.nodes.map((po) => (
          <article class="return" aria-label={`Purchase order ${po.number}`}>
            <h3>{po.number} <span class={`status s-${po.status}`}>{po.status}</span></h3>
            <p class="meta">{po.supplier.name} → {po.location.code} · {formatMoney(po.totalCost, po.currencyCode)}{po.expectedAt ? ` · expected ${formatTime(po.expectedAt)}` : ''}{po.documentUrl ? ' · ' : ''}{po.documentUrl && <a href={po.documentUrl} target="_blank" rel="noopener">PDF</a>}</p>
            <p>{po.lines.map((l) => `${l.sku}: ${l.quantityReceived}/${l.quantityOrdered}`).join(' · ')}</p>
            <p class="buttons">
              {po.status === 'DRAFT' && <button type="button" onClick={async () => { await send({ id: po.id }); again(); }}>Send to supplier</button>}
              {(po.status === 'SENT' || po.status === 'PARTIALLY_RECEIVED') && (
                <button type="button" onClick={async () => {
                  const lines = po.lines.map((l) => ({ sku: l.sku, quantity: l.quantityOrdered - l.quantityReceived })).filter((l) => l.quantity > 0);
                  await receive({ id: po.id, lines, key: `console-receive-${po.id}-${po.lines.map((l) => l.quantityReceived).join('.')}` });
                  again();
                }}>Receive the rest</button>
              )}
            </p>
          </article>
        ))}
      </section>
    </main>
  );
}
