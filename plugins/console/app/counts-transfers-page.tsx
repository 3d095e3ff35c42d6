// Cycle counts and stock transfers: a count of some SKUs at a location (what was counted is kept with the
// on-hand of that moment; applying books each variance as a COUNT movement), and transfers between
// locations (DRAFT → shipped: in transit → received at the destination). Every booking is sent with an
// idempotency key, so a double click books once.
import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';

const DATA = graphql(`
  query ConsoleCountsTransfers {
    stockLocations { code name }
    stockCounts { id status location { code } lines { sku counted onHandAtCount variance applied } }
    stockTransfers { id status note inTransit fromLocation { code } toLocation { code } lines { sku quantity shipped received } }
  }
`);
const START = graphql(`mutation ConsoleStartCount($l: String!, $skus: [String!]!) { startStockCount(locationCode: $l, skus: $skus) { id } }`);
const RECORD = graphql(`mutation ConsoleRecordCount($id: ID!, $sku: String!, $n: Int!) { recordStockCount(countId: $id, sku: $sku, counted: $n) { sku counted variance } }`);
const APPLY = graphql(`mutation ConsoleApplyCount($id: ID!, $key: String) { applyStockCount(countId: $id, idempotencyKey: $key) { id status } }`);
const CREATE = graphql(`mutation ConsoleCreateTransfer($i: CreateStockTransferInput!) { createStockTransfer(input: $i) { id } }`);
const SHIP = graphql(`mutation ConsoleShipTransfer($id: ID!, $key: String) { shipStockTransfer(id: $id, idempotencyKey: $key) { id status } }`);
const RECEIVE = graphql(`mutation ConsoleReceiveTransfer($id: ID!, $key: String) { receiveStockTransfer(id: $id, idempotencyKey: $key) { id status } }`);

export function CountsTransfersPage() {
  const [data, refetch] = useQuery({ query: DATA });
  const again = () => refetch({ requestPolicy: 'network-only' });
  const [started, start] = useMutation(START);
  const [recorded, record] = useMutation(RECORD);
  const [applied, apply] = useMutation(APPLY);
  const [created, create] = useMutation(CREATE);
  const [shipped, ship] = useMutation(SHIP);
  const [received, receive] = useMutation(RECEIVE);
  const [count, setCount] = useState({ location: '', skus: '' });
  const [transfer, setTransfer] = useState({ from: '', to: '', sku: '', quantity: '' });
  const [counted, setCounted] = useState<Record<string, string>>({});
  const error = problem(data.error ?? started.error ?? recorded.error ?? applied.error ?? created.error ?? shipped.error ?? received.error);
  const locations = data.data?.stockLocations ?? [];
  const pick = (label: string, value: string, set: (v: string) => void) => (
    <label>{label}
      <select aria-label={label} value={value} onChange={(e) => set(e.currentTarget.value)} required>
        <option value="">Choose…</option>
        {locations.map((l) => <option value={l.code}>{l.name}</option>)}
      </select>
    </label>
  );

  return (
    <main>
      <h1>Counts and transfers</h1>
      {error && <p role="alert" class="error">{error}</p>}
      <section aria-labelledby="counts-h">
        <h2 id="counts-h">Cycle counts</h2>
        <form class="filters" aria-label="Start a count" onSubmit={async (e) => {
          e.preventDefault();
          const r = await start({ l: count.location, skus: count.skus.split(/[\s,]+/).filter(Boolean) });
          if (r.data) { setCount({ location: '', skus: '' }); again(); }
        }}>
          {pick('At', count.location, (location) => setCount({ ...count, location }))}
          <label>SKUs <input value={count.skus} onInput={(e) => setCount({ ...count, skus: e.currentTarget.value })} placeholder="SKU-1, SKU-2" required /></label>
          <button type="submit">Start count</button>
        </form>
        {data.data?.stockCounts.map((c) => (
          <article class="return" aria-label={`Count at ${c.location.code}`}>
            <h3>Count at {c.location.code} <span class={`status s-${c.status}`}>{c.status}</span></h3>
            <table>
              <thead><tr><th scope="col">SKU</th><th scope="col" class="num">Counted</th><th scope="col" class="num">On hand then</th><th scope="col" class="num">Variance</th></tr></thead>
              <tbody>{c.lines.map((l) => (
                <tr>
                  <td>{l.sku}</td>
                  <td class="num">{c.status === 'OPEN'
                    ? <form onSubmit={async (e) => { e.preventDefault(); await record({ id: c.id, sku: l.sku, n: Number(counted[`${c.id}/${l.sku}`] ?? l.counted ?? 0) }); again(); }}>
                        <input type="number" min="0" aria-label={`Counted ${l.sku}`} value={counted[`${c.id}/${l.sku}`] ?? (l.counted ?? '')} onInput={(e) => setCounted({ ...counted, [`${c.id}/${l.sku}`]: e.currentTarget.value })} />
                        <button type="submit">Record</button>
                      </form>
                    : l.counted}</td>
                  <td class="num">{l.onHandAtCount ?? ''}</td><td class="num">{l.variance ?? ''}</td>
                </tr>
              ))}</tbody>
            </table>
            {c.status === 'OPEN' && <button type="button" onClick={async () => { await apply({ id: c.id, key: `console-apply-${c.id}` }); again(); }}>Apply the count</button>}
          </article>
        ))}
      </section>
      <section aria-labelledby="transfers-h">
        <h2 id="transfers-h">Transfers</h2>
        <form class="filters" aria-label="New transfer" onSubmit={async (e) => {
          e.preventDefault();
          const r = await create({ i: { fromLocationCode: transfer.from, toLocationCode: transfer.to, lines: [{ sku: transfer.sku.trim(), quantity: Number(transfer.quantity) }] } });
          if (r.data) { setTransfer({ from: '', to: '', sku: '', quantity: '' }); again(); }
        }}>
          {pick('From', transfer.from, (from) => setTransfer({ ...transfer, from }))}
          {pick('To', transfer.to, (to) => setTransfer({ ...transfer, to }))}
          <label>SKU <input value={transfer.sku} onInput={(e) => setTransfer({ ...transfer, sku: e.currentTarget.value })} required /></label>
          <label>Units <input type="number" min="1" value={transfer.quantity} onInput={(e) => setTransfer({ ...transfer, quantity: e.currentTarget.value })} required /></label>
          <button type="submit">Create transfer</button>
        </form>
        {data.data?.stockTransfers.map((t) => (
          <article class="return" aria-label={`Transfer ${t.fromLocation.code} to ${t.toLocation.code}`}>
            <h3>{t.fromLocation.code} → {t.toLocation.code} <span class={`status s-${t.status}`}>{t.status}</span></h3>
            <p>{t.lines.map((l) => `${l.sku}: ${l.quantity} (shipped ${l.shipped}, received ${l.received})`).join(' · ')}</p>
            <p class="buttons">
              {t.status === 'DRAFT' && <button type="button" onClick={async () => { await ship({ id: t.id, key: `console-ship-${t.id}` }); again(); }}>Ship</button>}
              {t.status === 'IN_TRANSIT' && <button type="button" onClick={async () => { await receive({ id: t.id, key: `console-receive-${t.id}` }); again(); }}>Receive all</button>}
            </p>
          </article>
        ))}
      </section>
    </main>
  );
}
