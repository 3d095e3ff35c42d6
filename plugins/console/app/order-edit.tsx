// Editing a placed order (beginOrderEdit … commitOrderEdit): change quantities, add a SKU, see the new
// totals and what is owed or refunded before committing; nothing changes until the commit, which takes an
// idempotency key (a double click commits once). Discarding leaves the order as it was.
import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';
import { formatMoney } from './money';

const BEGIN = graphql(`mutation ConsoleBeginEdit($id: ID!) { beginOrderEdit(orderId: $id) { id } }`);
const PREVIEW = graphql(`
  query ConsoleEditPreview($id: ID!) {
    orderEditPreview(editId: $id) {
      currencyCode previousTotal total amountDue amountToRefund
      lines { orderLineId sku name previousQuantity quantity lineTotal }
    }
  }
`);
const SET_QTY = graphql(`mutation ConsoleEditQty($id: ID!, $line: ID!, $q: Int!) { orderEditSetQuantity(editId: $id, orderLineId: $line, quantity: $q) { id } }`);
const ADD = graphql(`mutation ConsoleEditAdd($id: ID!, $sku: String!, $q: Int!) { orderEditAddLine(editId: $id, sku: $sku, quantity: $q) { id } }`);
const COMMIT = graphql(`mutation ConsoleEditCommit($id: ID!, $key: String) { commitOrderEdit(editId: $id, idempotencyKey: $key) { id total } }`);
const DISCARD = graphql(`mutation ConsoleEditDiscard($id: ID!) { discardOrderEdit(editId: $id) { id } }`);

export function OrderEdit({ orderId }: { orderId: string }) {
  const [editId, setEditId] = useState<string | null>(null);
  const [begun, begin] = useMutation(BEGIN);
  const [preview, refetch] = useQuery({ query: PREVIEW, variables: { id: editId ?? '' }, pause: !editId, requestPolicy: 'network-only' });
  const [changed, setQty] = useMutation(SET_QTY);
  const [added, add] = useMutation(ADD);
  const [committed, commit] = useMutation(COMMIT);
  const [, discard] = useMutation(DISCARD);
  const [sku, setSku] = useState('');
  const again = () => refetch({ requestPolicy: 'network-only' });
  const error = problem(begun.error ?? preview.error ?? changed.error ?? added.error ?? committed.error);
  const p = preview.data?.orderEditPreview;
  const m = (v: number) => formatMoney(v, p?.currencyCode ?? 'EUR');

  if (!editId) {
    return (
      <section aria-label="Edit the order" class="actions">
        <button type="button" onClick={async () => { const r = await begin({ id: orderId }); if (r.data) setEditId(r.data.beginOrderEdit.id); }}>Edit order</button>
        {error && <p role="alert" class="error">{error}</p>}
      </section>
    );
  }
  return (
    <section aria-labelledby="edit-h" class="edit">
      <h2 id="edit-h">Editing the order</h2>
      {error && <p role="alert" class="error">{error}</p>}
      <table>
        <thead><tr><th scope="col">SKU</th><th scope="col" class="num">Was</th><th scope="col" class="num">Now</th><th scope="col" class="num">Line</th></tr></thead>
        <tbody>{p?.lines.map((l) => (
          <tr>
            <td>{l.sku}</td><td class="num">{l.previousQuantity}</td>
            <td class="num">{l.orderLineId
              ? <input type="number" min="0" aria-label={`New quantity of ${l.sku}`} value={l.quantity} onChange={async (e) => { await setQty({ id: editId, line: l.orderLineId!, q: Number(e.currentTarget.value) }); again(); }} />
              : l.quantity}</td>
            <td class="num">{m(l.lineTotal)}</td>
          </tr>
        ))}</tbody>
      </table>
      <form onSubmit={async (e) => { e.preventDefault(); const r = await add({ id: editId, sku: sku.trim(), q: 1 }); if (r.data) { setSku(''); again(); } }}>
        <label>Add SKU <input value={sku} onInput={(e) => setSku(e.currentTarget.value)} required /></label>
        <button type="submit">Add</button>
      </form>
      {p && <p aria-live="polite">Total {m(p.previousTotal)} → <strong>{m(p.total)}</strong>{p.amountDue ? `; the buyer owes ${m(p.amountDue)}` : ''}{p.amountToRefund ? `; ${m(p.amountToRefund)} will be refunded` : ''}</p>}
      <p class="buttons">
        <button type="button" onClick={async () => { const r = await commit({ id: editId, key: `console-edit-${editId}` }); if (r.data) setEditId(null); }}>Commit the edit</button>
        <button type="button" onClick={async () => { await discard({ id: editId }); setEditId(null); }}>Discard</button>
      </p>
    </section>
  );
}
