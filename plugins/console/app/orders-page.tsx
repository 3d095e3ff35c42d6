// The orders list: filters (status, channel, placed dates, tag, search by number, email or external id),
// cursor paging, and live: an order placed meanwhile appears at the top of the first page and a status
// changes in place, from the staff feed (orderFeed over graphql-ws), without reloading.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { graphql } from './gql';
import type { OrderFilter, OrderStatus } from './gql/graphql';
import { problem, useLive } from './api';
import { formatMoney, formatTime } from './money';
import { orderHref } from './route';

const STATUSES: OrderStatus[] = ['PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const PAGE = 25;
const FEED_KEPT = 500;

const ORDERS = graphql(`
  query ConsoleOrders($first: Int!, $after: String, $filter: OrderFilter) {
    orders(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ConsoleOrderRow }
    }
    channels { code name }
  }
`);

const BY_NUMBER = graphql(`
  query ConsoleOrderByNumber($number: String!) { orderByNumber(number: $number) { ...ConsoleOrderRow } }
`);

const ROW = graphql(`
  fragment ConsoleOrderRow on Order {
    id number status paymentStatus email total currencyCode placedAt tags externalId channel { code }
  }
`);

const EXPORT = graphql(`mutation ConsoleExportOrders($filter: OrderFilter) { exportOrders(filter: $filter) { url fileName expiresAt } }`);

const FEED = graphql(`
  subscription ConsoleOrderFeed { orderFeed { type order { ...ConsoleOrderRow } } }
`);

type Row = { id: string; number: string; status: OrderStatus; paymentStatus: string; email: string; total: number; currencyCode: string; placedAt: string; tags: string[]; externalId?: string | null; channel: { code: string } };

export function OrdersPage() {
  const [filter, setFilter] = useState<OrderFilter>({});
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const byNumber = search && !search.includes('@') ? search : '';
  // Search: an email, else an order number (orderByNumber) or the order's id in its channel's own system
  // (externalId: marketplaces, POS), both asked at once.
  const listFilter = useMemo<OrderFilter>(() => ({ ...filter, ...(search.includes('@') ? { email: search } : byNumber ? { externalId: byNumber } : {}) }), [filter, search]);
  const [list, refetch] = useQuery({ query: ORDERS, variables: { first: PAGE, after, filter: listFilter } });
  // Once live (again), the list is read anew: what happened before the feed was heard is in it.
  const live = useLive();
  useEffect(() => { if (live) refetch({ requestPolicy: 'network-only' }); }, [live]);
  const [found] = useQuery({ query: BY_NUMBER, variables: { number: byNumber }, pause: !byNumber });

  // Live: the feed's latest view of each order, and the orders that arrived while this page was open.
  const [feed] = useSubscription({ query: FEED }, (seen: Map<string, Row> | undefined, e) => {
    const next = new Map(seen ?? []);
    const row = e.orderFeed.order as unknown as Row;
    next.delete(row.id);
    next.set(row.id, row);
    // A page left open all day keeps the latest FEED_KEPT orders it heard of, not every one.
    for (const id of next.keys()) {
      if (next.size <= FEED_KEPT) break;
      next.delete(id);
    }
    return next;
  });
  const heard = feed.data ?? new Map<string, Row>();

  const listed = (list.data?.orders.nodes ?? []) as unknown as Row[];
  const numbered = (byNumber && found.data?.orderByNumber ? [found.data.orderByNumber] : []) as unknown as Row[];
  const pageRows = [...numbered, ...listed.filter((r) => !numbered.some((n) => n.id === r.id))];
  const shown = new Set(pageRows.map((r) => r.id));
  // Whether an order heard of live belongs in the list as filtered (the filters the row can answer).
  const matches = (r: Row) => !search
    && (!filter.status?.length || filter.status.includes(r.status))
    && (!filter.channelCode || r.channel.code === filter.channelCode)
    && (!filter.tags?.length || filter.tags.every((t) => r.tags.includes(t.trim().toLowerCase())))
    && (!filter.placedAfter || r.placedAt >= filter.placedAfter)
    && (!filter.placedBefore || r.placedAt < filter.placedBefore);
  const arrivals = after === null ? [...heard.values()].filter((r) => !shown.has(r.id) && matches(r) && new Date(r.placedAt) > new Date(Date.now() - 86_400_000)).reverse() : [];
  const rows = [...arrivals, ...pageRows.map((r) => heard.get(r.id) ?? r)];
  const [exported, exportOrders] = useMutation(EXPORT);
  const error = problem(list.error ?? found.error ?? exported.error);

  const set = (patch: Partial<OrderFilter>) => { setFilter({ ...filter, ...patch }); setCursors([null]); };

  return (
    <main>
      <h1>Orders <span class={live ? 'live on' : 'live'} role="status">{live ? 'Live' : 'Connecting…'}</span></h1>
      <form class="filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label>Status
          <select value={filter.status?.[0] ?? ''} onChange={(e) => set({ status: e.currentTarget.value ? [e.currentTarget.value as OrderStatus] : undefined })}>
            <option value="">Any</option>
            {STATUSES.map((s) => <option value={s}>{s}</option>)}
          </select>
        </label>
        <label>Channel
          <select value={filter.channelCode ?? ''} onChange={(e) => set({ channelCode: e.currentTarget.value || undefined })}>
            <option value="">All</option>
            {list.data?.channels.map((c) => <option value={c.code}>{c.name}</option>)}
          </select>
        </label>
        <label>Placed from <input type="date" onChange={(e) => set({ placedAfter: e.currentTarget.value ? new Date(e.currentTarget.value).toISOString() : undefined })} /></label>
        <label>to <input type="date" onChange={(e) => set({ placedBefore: e.currentTarget.value ? new Date(Date.parse(e.currentTarget.value) + 86_400_000).toISOString() : undefined })} /></label>
        <label>Tag <input type="text" onChange={(e) => set({ tags: e.currentTarget.value.trim() ? [e.currentTarget.value.trim()] : undefined })} /></label>
        <label>Search <input type="search" placeholder="Number, email or external id" value={search} onInput={(e) => { setSearch(e.currentTarget.value.trim()); setCursors([null]); }} /></label>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      <p aria-live="polite" class="count">{byNumber ? (rows.length ? `${rows.length} ${rows.length === 1 ? 'order' : 'orders'}` : `No order numbered ${byNumber} or with that external id`) : `${(list.data?.orders.totalCount ?? 0) + arrivals.length} orders`}{arrivals.length ? ` (${arrivals.length} new)` : ''}</p>
      <table class="orders">
        <thead><tr><th scope="col">Number</th><th scope="col">Placed</th><th scope="col">Channel</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">Payment</th><th scope="col" class="num">Total</th><th scope="col">Tags</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} class={arrivals.includes(r) ? 'new' : ''} data-order-id={r.id}>
              <td><a href={orderHref(r.id)}>{r.number}</a></td>
              <td>{formatTime(r.placedAt)}</td>
              <td>{r.channel.code}</td>
              <td>{r.email}</td>
              <td><span class={`status s-${r.status}`}>{r.status}</span></td>
              <td>{r.paymentStatus}</td>
              <td class="num">{formatMoney(r.total, r.currencyCode)}</td>
              <td>{r.tags.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="buttons">
        <button type="button" onClick={() => exportOrders({ filter: listFilter })}>Export these orders (CSV)</button>
        {exported.data && <a href={exported.data.exportOrders.url} download={exported.data.exportOrders.fileName}>Download {exported.data.exportOrders.fileName}</a>}
      </p>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>Previous page</button>
        <button type="button" disabled={!list.data?.orders.pageInfo.hasNextPage || !!byNumber} onClick={() => setCursors([...cursors, list.data!.orders.pageInfo.endCursor ?? null])}>Next page</button>
      </nav>
    </main>
  );
}
void ROW;
