// A return's refund is one amount; the returns report shows refunds per SKU and reason, so the amount is
// shared among the return's received lines in proportion to what they are worth (each line's share of its
// order line's total for the units received), by largest remainder: the parts add up to the amount.

export interface ShareLine {
  /** Lines are taken in this order (the return line's id): the same parts every time. */
  id: string;
  worth: number;
}

export function shareRefund(amount: number, lines: ShareLine[]): Map<string, number> {
  const sorted = [...lines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out = new Map<string, number>();
  if (!sorted.length) return out;
  let weights = sorted.map((l) => Math.max(0, l.worth));
  if (weights.every((w) => w === 0)) weights = sorted.map(() => 1);
  const total = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (amount * w) / total);
  const parts = exact.map((x) => Math.floor(x));
  let left = amount - parts.reduce((s, x) => s + x, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0; j = (j + 1) % byRemainder.length, left--) parts[byRemainder[j][1]]++;
  sorted.forEach((l, i) => out.set(l.id, parts[i]));
  return out;
}
