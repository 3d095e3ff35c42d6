// The returns queue: returns waiting for staff (REQUESTED to approve or reject, APPROVED to receive), or
// any status; receiving says what happens to each unit (restock, damaged, discard), and the engine then
// refunds or ships the exchange as the return asked. Follows each return's order live.
import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from './gql';
import type { ItemDisposition, ReturnStatus } from './gql/graphql';
import { problem } from './api';
import { formatMoney, formatTime } from './money';
import { orderHref } from './route';

const RETURNS = graphql(`
  query ConsoleReturns($status: [ReturnStatus!], $first: Int!, $after: String) {
    returnRequests(status: $status, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id number status resolution refundTotal createdAt customerNote
        order { id number currencyCode email }
        lines { id quantity quantityReceived reason disposition exchangeSku orderLine { sku name } }
      }
    }
  }
`);
const APPROVE = graphql(`mutation ConsoleApproveReturn($id: ID!) { approveReturn(id: $id) { id status } }`);
const REJECT = graphql(`mutation ConsoleRejectReturn($id: ID!, $reason: String!) { rejectReturn(id: $id, reason: $reason) { id status } }`);
const RECEIVE = graphql(`mutation ConsoleReceiveReturn($id: ID!, $lines: [ReceiveReturnLineInput!]!, $key: String) { receiveReturn(id: $id, lines: $lines, idempotencyKey: $key) { id status } }`);

const VIEWS: { label: string; status: ReturnStatus[] | null }[] = [
  { label: 'To approve', status: ['REQUESTED'] },
  { label: 'To receive', status: ['APPROVED'] },
  { label: 'Done', status: ['RECEIVED', 'REFUNDED', 'COMPLETED', 'REJECTED', 'CANCELLED'] },
  { label: 'All', status: null },
];

export function ReturnsPage() {
  const [view, setView] = useState(0);
  const [after, setAfter] = useState<string | null>(null);
  const [list, refetch] = useQuery({ query: RETURNS, variables: { status: VIEWS[view].status, first: 25, after } });
  const [approved, approve] = useMutation(APPROVE);
  const [rejected, reject] = useMutation(REJECT);
  const [received, receive] = useMutation(RECEIVE);
  const [dispositions, setDispositions] = useState<Record<string, ItemDisposition>>({});
  const error = problem(list.error ?? approved.error ?? rejected.error ?? received.error);
  const again = () => refetch({ requestPolicy: 'network-only' });

  return (
    <main>
      <h1>Returns</h1>
      <div role="tablist" aria-label="Returns queue" class="tabs">
        {VIEWS.map((v, i) => <button type="button" role="tab" aria-selected={i === view} onClick={() => { setView(i); setAfter(null); }}>{v.label}</button>)}
      </div>
      {error && <p role="alert" class="error">{error}</p>}
      <p class="count" aria-live="polite">{list.data?.returnRequests.totalCount ?? 0} {list.data?.returnRequests.totalCount === 1 ? 'return' : 'returns'}</p>
      {list.data?.returnRequests.nodes.map((r) => (
        <article class="return" aria-label={`Return ${r.number}`} data-return-id={r.id}>
          <h2>Return {r.number} <span class={`status s-${r.status}`}>{r.status}</span></h2>
          <p class="meta">Order <a href={orderHref(r.order.id)}>{r.order.number}</a> · {r.order.email} · {formatTime(r.createdAt)} · {r.resolution}{r.refundTotal != null ? ` · refund ${formatMoney(r.refundTotal, r.order.currencyCode)}` : ''}</p>
          {r.customerNote && <p>“{r.customerNote}”</p>}
          <table>
            <thead><tr><th scope="col">SKU</th><th scope="col" class="num">Qty</th><th scope="col">Reason</th><th scope="col">Exchange for</th><th scope="col">Received as</th></tr></thead>
            <tbody>{r.lines.map((l) => (
              <tr>
                <td>{l.orderLine.sku}</td><td class="num">{l.quantity}</td><td>{l.reason}</td><td>{l.exchangeSku ?? '—'}</td>
                <td>{r.status === 'APPROVED'
                  ? <select aria-label={`Disposition of ${l.orderLine.sku}`} value={dispositions[l.id] ?? 'RESTOCK'} onChange={(e) => setDispositions({ ...dispositions, [l.id]: e.currentTarget.value as ItemDisposition })}>
                      <option value="RESTOCK">Restock</option><option value="DAMAGED">Damaged</option><option value="DISCARD">Discard</option>
                    </select>
                  : `${l.quantityReceived} ${l.disposition ?? ''}`}</td>
              </tr>
            ))}</tbody>
          </table>
          <p class="buttons">
            {r.status === 'REQUESTED' && <button type="button" onClick={async () => { await approve({ id: r.id }); again(); }}>Approve</button>}
            {r.status === 'REQUESTED' && <button type="button" class="danger" onClick={async () => { const why = prompt('Why is the return rejected?'); if (why) { await reject({ id: r.id, reason: why }); again(); } }}>Reject</button>}
            {r.status === 'APPROVED' && <button type="button" onClick={async () => {
              const lines = r.lines.map((l) => ({ returnLineId: l.id, quantity: l.quantity - l.quantityReceived, disposition: dispositions[l.id] ?? 'RESTOCK' })).filter((l) => l.quantity > 0);
              await receive({ id: r.id, lines, key: `console-receive-${r.id}` });
              again();
            }}>Receive</button>}
          </p>
        </article>
      ))}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={!after} onClick={() => setAfter(null)}>First page</button>
        <button type="button" disabled={!list.data?.returnRequests.pageInfo.hasNextPage} onClick={() => setAfter(list.data!.returnRequests.pageInfo.endCursor ?? null)}>Next page</button>
      </nav>
    </main>
  );
}
