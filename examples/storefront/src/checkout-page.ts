// Page 2: cart and checkout. Every edit asks the engine for a quote (`quoteOrder`: the same checks,
// prices, tax and shipping rules as placeOrder, writing nothing), so the page shows the engine's own
// totals and every problem next to the field it concerns, before anything is placed. Placing sends
// one idempotency key per checkout attempt, the same on every retry: a retry after a lost answer
// returns the order already placed instead of placing a second one.
import { h } from './dom';
import { connectEngine, describeError } from './engine';
import { formatDate, formatMoney } from './money';
import { cartLines, clearCart, setQuantity } from './cart';
import { rememberOrder } from './order-tokens';
import { PlaceOrderMutation, QuoteQuery } from './operations';
import type { PlaceOrderInput, StorefrontQuoteQuery } from './gql/graphql';

type Quote = StorefrontQuoteQuery['quoteOrder'];

interface Draft {
  email: string;
  name: string;
  line1: string;
  line2: string;
  postalCode: string;
  city: string;
  countryCode: string;
  shippingMethodCode: string;
  payment: 'test-card' | 'manual';
  cardToken: string;
}

const DRAFT_KEY = 'ordo.checkout';
const ATTEMPT_KEY = 'ordo.checkout.idempotencyKey';
const COUNTRIES: [string, string][] = [['DE', 'Germany'], ['AT', 'Austria'], ['NL', 'Netherlands'], ['BE', 'Belgium'], ['FR', 'France'], ['US', 'United States']];
const CARDS: [string, string][] = [['tok_visa', 'Visa •••• 4242 (approves)'], ['tok_mastercard', 'Mastercard •••• 4444 (approves)'], ['tok_declined', 'Test card that is declined']];

function loadDraft(): Draft {
  const blank: Draft = { email: '', name: '', line1: '', line2: '', postalCode: '', city: '', countryCode: 'DE', shippingMethodCode: '', payment: 'test-card', cardToken: 'tok_visa' };
  try {
    return { ...blank, ...(JSON.parse(localStorage.getItem(DRAFT_KEY) ?? '{}') as Partial<Draft>) };
  } catch {
    return blank;
  }
}

/** One key per checkout attempt: made on the first "Place order", kept (across reloads) until an order is placed. */
function attemptKey(): string {
  let key = sessionStorage.getItem(ATTEMPT_KEY);
  if (!key) sessionStorage.setItem(ATTEMPT_KEY, (key = uuid()));
  return key;
}

