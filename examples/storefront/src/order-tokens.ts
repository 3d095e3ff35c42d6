// The access token placeOrder returns is the guest's only key to the order (reading it, following it
// live): kept in this browser, by order id.
const KEY = 'ordo.orders';

interface PlacedOrder {
  token: string;
  number: string;
}

function all(): Record<string, PlacedOrder> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, PlacedOrder>;
  } catch {
    return {};
  }
}

export function rememberOrder(id: string, order: PlacedOrder): void {
  localStorage.setItem(KEY, JSON.stringify({ ...all(), [id]: order }));
}

export const placedOrder = (id: string): PlacedOrder | undefined => all()[id];
