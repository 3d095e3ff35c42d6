// Stock per location: on hand, reserved, available, incoming (purchase orders) and in transit (transfers),
// the SKUs below their reorder point, and adjustments with a reason (each one a movement in the ledger,
// sent with an idempotency key so a double click books it once).
import { useState } from 'preact/hooks';
import { useClient, useMutation, useQuery } from '@urql/preact';
import { graphql } from './gql';
import type { StockAdjustmentReason } from './gql/graphql';
import { problem } from './api';
import { formatTime } from './money';

const STOCK = graphql(`
  query ConsoleStock($locationCode: String) {
    stockLocations { code name }
    stockLevels(locationCode: $locationCode) { sku onHand reserved available incoming inTransitIn nextExpectedAt location { code } }
    reorderRules(locationCode: $locationCode) { sku reorderPoint target low location { code } }
  }
`);
const PICK_LIST = graphql(`query ConsolePickList($locationCode: String!) { pickList(locationCode: $locationCode) }`);
const ADJUST = graphql(`mutation ConsoleAdjust($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand available } }`);

const REASONS: StockAdjustmentReason[] = ['RECEIVED', 'CORRECTION', 'DAMAGED', 'LOST'];

export function StockPage() {
  const [location, setLocation] = useState<string | null>(null);
  const [stock, refetch] = useQuery({ query: STOCK, variables: { locationCode: location } });
  const [adjusted, adjust] = useMutation(ADJUST);
  const [form, setForm] = useState({ sku: '', locationCode: '', delta: '', reason: 'RECEIVED' as StockAdjustmentReason, note: '' });
  const [key, setKey] = useState(() => crypto.randomUUID());
  const client = useClient();
  const [pickList, setPickList] = useState<string | null>(null);
  const error = problem(stock.error ?? adjusted.error);
  const low = new Set((stock.data?.reorderRules ?? []).filter((r) => r.low).map((r) => `${r.location.code}/${r.sku}`));

  async function submit(e: Event) {
    e.preventDefault();
    const r = await adjust({ i: { sku: form.sku.trim(), locationCode: form.locationCode, delta: Number(form.delta), reason: form.reason, note: form.note || undefined, idempotencyKey: key } });
    if (r.data) {
      setForm({ ...form, delta: '', note: '' });
      setKey(crypto.randomUUID()); // the next adjustment is a new request
      refetch({ requestPolicy: 'network-only' });
    }
  }

  return (
    <main>
      <h1>Stock</h1>
      <label>Location
        <select value={location ?? ''} onChange={(e) => { setLocation(e.currentTarget.value || null); setPickList(null); }}>
          <option value="">All</option>
          {stock.data?.stockLocations.map((l) => <option value={l.code}>{l.name}</option>)}
        </select>
      </label>
      {location && (
        <button type="button" onClick={async () => {
          const r = await client.query(PICK_LIST, { locationCode: location }, { requestPolicy: 'network-only' }).toPromise();
          setPickList(r.data?.pickList ?? null);
        }}>Make the pick list</button>
      )}
      {pickList && <a href={pickList} target="_blank" rel="noopener"> Pick list (PDF)</a>}
      {error && <p role="alert" class="error">{error}</p>}
      <table class="stock">
        <thead><tr><th scope="col">Location</th><th scope="col">SKU</th><th scope="col" class="num">On hand</th><th scope="col" class="num">Reserved</th><th scope="col" class="num">Available</th><th scope="col" class="num">Incoming</th><th scope="col" class="num">In transit</th><th scope="col">Next expected</th><th scope="col">Low</th></tr></thead>
        <tbody>{stock.data?.stockLevels.map((s) => (
          <tr data-sku={s.sku} data-location={s.location.code}>
            <td>{s.location.code}</td><td>{s.sku}</td><td class="num">{s.onHand}</td><td class="num">{s.reserved}</td><td class="num">{s.available}</td>
            <td class="num">{s.incoming}</td><td class="num">{s.inTransitIn}</td><td>{s.nextExpectedAt ? formatTime(s.nextExpectedAt) : ''}</td>
            <td>{low.has(`${s.location.code}/${s.sku}`) ? <span class="status s-CANCELLED">below reorder point</span> : ''}</td>
          </tr>
        ))}</tbody>
      </table>
      <h2>Adjust stock</h2>
      <form onSubmit={submit} aria-label="Adjust stock" class="filters">
        <label>SKU <input value={form.sku} onInput={(e) => setForm({ ...form, sku: e.currentTarget.value })} required /></label>
        <label>At
          <select value={form.locationCode} onChange={(e) => setForm({ ...form, locationCode: e.currentTarget.value })} required>
            <option value="">Choose…</option>
            {stock.data?.stockLocations.map((l) => <option value={l.code}>{l.name}</option>)}
          </select>
        </label>
        <label>Change by <input type="number" step="1" value={form.delta} onInput={(e) => setForm({ ...form, delta: e.currentTarget.value })} required /></label>
        <label>Reason
          <select value={form.reason} onChange={(e) => setForm({ ...form, reason: e.currentTarget.value as StockAdjustmentReason })}>
            {REASONS.map((r) => <option value={r}>{r}</option>)}
          </select>
        </label>
        <label>Note <input value={form.note} onInput={(e) => setForm({ ...form, note: e.currentTarget.value })} /></label>
        <button type="submit" disabled={adjusted.fetching}>Adjust</button>
      </form>
    </main>
  );
}
