// Page 1: the catalogue with live availability. Each stock-tracked SKU is followed over graphql-ws
// (`stockLevelChanged`, public); after a reconnect the list is read again, since changes made while the
// socket was down were sent to no one.
import { h, setLive } from './dom';
import { connectEngine } from './engine';
import { formatMoney } from './money';
import { addToCart } from './cart';
import { ProductsQuery, StockSubscription } from './operations';
import type { StorefrontProductsQuery } from './gql/graphql';

type Variant = StorefrontProductsQuery['products']['nodes'][number]['variants'][number];

export function productsPage(root: HTMLElement): () => void {
  const live = h('span', { class: 'live', 'data-live': 'connecting' }, 'Connecting…');
  const grid = h('div', { class: 'grid' }, h('p', { class: 'muted' }, 'Loading products…'));
  root.replaceChildren(h('div', { class: 'page-head' }, h('h1', null, 'Products'), live), grid);

  const variants = new Map<string, Variant>();
  const following = new Set<string>();
  const subscriptions: { unsubscribe(): void }[] = [];
  const engine = connectEngine(undefined, {
    connected: () => {
      setLive(live, true);
      void load();
    },
    closed: () => setLive(live, false),
  });

  async function load() {
    const r = await engine.client.query(ProductsQuery, {}).toPromise();
    if (r.error || !r.data) {
      grid.replaceChildren(h('p', { class: 'problem' }, `The products could not be loaded: ${r.error?.message ?? 'no answer'}.`));
      return;
    }
    const products = r.data.products.nodes;
    if (!grid.querySelector('.card') || products.some((p) => p.variants.some((v) => !variants.has(v.sku)))) {
      grid.replaceChildren(...(products.length ? products.map(card) : [h('p', { class: 'muted' }, 'No products yet.')]));
    }
    for (const p of products) for (const v of p.variants) updateStock(v.sku, v.available, v);
    for (const p of products) for (const v of p.variants) if (v.trackInventory) follow(v.sku);
    live.hidden = following.size === 0; // nothing to follow: no socket, no badge
  }

  function follow(sku: string) {
    if (following.has(sku)) return;
    following.add(sku);
    subscriptions.push(
      engine.client.subscription(StockSubscription, { sku }).subscribe((r) => {
        if (r.data) updateStock(r.data.stockLevelChanged.sku, r.data.stockLevelChanged.available);
      }),
    );
  }

  function card(p: StorefrontProductsQuery['products']['nodes'][number]) {
    return h('article', { class: 'card', 'data-product': p.id },
      h('h2', null, p.name),
      p.description ? h('p', { class: 'muted' }, p.description) : null,
      h('ul', { class: 'variants' }, p.variants.map((v) => {
        variants.set(v.sku, v);
        const button = h('button', { class: 'add', type: 'button', onclick: () => {
          addToCart(v.sku, v.name);
          button.textContent = 'Added ✓';
          setTimeout(() => (button.textContent = 'Add to cart'), 1200);
        } }, 'Add to cart');
        return h('li', { class: 'variant', 'data-sku': v.sku },
          h('div', null, h('strong', null, v.name), h('div', { class: 'sku' }, v.sku)),
          h('div', { class: 'price' }, formatMoney(v.price, v.currencyCode)),
          h('span', { class: 'stock' }),
          button);
      })));
  }

  /** Shows what can be sold now; a change flashes so that the buyer notices it. */
  function updateStock(sku: string, available: number, fresh?: Variant) {
    const v = fresh ?? variants.get(sku);
    if (!v) return;
    variants.set(sku, { ...v, available });
    const row = grid.querySelector<HTMLElement>(`[data-sku="${CSS.escape(sku)}"]`);
    const badge = row?.querySelector<HTMLElement>('.stock');
    if (!row || !badge) return;
    const [text, kind] = !v.trackInventory ? ['In stock', 'ok']
      : available > 0 ? [`${available} in stock`, available <= 3 ? 'low' : 'ok']
      : v.allowBackorder ? ['Backorder: ships when restocked', 'low']
      : ['Sold out', 'out'];
    if (badge.textContent && badge.textContent !== text) {
      badge.classList.remove('flash');
      void badge.offsetWidth; // restart the animation
      badge.classList.add('flash');
    }
    badge.textContent = text;
    badge.dataset.kind = kind;
    row.querySelector<HTMLButtonElement>('button.add')!.disabled = kind === 'out';
  }

  void load();
  return () => {
    for (const s of subscriptions) s.unsubscribe();
    engine.dispose();
  };
}
