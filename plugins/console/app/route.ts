// A hash router: #/orders, #/orders/<id>, #/returns, #/stock, #/counts, #/purchasing, #/jobs, #/dashboard. The engine serves one page; the hash never reaches it.
import { useEffect, useState } from 'preact/hooks';

export type Page = 'dashboard' | 'orders' | 'returns' | 'stock' | 'counts' | 'purchasing' | 'jobs';
export type Route = { page: Page } | { page: 'order'; id: string };
const PAGES: Page[] = ['dashboard', 'orders', 'returns', 'stock', 'counts', 'purchasing', 'jobs'];

export function parseRoute(hash: string): Route {
  const m = /^#\/orders\/([\w-]+)$/.exec(hash);
  if (m) return { page: 'order', id: decodeURIComponent(m[1]) };
  const page = PAGES.find((p) => hash === `#/${p}`);
  return { page: page ?? 'orders' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const orderHref = (id: string) => `#/orders/${encodeURIComponent(id)}`;
