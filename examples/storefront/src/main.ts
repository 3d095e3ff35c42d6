// The storefront shell: header with the cart, and three pages by URL hash (#/, #/checkout, #/order/<id>),
// so that any static file server can host the build.
import './style.css';
import { h } from './dom';
import { ENGINE_URL } from './config';
import { cartCount, onCartChange } from './cart';
import { productsPage } from './products-page';
import { checkoutPage } from './checkout-page';
import { orderPage } from './order-page';

const count = h('span', { class: 'count' });
const main = h('main');
document.body.replaceChildren(
  h('header', null, h('div', { class: 'bar' },
    h('a', { class: 'brand', href: '#/' }, 'Ordo Supply Co.'),
    h('nav', null, h('a', { href: '#/' }, 'Products'), h('a', { href: '#/checkout', class: 'cart-link' }, 'Cart ', count)))),
  main,
  h('footer', null, 'Engine: ', h('code', null, ENGINE_URL)),
);

const showCount = () => {
  const n = cartCount();
  count.textContent = String(n);
  count.hidden = n === 0;
};
onCartChange(showCount);
window.addEventListener('storage', showCount);
showCount();

let leave: () => void = () => {};
function route() {
  leave();
  const hash = location.hash.replace(/^#/, '') || '/';
  const order = /^\/order\/([^/?]+)$/.exec(hash);
  leave = order ? orderPage(main, decodeURIComponent(order[1]))
    : hash === '/checkout' ? checkoutPage(main)
    : productsPage(main);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('header nav a')) a.classList.toggle('active', a.getAttribute('href') === `#${hash}`);
  window.scrollTo(0, 0);
}
window.addEventListener('hashchange', route);
route();
