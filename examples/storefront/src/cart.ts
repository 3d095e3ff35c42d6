// The cart lives in the browser (localStorage) until the order is placed: the engine has no cart, it
// quotes and places whatever lines it is sent.
export interface CartLine {
  sku: string;
  name: string;
  quantity: number;
}

const KEY = 'ordo.cart';
const listeners = new Set<() => void>();

export function cartLines(): CartLine[] {
  try {
    const lines = JSON.parse(localStorage.getItem(KEY) ?? '[]') as CartLine[];
    return Array.isArray(lines) ? lines.filter((l) => l && typeof l.sku === 'string' && l.quantity > 0) : [];
  } catch {
    return [];
  }
}

function save(lines: CartLine[]): void {
  localStorage.setItem(KEY, JSON.stringify(lines.filter((l) => l.quantity > 0)));
  for (const f of listeners) f();
}

export function addToCart(sku: string, name: string, quantity = 1): void {
  const lines = cartLines();
  const line = lines.find((l) => l.sku === sku);
  if (line) line.quantity += quantity;
  else lines.push({ sku, name, quantity });
  save(lines);
}

export function setQuantity(sku: string, quantity: number): void {
  save(cartLines().map((l) => (l.sku === sku ? { ...l, quantity: Math.max(0, Math.floor(quantity) || 0) } : l)));
}

export function clearCart(): void {
  save([]);
}

export const cartCount = () => cartLines().reduce((n, l) => n + l.quantity, 0);

export function onCartChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