/** crypto.randomUUID exists only in secure contexts (https, localhost): fall back to getRandomValues. */
function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function checkoutPage(root: HTMLElement): () => void {
  const engine = connectEngine();
  const draft = loadDraft();
  /** Fields the buyer has been in; before that, a missing value is a hint rather than an error. */
  const touched = new Set<string>();
  let quote: Quote | null = null;
  let quoting = 0;
  let placing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const linesBox = h('div', { class: 'lines' });
  const methodsBox = h('div', { class: 'methods', 'data-path': 'shippingMethodCode' });
  const summary = h('aside', { class: 'summary' });
  const status = h('p', { class: 'status', role: 'status' });
  const placeButton = h('button', { class: 'primary place', type: 'button', onclick: () => void place() }, 'Place order');

  const input = (path: string, key: keyof Draft, label: string, attrs: Record<string, string> = {}) =>
    field(path, label, h('input', { ...attrs, name: key, value: draft[key], oninput: (e) => edit(key, (e.target as HTMLInputElement).value), onblur: () => touch(path) }));

  const form = h('div', { class: 'checkout-form' },
    h('section', null, h('h2', null, 'Your cart'), linesBox),
    h('section', null, h('h2', null, 'Contact'),
      input('email', 'email', 'Email', { type: 'email', autocomplete: 'email', placeholder: 'you@example.com' })),
    h('section', null, h('h2', null, 'Shipping address'),
      input('shippingAddress.name', 'name', 'Full name', { autocomplete: 'name' }),
      input('shippingAddress.line1', 'line1', 'Street and number', { autocomplete: 'address-line1' }),
      input('shippingAddress.line2', 'line2', 'Apartment, floor (optional)', { autocomplete: 'address-line2' }),
      h('div', { class: 'row' },
        input('shippingAddress.postalCode', 'postalCode', 'Postal code', { autocomplete: 'postal-code' }),
        input('shippingAddress.city', 'city', 'City', { autocomplete: 'address-level2' })),
      field('shippingAddress.countryCode', 'Country', h('select', { name: 'countryCode', onchange: (e) => edit('countryCode', (e.target as HTMLSelectElement).value) },
        COUNTRIES.map(([code, name]) => h('option', { value: code, selected: code === draft.countryCode }, name))))),
    h('section', null, h('h2', null, 'Shipping method'), methodsBox),
    h('section', { 'data-path': 'payment' }, h('h2', null, 'Payment'),
      paymentChoice('test-card', 'Card', h('select', { name: 'cardToken', onchange: (e) => edit('cardToken', (e.target as HTMLSelectElement).value) },
        CARDS.map(([token, name]) => h('option', { value: token, selected: token === draft.cardToken }, name)))),
      paymentChoice('manual', 'Bank transfer', h('span', { class: 'muted' }, 'The order is confirmed when the shop receives the money.')),
      problemSlot('payment.token'), problemSlot('payment.method'), problemSlot('payment')));
  root.replaceChildren(h('div', { class: 'page-head' }, h('h1', null, 'Checkout')), h('div', { class: 'checkout' }, form, summary));

  function paymentChoice(method: Draft['payment'], label: string, extra: Node) {
    return h('label', { class: 'choice' },
      h('input', { type: 'radio', name: 'payment', value: method, checked: draft.payment === method, onchange: () => edit('payment', method) }),
      h('span', null, h('strong', null, label), ' ', extra));
  }

  function edit(key: keyof Draft, value: string) {
    (draft as Record<keyof Draft, string>)[key] = value;
    localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    requote();
  }

  function touch(path: string) {
    touched.add(path);
    renderProblems();
  }

  function orderInput(): PlaceOrderInput {
    return {
      email: draft.email.trim(),
      lines: cartLines().map((l) => ({ sku: l.sku, quantity: l.quantity })),
      shippingAddress: {
        name: draft.name.trim(), line1: draft.line1.trim(), line2: draft.line2.trim() || null,
        postalCode: draft.postalCode.trim(), city: draft.city.trim(), countryCode: draft.countryCode,
      },
      shippingMethodCode: draft.shippingMethodCode,
      payment: draft.payment === 'manual' ? { method: 'manual' } : { method: 'test-card', token: draft.cardToken },
    };
  }

  function requote(delayMs = 250) {
    clearTimeout(timer);
    summary.classList.add('updating');
    timer = setTimeout(() => void runQuote(), delayMs);
  }

  async function runQuote() {
    const mine = ++quoting;
    if (!cartLines().length) {
      quote = null;
      summary.classList.remove('updating');
      render();
      return;
    }
    const r = await engine.client.query(QuoteQuery, { input: orderInput() }).toPromise();
    if (mine !== quoting) return; // a newer edit has asked again
    summary.classList.remove('updating');
    if (!r.data) {
      status.textContent = r.error ? describeError(r.error).message : 'No answer from the shop.';
      status.className = 'status problem';
      render();
      return;
    }
    quote = r.data.quoteOrder;
    status.textContent = '';
    // No method chosen yet: take the cheapest. (One chosen that does not deliver to a new address stays,
    // with the engine's problem beside it, until the buyer picks another.)
    if (!draft.shippingMethodCode && quote.shippingMethods.length) {
      draft.shippingMethodCode = quote.shippingMethods[0].code;
      localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
      requote(0);
      return;
    }
    render();
  }

  function render() {
    renderLines();
    renderMethods();
    renderSummary();
    renderProblems();
  }

  function renderLines() {
    const lines = cartLines();
    if (!lines.length) {
      linesBox.replaceChildren(h('p', { class: 'muted' }, 'Your cart is empty. ', h('a', { href: '#/' }, 'Browse the products')));
      return;
    }
    const currency = quote?.currencyCode ?? 'EUR';
    linesBox.replaceChildren(...lines.map((l, i) => {
      const q = quote?.lines.find((x) => x.sku === l.sku);
      return h('div', { class: 'line', 'data-sku': l.sku, 'data-path': `lines[${i}]` },
        h('div', { class: 'line-name' }, h('strong', null, q?.name ?? l.name), h('div', { class: 'sku' }, l.sku),
          q?.backordered ? h('div', { class: 'note' }, `${q.backordered} on backorder: ships when restocked`) : null,
          problemSlot(`lines[${i}].sku`), problemSlot(`lines[${i}].quantity`), problemSlot(`lines[${i}]`)),
        h('div', { class: 'qty' },
          h('button', { type: 'button', 'aria-label': 'One less', onclick: () => change(l.sku, l.quantity - 1) }, '−'),
          h('span', { class: 'n' }, l.quantity),
          h('button', { type: 'button', 'aria-label': 'One more', onclick: () => change(l.sku, l.quantity + 1) }, '+')),
        h('div', { class: 'money' },
          q ? h('div', { class: 'line-total' }, formatMoney(q.lineTotal, currency)) : null,
          q ? h('div', { class: 'muted small' }, `${l.quantity} × ${formatMoney(q.unitPrice, currency)} + ${formatMoney(q.taxTotal, currency)} tax`) : null),
        h('button', { type: 'button', class: 'link remove', onclick: () => change(l.sku, 0) }, 'Remove'));
    }));
  }

  function change(sku: string, quantity: number) {
    setQuantity(sku, quantity);
    renderLines();
    requote(0);
  }

  function renderMethods() {
    const methods = quote?.shippingMethods ?? [];
    const currency = quote?.currencyCode ?? 'EUR';
    methodsBox.replaceChildren(
      ...(methods.length
        ? methods.map((m) => h('label', { class: 'choice method', 'data-method': m.code },
            h('input', { type: 'radio', name: 'shippingMethod', value: m.code, checked: m.selected, onchange: () => edit('shippingMethodCode', m.code) }),
            h('span', { class: 'method-name' }, h('strong', null, m.name), h('span', { class: 'muted' }, ` · delivery by ${formatDate(m.estimatedDeliveryAt)}`)),
            // Net, like every price on the page; its tax is in the summary's tax line.
            h('span', { class: 'price' }, formatMoney(m.price, currency), h('span', { class: 'muted small' }, ` + ${formatMoney(m.taxTotal, currency)} tax`))))
        : [h('p', { class: 'muted' }, quote ? 'No shipping method delivers to this country.' : 'Enter the address to see the shipping methods.')]),
      problemSlot('shippingMethodCode'));
  }

  function renderSummary() {
    const c = quote?.currencyCode ?? 'EUR';
    const row = (label: string, amount: number | undefined, cls = '') =>
      h('div', { class: `sum-row ${cls}`, 'data-total': label.toLowerCase() }, h('span', null, label), h('span', { class: 'amount' }, amount === undefined ? '—' : formatMoney(amount, c)));
    const known = (p: { path: string }) => !!form.querySelector(`[data-problem-for="${CSS.escape(p.path)}"]`);
    placeButton.disabled = placing || !quote?.placeable;
    placeButton.textContent = placing ? 'Placing…' : quote ? `Place order · ${formatMoney(quote.total, c)}` : 'Place order';
    summary.replaceChildren(
      h('h2', null, 'Order summary'),
      row('Subtotal', quote?.subtotal),
      row('Shipping', quote?.shippingTotal),
      ...(quote?.discounts ?? []).map((d) => row(d.label, -d.amount, 'discount')),
      row('Tax', quote?.taxTotal),
      row('Total', quote?.total, 'total'),
      quote?.estimatedDeliveryAt ? h('p', { class: 'muted small' }, `Estimated delivery: ${formatDate(quote.estimatedDeliveryAt)}`) : '',
      placeButton,
      status,
      // Problems that no field on the page stands for (a discount, the channel) are listed here.
      h('ul', { class: 'other-problems' }, (quote?.problems ?? []).filter((p) => !known(p)).map((p) => h('li', { class: 'problem', 'data-code': p.code }, p.message))),
    );
  }

  /** Each problem of the last quote next to its field; untouched empty fields get a quiet hint. */
  function renderProblems() {
    for (const slot of form.querySelectorAll<HTMLElement>('[data-problem-for]')) {
      const path = slot.dataset.problemFor!;
      const p = quote?.problems.find((x) => x.path === path);
      slot.textContent = p?.message ?? '';
      slot.dataset.code = p?.code ?? '';
      slot.className = p && !touched.has(path) && /^(email|shippingAddress\.)/.test(path) ? 'hint' : 'problem';
      slot.closest('.field')?.classList.toggle('invalid', !!p && slot.className === 'problem');
    }
  }

  async function place() {
    if (placing || !quote?.placeable) return;
    placing = true;
    renderSummary();
    status.className = 'status';
    status.textContent = '';
    const r = await engine.client.mutation(PlaceOrderMutation, { input: orderInput(), idempotencyKey: attemptKey() }).toPromise();
    placing = false;
    const placed = r.data?.placeOrder;
    if (placed) {
      rememberOrder(placed.order.id, { token: placed.accessToken, number: placed.order.number });
      sessionStorage.removeItem(ATTEMPT_KEY);
      localStorage.removeItem(DRAFT_KEY);
      clearCart();
      location.hash = `#/order/${encodeURIComponent(placed.order.id)}`;
      return;
    }
    const e = r.error ? describeError(r.error) : { message: 'No answer from the shop.', code: undefined, fields: [], network: true };
    status.className = 'status problem';
    status.textContent = e.network
      ? 'The shop could not be reached, so it is not known whether the order went through. Press “Place order” again: it is the same attempt, and the shop will not place it twice.'
      : e.message;
    // The engine's refusal names its fields (a declined card concerns the payment): show them beside
    // those fields, like the quote's problems, until the next quote.
    const fields = e.fields.length ? e.fields : e.code === 'PAYMENT_DECLINED' ? [{ path: 'payment', message: e.message }] : [];
    if (quote) quote = { ...quote, problems: [...fields.map((f) => ({ path: f.path, code: e.code ?? 'BAD_USER_INPUT', message: f.message })), ...quote.problems] };
    for (const f of fields) touched.add(f.path);
    renderSummary();
    renderProblems();
  }

  render();
  requote(0);
  return () => {
    clearTimeout(timer);
    quoting++;
    engine.dispose();
  };
}

function field(path: string, label: string, control: HTMLElement) {
  return h('label', { class: 'field', 'data-path': path }, h('span', { class: 'label' }, label), control, problemSlot(path));
}

function problemSlot(path: string) {
  return h('small', { 'data-problem-for': path, class: 'problem', 'aria-live': 'polite' });
}
