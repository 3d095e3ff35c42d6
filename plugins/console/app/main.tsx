// The Ordo console: a back office on the public GraphQL API and its subscriptions, as any headless
// client could build one. Signed out, it asks for a staff sign-in; signed in, it routes by the hash.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Provider } from '@urql/preact';
import { apiClient } from './api';
import { can, loadSession, saveSession, type Session } from './session';
import { useRoute, type Page } from './route';
import { SignIn } from './sign-in';
import { OrdersPage } from './orders-page';
import { OrderPage } from './order-page';
import { ReturnsPage } from './returns-page';
import { StockPage } from './stock-page';
import { PurchasingPage } from './purchasing-page';
import { CountsTransfersPage } from './counts-transfers-page';
import { JobsPage } from './jobs-page';
import { DashboardPage } from './dashboard-page';
import './styles.css';

/** The main pages and the role each needs (a page a member's roles do not open is not offered). */
const NAV: { page: Page; label: string; role: string }[] = [
  { page: 'dashboard', label: 'Dashboard', role: 'orders' },
  { page: 'orders', label: 'Orders', role: 'orders' },
  { page: 'returns', label: 'Returns', role: 'orders' },
  { page: 'stock', label: 'Stock', role: 'inventory' },
  { page: 'counts', label: 'Counts and transfers', role: 'inventory' },
  { page: 'purchasing', label: 'Purchasing', role: 'inventory' },
  { page: 'jobs', label: 'Failed jobs', role: 'operations' },
];

function Pages({ page }: { page: Page }) {
  if (page === 'returns') return <ReturnsPage />;
  if (page === 'stock') return <StockPage />;
  if (page === 'purchasing') return <PurchasingPage />;
  if (page === 'counts') return <CountsTransfersPage />;
  if (page === 'jobs') return <JobsPage />;
  if (page === 'dashboard') return <DashboardPage />;
  return <OrdersPage />;
}

function Console({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const api = useMemo(() => apiClient(session.token), [session.token]);
  useEffect(() => api.close, [api]);
  const route = useRoute();
  return (
    <Provider value={api.client}>
      <header class="top">
        <a href="#/orders" class="brand">Ordo</a>
        <nav aria-label="Main">
          {NAV.filter((n) => can(session, n.role)).map((n) => <a href={`#/${n.page}`} aria-current={route.page === n.page ? 'page' : undefined}>{n.label}</a>)}
        </nav>
        <span class="who">{session.name}{session.channelCodes.length ? ` (${session.channelCodes.join(', ')})` : ''}</span>
        <button type="button" onClick={onSignOut}>Sign out</button>
      </header>
      {'id' in route ? <OrderPage id={route.id} session={session} /> : <Pages page={route.page} />}
    </Provider>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const change = (s: Session | null) => { saveSession(s); setSession(s); };
  return session ? <Console session={session} onSignOut={() => change(null)} /> : <SignIn onSignedIn={change} />;
}

render(<App />, document.getElementById('app')!);
